import asyncio

from django.core.management.base import BaseCommand, CommandError

from streaming.moments.consumer import MomentDetector
from streaming.pull import UnusableNatsUrl
from streaming.runner import ConsumerRunner


class Command(BaseCommand):
    help = "Run the key moment detector (durable consumer key-moment-detector) until SIGTERM or SIGINT."

    def handle(self, *args, **options) -> None:
        try:
            asyncio.run(ConsumerRunner(MomentDetector()).run())
        except UnusableNatsUrl as error:
            raise CommandError(str(error)) from None
