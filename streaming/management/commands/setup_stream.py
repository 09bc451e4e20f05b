import asyncio

from django.core.management.base import BaseCommand, CommandError

from streaming.connection import connect
from streaming.durables import DETECTOR_DURABLE
from streaming.partitions import ensure_partitions
from streaming.registry import registered_consumer
from streaming.status import JetStreamApiError
from streaming.streams import StreamMismatch, ensure_stream
from streaming.world import NATS_UNAVAILABLE


class Command(BaseCommand):
    help = (
        "Create the GAME_EVENTS stream or bring it to the contract's configuration, and the key moment detectors' "
        "partitions to MOMENT_DETECTOR_PARTITIONS; safe to repeat."
    )

    def handle(self, *args, **options) -> None:
        try:
            setup, partitions = asyncio.run(self._setup())
        except StreamMismatch as error:
            raise CommandError(str(error)) from error
        except NATS_UNAVAILABLE as error:  # unreachable, or no stream leader on a cluster
            raise CommandError(f"cannot reach NATS ({error.__class__.__name__}); check NATS_URL") from error
        except JetStreamApiError as error:
            raise CommandError(f"JetStream refused a request: {error}; run setup_stream again") from error
        self.stdout.write(f"GAME_EVENTS {setup.action}")
        for change in setup.changes:
            self.stdout.write(f"  {change}")
        self.stdout.write(f"key moment detectors: {partitions.partitions} partition(s), {partitions.action}")
        for change in partitions.changes:
            self.stdout.write(f"  {change}")

    async def _setup(self):
        client = await connect("setup-stream", retry_forever=False)
        try:
            setup = await ensure_stream(client.jetstream())
            return setup, await ensure_partitions(client, _detector_config)
        finally:
            await client.close()


def _detector_config(partition: int | None):
    # The detector registers itself (moments/apps.py): streaming does not import the consumers.
    return registered_consumer(DETECTOR_DURABLE).factory(partition=partition).consumer_config()
