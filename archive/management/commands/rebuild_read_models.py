import asyncio
import contextlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from nats.js.errors import NotFoundError

from archive.progress import Progress
from archive.rebuild import NotEmpty, rebuild_from_archive
from archive.store import ArchiveStore, StoreUnavailable
from history.projector import MatchReprojector
from stats.standings import standings_refresh
from streaming.connection import connect
from streaming.runner import ConsumerRunner


class Command(BaseCommand):
    help = (
        "Recreate matches, match_players and the stats tables in an empty database from the archive, then from "
        "the stream (disaster recovery of PostgreSQL; docs/operations.md), with a progress bar."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--no-stream", action="store_true", help="only the archive, not the stream after it")

    def handle(self, *args, no_stream: bool = False, **options) -> None:
        try:
            store = ArchiveStore.from_settings()
            keys = len(store.keys("matches/"))
            progress = Progress(self.stderr, total=keys, unit="archived matches")
            try:
                archived = rebuild_from_archive(store=store, on_progress=progress.advance)
            finally:
                progress.close()
        except (NotEmpty, StoreUnavailable) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"from the archive: {archived:,} matches")
        if not no_stream:
            processed = asyncio.run(_project_the_stream())
            self.stdout.write(f"from the stream: {processed:,} messages projected (matches already written skipped)")
        standings_refresh()
        self.stdout.write("tournament standings refreshed")


async def _project_the_stream() -> int:
    """The whole stream through a projector consumer of its own, from sequence 1, until caught up."""
    consumer = MatchReprojector()
    await _delete_consumer(consumer.durable)
    runner = ConsumerRunner(consumer, stop_when_idle=True)
    try:
        await runner.run(install_signal_handlers=False)
    finally:
        consumer.close()
    await _delete_consumer(consumer.durable)
    return runner.processed


async def _delete_consumer(durable: str) -> None:
    client = await connect(durable, retry_forever=False)
    try:
        with contextlib.suppress(NotFoundError):
            await client.jetstream().delete_consumer(settings.GAME_EVENTS_STREAM, durable)
    finally:
        await client.close()
