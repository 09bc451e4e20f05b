import asyncio
import logging

from django.core.management.base import BaseCommand, CommandError

from archive.archiver import MatchArchiver
from archive.health import poll_archive_gauges
from archive.store import StoreUnavailable
from streaming.metrics_server import serve_metrics
from streaming.pull.wire import UnusableNatsUrl
from streaming.runner import ConsumerRunner

logger = logging.getLogger("archive.archiver")


class Command(BaseCommand):
    help = (
        "Run the match archiver (durable consumer match-archiver) until SIGTERM or SIGINT: each finished "
        "match's replay document written to the object store of ARCHIVE_URL (docs/operations.md)."
    )

    def handle(self, *args, **options) -> None:
        try:
            archiver = MatchArchiver()
        except (StoreUnavailable, ValueError) as error:  # ARCHIVE_URL unset or malformed
            raise CommandError(str(error)) from None
        serve_metrics("ARCHIVER_METRICS_PORT")
        try:
            archiver.store.ensure_bucket()
        except StoreUnavailable as error:  # waited out batch by batch, like any failure of the store
            logger.warning("the archive's bucket is not reachable yet: %s", error)
        try:
            asyncio.run(self._run(archiver))
        except UnusableNatsUrl as error:
            raise CommandError(str(error)) from None

    async def _run(self, archiver: MatchArchiver) -> None:
        stopped = asyncio.Event()
        gauges = asyncio.create_task(poll_archive_gauges(stopped))
        try:
            await ConsumerRunner(archiver).run()
        finally:
            stopped.set()
            await gauges
