"""The web client (issue 13): the gzip size of its JavaScript beside React's floor (web/bench/reactFloor,
one element rendered, built by the same Vite), and in headless
Chromium against gunicorn (production settings, the collected build) the time from navigation to the
first history row of a 1,000-match account and to an interactive replay of a 3,000-event match, each
beside the API request alone from the same page, and the frames while that replay plays at 4x beside
an empty requestAnimationFrame loop (web/bench/webPages.mjs). Needs web/node_modules and Chromium."""

from __future__ import annotations

import asyncio
import gzip
import json
import os
import subprocess
import tempfile
from pathlib import Path

from bench.events import synthetic_match
from bench.harness import Row, load_stream, match_messages, median, node_bench_line, verdict
from bench.webserver import Gunicorn
from devtools.debian import ensure_chromium
from devtools.web import WEB, build_if_changed, node_env

JS_BUDGET_KB = 250
FIRST_ROW_BUDGET_MS = 500
INTERACTIVE_BUDGET_MS = 1000
FRAME_MS = 1000 / 60
PASSWORD = "bench-password-1"
# React itself, minified for production: the least any React client ships.
REACT_FILES = (
    "react/cjs/react.production.js",
    "react-dom/cjs/react-dom.production.js",
    "react-dom/cjs/react-dom-client.production.js",
)


def gzip_kb(paths: list[Path]) -> float:
    return sum(len(gzip.compress(path.read_bytes(), compresslevel=9)) for path in paths) / 1024


def _median_timeline(timelines: list[dict]) -> dict[str, float]:
    """Each step's median end (ms from navigation); its median start and transfer size under
    "<step> start" and "<step> bytes"."""
    steps: dict[str, list[float]] = {}
    for timeline in timelines:
        for step, at in timeline.items():
            if isinstance(at, dict):
                steps.setdefault(f"{step} bytes", []).append(at["bytes"])
                steps.setdefault(f"{step} start", []).append(at["start"])
                at = at["end"]
            steps.setdefault(step, []).append(at)
    return {step: median(values) for step, values in steps.items()}


