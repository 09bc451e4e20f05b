"""Run the benchmarks: `python -m bench [--quick] [--only NAME ...]`. Never part of the test suite."""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
import time

from bench.events import realistic_matches
from bench.harness import Servers, print_table, write_json

SUITES = [
    "publishing",
    "consumers",
    "consumer_metrics",
    "partitions",
    "replay",
    "archive",
    "share",
    "analysis",
    "api",
    "stats",
    "detector_memory",
    "room",
    "solo_game",
    "solo_verify",
    "web_client",
    "cluster",
    "recovery",
    "live",
    "live_load",
    "live_filters",
]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, under 3 minutes")
    parser.add_argument("--only", nargs="*", choices=SUITES, help="run only these suites")
    args = parser.parse_args(argv)
    servers = Servers()
    servers.start()
    rows = []
    try:
        for name in args.only or SUITES:
            started = time.perf_counter()
            print(f"== {name} ...", flush=True)
            module = importlib.import_module(f"bench.{name}")
            rows.extend(module.run(servers, args.quick))
            # Each suite starts from a clean heap: leftovers (cached bot games are millions of
            # objects) would make a later suite's full garbage collections take a second.
            realistic_matches.cache_clear()
            gc.collect()
            print(f"   {name} took {time.perf_counter() - started:.0f}s", flush=True)
    finally:
        servers.stop()
    print()
    print_table(rows)
    print(f"\nJSON: {write_json(rows, args.quick)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
