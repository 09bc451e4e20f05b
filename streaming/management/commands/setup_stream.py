import asyncio

from django.core.management.base import BaseCommand, CommandError

from streaming.connection import connect
from streaming.streams import StreamMismatch, ensure_stream
from streaming.world import NATS_UNAVAILABLE


class Command(BaseCommand):
    help = "Create the GAME_EVENTS stream or bring it to the SPEC's configuration; safe to repeat."

    def handle(self, *args, **options) -> None:
        try:
            setup = asyncio.run(self._setup())
        except StreamMismatch as error:
            raise CommandError(str(error)) from error
        except NATS_UNAVAILABLE as error:  # unreachable, or no stream leader on a cluster
            raise CommandError(f"cannot reach NATS ({error.__class__.__name__}); check NATS_URL") from error
        self.stdout.write(f"GAME_EVENTS {setup.action}")
        for change in setup.changes:
            self.stdout.write(f"  {change}")

    async def _setup(self):
        client = await connect("setup-stream", retry_forever=False)
        try:
            return await ensure_stream(client.jetstream())
        finally:
            await client.close()
