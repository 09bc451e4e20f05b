import asyncio

from django.core.management.base import BaseCommand

from streaming.moments.consumer import MomentDetector
from streaming.runner import ConsumerRunner


class Command(BaseCommand):
    help = "Run the key moment detector (durable consumer key-moment-detector) until SIGTERM or SIGINT."

    def handle(self, *args, **options) -> None:
        asyncio.run(ConsumerRunner(MomentDetector()).run())
