import asyncio
import logging

from django.core.management.base import BaseCommand, CommandError
from nats.js.errors import NotFoundError

from streaming.connection import connect
from streaming.metrics import serve_metrics
from streaming.projector import MatchProjector, MatchReprojector
from streaming.pull.wire import UnusableNatsUrl
from streaming.runner import ConsumerRunner

logger = logging.getLogger("streaming.projector")


class Command(BaseCommand):
    help = "Run the match projector (durable consumer match-projector) until SIGTERM or SIGINT."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--from-start",
            action="store_true",
            help="Reproject the whole stream from its first message through a separate consumer, then exit. "
            "Matches already recorded are left as they are.",
        )

    def handle(self, *args, from_start: bool = False, **options) -> None:
        from django.conf import settings

        serve_metrics("PROJECTOR_METRICS_PORT", settings.PROJECTOR_METRICS_PORT)
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
