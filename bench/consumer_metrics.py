"""What the consumers' metrics cost (docs/operations.md, metrics): the projector and the detector on one backlog,
with their metrics counted and with every metric call made a no-op, in the same run.

The calls are per batch (settled counts, batch time, matches, moments, live matches), so their cost
should vanish beside a batch's work; the target is at most 5 % of throughput.
"""

from __future__ import annotations

import contextlib
from unittest import mock

from bench.consumers import _clear_matches, _load, timed_run
from bench.events import realistic_matches, synthetic_match
from bench.harness import Row, verdict
from history.projector import MatchProjector
from moments.consumer import MomentDetector

# Where each consumer-side metric is looked up at run time (imported by name into these modules).
COUNTED_IN = {
    "streaming.runner": ["CONSUMER_BATCH_SECONDS", "CONSUMER_LAST_ACK", "CONSUMER_MESSAGES"],
    "streaming.metrics_server": [
        "CONSUMER_ACK_PENDING",
        "CONSUMER_LAST_ACK",
        "CONSUMER_MESSAGES",
        "CONSUMER_PENDING",
        "POISON_EVENTS",
    ],
    "history.projector": ["MATCHES_PROJECTED", "POISON_EVENTS"],
    "moments.consumer": ["DETECTOR_LIVE_MATCHES", "DETECTOR_ROOMS_REBUILT"],
    "moments.stored": ["MOMENTS_PUBLISHED"],
}


class NoMetric:
    """Takes every call a metric takes and does nothing."""

    def labels(self, *args, **kwargs) -> NoMetric:
        return self

    def inc(self, *args) -> None:
        pass

    def set(self, *args) -> None:
        pass

    def observe(self, *args) -> None:
        pass


@contextlib.contextmanager
def metrics_off():
    with contextlib.ExitStack() as stack:
        for module, names in COUNTED_IN.items():
            for name in names:
                stack.enter_context(mock.patch(f"{module}.{name}", NoMetric()))
        yield


def _timed(load, consumer_class, *, off: bool) -> float:
    load()
    with metrics_off() if off else contextlib.nullcontext():
        return timed_run(consumer_class())


def run(servers, quick: bool) -> list[Row]:
    from django.conf import settings

    settings.NATS_SERVERS = [servers.nats.url]
    url = servers.nats.url
    runs = 2 if quick else 3
    matches = [
        (f"bench-room-{i % 50}", synthetic_match(f"bench-room-{i % 50}", i)) for i in range(200 if quick else 1500)
    ]
    games = realistic_matches(40 if quick else 150, rooms=40, seed=3)
    cases = [
        ("projector", MatchProjector, matches, True),
        ("moment detector", MomentDetector, games, False),
    ]
    rows = []
    for name, consumer_class, traffic, writes in cases:
        total = 0

        def load(traffic=traffic, writes=writes) -> None:
            nonlocal total
            total = _load(url, traffic)
            if writes:
                _clear_matches()

        # Alternated, best of each: the machine's noise falls on both alike.
        on = off = float("inf")
        for index in range(runs):  # each goes first in turn: a second run on a warm server is not favoured
            for metrics_are_off in (True, False) if index % 2 else (False, True):
                seconds = _timed(load, consumer_class, off=metrics_are_off)
                if metrics_are_off:
                    off = min(off, seconds)
                else:
                    on = min(on, seconds)
        cost = on / off - 1
        rows.append(
            Row(
                f"{name}, metrics counted vs off",
                f"{total / on:,.0f} events/s",
                f"{total / off:,.0f} events/s with no-op metrics",
                f"{cost:+.1%}",
                "cost <= 5 %",
                verdict(cost <= 0.05),
                {"events": total, "on_s": on, "off_s": off, "runs": runs},
            )
        )
    return rows
