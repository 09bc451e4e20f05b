import argparse
import asyncio
import logging

from django.core.management.base import BaseCommand, CommandError
from nats.js.errors import NotFoundError

from history.projector import MatchProjector, MatchReprojector
from streaming.connection import connect
from streaming.metrics_server import serve_metrics
from streaming.pull.wire import UnusableNatsUrl
from streaming.runner import ConsumerRunner

logger = logging.getLogger("streaming.projector")


def instance_number(text: str) -> int:
    """``--instance``'s value: a non-negative integer (a systemd instance, tetris-history-projector@N)."""
    if not text.isdigit() or not text.isascii():
        raise argparse.ArgumentTypeError(f"must be a non-negative integer (a systemd instance number), got {text!r}")
    return int(text)


class Command(BaseCommand):
    help = (
        "Run the match projector (durable consumer match-projector) until SIGTERM or SIGINT. "
        "Several may run at once; on one host each with its own --instance."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--from-start",
            action="store_true",
            help="Reproject the whole stream from its first message through a separate consumer, then exit. "
            "Matches already recorded are left as they are.",
        )
        parser.add_argument(
            "--instance",
            type=instance_number,
            default=0,
            help="This projector's number on its host (0, 1, ...; systemd's tetris-history-projector@N): "
            "its metrics are served on PROJECTOR_METRICS_PORT plus it.",
        )

    def handle(self, *args, from_start: bool = False, instance: int = 0, **options) -> None:
        serve_metrics("PROJECTOR_METRICS_PORT", instance, "instance")
        try:
            if from_start:
                asyncio.run(self._reproject())
            else:
                projector = MatchProjector()
                try:
                    asyncio.run(ConsumerRunner(projector).run())
                finally:
                    projector.close()  # the trailing standings refresh, when one is pending
        except UnusableNatsUrl as error:
            raise CommandError(str(error)) from None

    async def _reproject(self) -> None:
        consumer = MatchReprojector()
        await _delete_consumer(consumer.durable)  # a fresh consumer starts at sequence 1
        runner = ConsumerRunner(consumer, stop_when_idle=True)
        try:
            await runner.run()
        finally:
            consumer.close()
        await _delete_consumer(consumer.durable)
        self.stdout.write(f"reprojection done: {runner.processed} messages")


async def _delete_consumer(durable: str) -> None:
    from django.conf import settings

    client = await connect(durable, retry_forever=False)
    try:
        await client.jetstream().delete_consumer(settings.GAME_EVENTS_STREAM, durable)
    except NotFoundError:
        pass
    finally:
        await client.close()
