import asyncio
import contextlib
import logging
import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from moments.consumer import MomentDetector
from streaming.connection import connect, retry_delays
from streaming.durables import PARTITIONED_STREAM
from streaming.metrics_server import serve_metrics
from streaming.partitions import layout_problem, partitions_on_server
from streaming.pull.wire import UnusableNatsUrl
from streaming.runner import ConsumerRunner
from streaming.status import JetStreamApiError
from streaming.streams import StreamMismatch
from streaming.world import NATS_UNAVAILABLE

logger = logging.getLogger("streaming.moments")


class Command(BaseCommand):
    help = (
        "Run the key moment detector (durable consumer key-moment-detector, or key-moment-detector-{i} with "
        "--partition i when MOMENT_DETECTOR_PARTITIONS > 1) until SIGTERM or SIGINT."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--partition",
            type=int,
            help="With MOMENT_DETECTOR_PARTITIONS=N > 1: the partition (0 to N-1) of the rooms this process detects.",
        )

    def handle(self, *args, partition: int | None = None, **options) -> None:
        wanted = settings.MOMENT_DETECTOR_PARTITIONS
        problem = layout_problem(wanted, partition, wanted)
        if problem:
            raise CommandError(problem)
        serve_metrics("DETECTOR_METRICS_PORT", partition or 0, "partition")
        try:
            on_server = asyncio.run(_partitions_on_server())
            if on_server is None:  # SIGTERM or SIGINT while NATS was away: nothing begun, a clean exit
                return
            problem = layout_problem(wanted, partition, on_server)
            if problem:
                raise CommandError(problem)
            stream = PARTITIONED_STREAM if partition is not None else None
            asyncio.run(ConsumerRunner(MomentDetector(partition=partition), stream=stream).run())
        except (UnusableNatsUrl, StreamMismatch) as error:
            raise CommandError(str(error)) from None


async def _partitions_on_server() -> int | None:
    """The server's layout, waiting for NATS as long as it takes; None when stopped by a signal first.

    Checked before consuming: a detector of another layout would feed rooms that others feed too.
    """
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    try:
        client = await connect("moment-detector-setup", should_stop=stopping.is_set)
    except ConnectionError:
        if stopping.is_set():
            return None
        raise
    delays = retry_delays()
    try:
        while not stopping.is_set():
            try:
                return await partitions_on_server(client)
            except (*NATS_UNAVAILABLE, JetStreamApiError) as error:  # an election, no quorum, NATS away
                if isinstance(error, JetStreamApiError) and error.code < 500:
                    raise CommandError(f"cannot read the detectors' layout: {error}") from error
                delay = next(delays)
                logger.warning("reading the detectors' layout failed (%s); retrying in %.1fs", error, delay)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stopping.wait(), delay)
        return None
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
        await client.close()