def _player():
    """The benchmark's player, with a password hash gunicorn's production settings can check (the
    benchmark process runs the test settings, whose only hasher is MD5)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hasher = PBKDF2PasswordHasher()
    return get_user_model().objects.create(
        username="web-bench", password=hasher.encode(PASSWORD, hasher.salt(), iterations=hasher.iterations)
    )


def _seed(servers, player, matches: int):
    """`matches` four-player matches of the player in history, and one 3,000-event match in the stream."""
    from contract.events import game_end_from_event, validate_envelope
    from history.services import matches_record_from_game_ends

    def end_of(room: str, events) -> object:
        end = events[-1][0]
        end["data"]["players"][0]["player_id"] = str(player.id)
        return game_end_from_event(room, validate_envelope(end))

    ends = [
        end_of(f"web-bench-{n % 50}", synthetic_match(f"web-bench-{n % 50}", n, events_per_match=12))
        for n in range(matches)
    ]
    for start in range(0, len(ends), 500):
        matches_record_from_game_ends(ends=ends[start : start + 500])
    room = "web-bench-replay"
    events = synthetic_match(room, matches + 1, players=4, events_per_match=3000)
    asyncio.run(load_stream(servers.nats.url, match_messages([(room, events)])))
    [replayed] = matches_record_from_game_ends(ends=[end_of(room, events)])
    return replayed, len(events)


def run(servers, quick: bool) -> list[Row]:
    from django.conf import settings
    from django.core.management import call_command
    from rest_framework_simplejwt.tokens import AccessToken

    settings.NATS_SERVERS = [servers.nats.url]
    env = node_env()
    build_if_changed()
    ensure_chromium()
    call_command("collectstatic", interactive=False, verbosity=0)
    ours_kb = gzip_kb(sorted((WEB / "dist" / "assets").glob("*.js")))
    with tempfile.TemporaryDirectory() as floor:
        vite = ["npx", "vite", "build", "--config", "bench/reactFloor/vite.config.ts", "--outDir", floor]
        subprocess.run(vite, cwd=WEB, env=env, check=True, capture_output=True, timeout=300)
        react_kb = gzip_kb(sorted(Path(floor).glob("assets/*.js")))

    player = _player()
    replayed, event_count = _seed(servers, player, 1000)
    config = {
        "username": player.username,
        "password": PASSWORD,
        "token": str(AccessToken.for_user(player)),
        "replayPath": f"/matches/{replayed.id}/replay",
        "replayApi": f"/api/matches/{replayed.id}/replay",
        "repeats": 5 if quick else 20,
        "playSeconds": 4 if quick else 12,  # the match lasts 13.7 s at 4x
    }
    # No sign-in throttle: every measured navigation refreshes the session once.
    with Gunicorn(workers=2, env={"AUTH_THROTTLE_RATE": "", "PUBLIC_THROTTLE_RATE": ""}) as web:
        config["base"] = f"http://127.0.0.1:{web.port}"
        pages = node_bench_line(["node", "bench/webPages.mjs", json.dumps(config)], env)
    # The browser rows are CPU-bound on two shared cores: the load says how far to trust them.
    pages["load_average"] = os.getloadavg()

    first_row, history_api = pages["first_row_ms"], pages["history_api_ms"]
    interactive, replay_api = pages["interactive_ms"], pages["replay_api_ms"]
    row_cached, interactive_cached = pages["first_row_cached_ms"], pages["interactive_cached_ms"]
    work, interval, blank = pages["frames"]["work_ms"], pages["frames"]["interval_ms"], pages["baseline_interval_ms"]
    history_at = _median_timeline(pages["first_row_timelines"])
    replay_at = _median_timeline(pages["interactive_timelines"])
    replay_key = "/api/matches/{id}/replay"
    history_steps = ", ".join(
        f"{label} at {history_at.get(step, 0):.0f}"
        for label, step in (("script", "script"), ("session", "/api/auth/session/refresh"), ("page", "/api/matches"))
    )
    return [
        Row(
            "web client JavaScript, gzip",
            f"{ours_kb:.0f} KB",
            f"React rendering one element, same Vite: {react_kb:.0f} KB",
            f"{ours_kb / react_kb:.2f}x",
            f"<= {JS_BUDGET_KB} KB",
            verdict(ours_kb <= JS_BUDGET_KB),
            {"ours_kb": ours_kb, "react_kb": react_kb},
        ),
        Row(
            "navigation to the first history row, 1,000 matches",
            f"first visit p50 {first_row['median']:.0f} ms, p99 {first_row['p99']:.0f} ms ({history_steps}); "
            f"files cached p50 {row_cached['median']:.0f} ms",
            f"the first page's API request alone: p50 {history_api['median']:.0f} ms",
            f"{first_row['median'] / max(history_api['median'], 0.1):.1f}x",
            f"p50 <= {FIRST_ROW_BUDGET_MS} ms",
            verdict(first_row["median"] <= FIRST_ROW_BUDGET_MS),
            {
                "first_row_ms": first_row,
                "cached_ms": row_cached,
                "history_api_ms": history_api,
                "timeline_p50_ms": history_at,
            },
        ),
        Row(
            f"replay viewer interactive, {event_count:,} events",
            f"first visit p50 {interactive['median']:.0f} ms, p99 {interactive['p99']:.0f} ms (replay in at "
            f"{replay_at[replay_key]:.0f}, {replay_at[replay_key + ' bytes'] / 1024:.0f} KB on the wire); "
            f"files cached p50 {interactive_cached['median']:.0f} ms",
            f"the replay's API request alone: p50 {replay_api['median']:.0f} ms",
            f"{interactive['median'] / max(replay_api['median'], 0.1):.1f}x",
            f"p50 <= {INTERACTIVE_BUDGET_MS} ms",
            verdict(interactive["median"] <= INTERACTIVE_BUDGET_MS),
            {
                "interactive_ms": interactive,
                "cached_ms": interactive_cached,
                "replay_api_ms": replay_api,
                "timeline_p50_ms": replay_at,
            },
        ),
        Row(
            "replay frames at 4x, headless Chromium",
            f"work p50 {work['median']:.1f} ms, p99 {work['p99']:.1f} ms; interval p99 {interval['p99']:.1f} ms",
            f"empty rAF loop: interval p50 {blank['median']:.1f} ms, p99 {blank['p99']:.1f} ms",
            f"{interval['p99'] / blank['p99']:.2f}x interval p99" if blank["p99"] else "-",
            "work p99 within one 60 Hz frame",
            verdict(work["p99"] <= FRAME_MS and pages["frames"]["still_playing"]),
            pages["frames"] | {"baseline_interval_ms": blank},
        ),
    ]
