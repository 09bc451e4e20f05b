"""The analysis (docs/api.md, match analysis): one 3,000-event simulated match analysed (analysis.figures)
beside one bare pass over the same events counting them by type; and `manage.py reanalyze` over archived
matches (each document read from the archive, analysed, its row rewritten) in matches a second."""

from __future__ import annotations

import time
from collections import Counter

from bench.harness import Row, percentile, verdict

TARGET_MS = 20.0


def three_thousand_event_match() -> dict:
    """A 4-bot simulated match of at least 3,000 events (game.simulation), as a replay document."""
    from contract.events import validate_event
    from game.simulation import simulate_match_events
    from moments.detection import detect_moments

    for seed in range(100):
        events = [event for event, _ in simulate_match_events("bench-analysis", index=0, seed=seed, players=4)]
        if len(events) >= 3000:
            break
    state, moments = None, []
    for event in events:
        state, found = detect_moments(state, validate_event(event))
        moments.extend(found)
    return {"events": events, "moments": [moment.to_dict() for moment in moments]}


def _timings(function, document: dict, repeats: int) -> list[float]:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        function(document)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def _reanalyze_row(servers, quick: bool) -> Row:
    """Matches published, projected and archived (the archiver analyses them as it records them), then
    `manage.py reanalyze` timed over all of them."""
    import io

    from django.conf import settings
    from django.core.management import call_command

    from analysis.models import MatchAnalysis
    from archive.archiver import MatchArchiver
    from archive.store import ArchiveStore
    from bench.archive import _archive_settings
    from bench.consumers import _clear_matches, _load, timed_run
    from bench.events import synthetic_match
    from devtools.embedded_seaweed import EmbeddedSeaweed
    from history.projector import MatchProjector

    settings.NATS_SERVERS = [servers.nats.url]
    seaweed = EmbeddedSeaweed(servers.root / "seaweedfs-analysis")
    _archive_settings(seaweed.start())
    try:
        store = ArchiveStore.from_settings()
        store.ensure_bucket()
        count = 100 if quick else 500
        matches = [(f"reanalyze-room-{i % 50}", synthetic_match(f"reanalyze-room-{i % 50}", i)) for i in range(count)]
        _load(servers.nats.url, matches)
        _clear_matches()
        timed_run(MatchProjector())
        archiver_s = timed_run(MatchArchiver(store=store, settle_seconds=0, wait_for_detector=False))
        assert MatchAnalysis.objects.count() == count
        started = time.perf_counter()
        call_command("reanalyze", stdout=io.StringIO(), stderr=io.StringIO())
        reanalyze_s = time.perf_counter() - started
    finally:
        seaweed.stop()
    return Row(
        f"manage.py reanalyze, {count} archived matches of ~300 events",
        f"{count / reanalyze_s:,.0f} matches/s",
        f"archiving them (read, write, record, analyse): {count / archiver_s:,.0f} matches/s",
        f"{archiver_s / reanalyze_s:.2f}x",
        "reported",
        "reported",
        {"matches": count, "reanalyze_s": reanalyze_s, "archiver_s": archiver_s},
    )


def _solo_finesse_row(quick: bool) -> Row:
    """A verified 10-minute marathon's analysis with its key presses (KPP, finesse placement by placement)
    beside the same document analysed without them: what judging the presses adds."""
    import tempfile
    from pathlib import Path

    import django

    django.setup()
    from analysis.figures import analyse_match
    from solo.verifier import VerifierWorker
    from tests.solo.recorded_runs import recorded_runs

    (long_run,) = recorded_runs(Path(tempfile.mkdtemp(prefix="analysis-solo-")), 1, 1, "long")
    worker = VerifierWorker()
    try:
        answer = worker.replay(long_run["run"], events=True)
    finally:
        worker.close()
    start = {"tick": 0, "type": "game_start", "player_id": None, "data": {"config": {"tick_rate": 1000}}}
    document = {"events": [start, *({**e, "player_id": "p"} for e in answer["events"])], "moments": []}
    presses = {"p": long_run["run"]["inputs"]}
    repeats = 20 if quick else 100
    ours = _timings(lambda doc: analyse_match(doc, presses), document, repeats)
    bare = _timings(analyse_match, document, repeats)
    p50, p95 = percentile(ours, 0.5), percentile(ours, 0.95)
    base = percentile(bare, 0.5)
    return Row(
        path=f"analysis of a verified marathon with its key presses ({len(document['events']):,} events, "
        f"{len(presses['p']):,} inputs)",
        ours=f"p50 {p50:.1f} ms, p95 {p95:.1f} ms",
        baseline=f"the same without its presses: p50 {base:.1f} ms",
        ratio=f"{p50 / base:.1f}x",
        target=f"p95 <= {TARGET_MS:.0f} ms",
        verdict=verdict(p95 <= TARGET_MS),
        figures={"p50_ms": p50, "p95_ms": p95, "events": len(document["events"]), "inputs": len(presses["p"])},
    )


def run(servers, quick: bool) -> list[Row]:
    from analysis.figures import analyse_match

    document = three_thousand_event_match()
    repeats = 20 if quick else 200
    ours = _timings(analyse_match, document, repeats)
    bare = _timings(lambda doc: Counter(event["type"] for event in doc["events"]), document, repeats)
    p50, p95 = percentile(ours, 0.5), percentile(ours, 0.95)
    base = percentile(bare, 0.5)
    return [
        Row(
            path=f"analysis of a {len(document['events']):,}-event match",
            ours=f"p50 {p50:.1f} ms, p95 {p95:.1f} ms",
            baseline=f"one pass counting types: p50 {base:.2f} ms",
            ratio=f"{p50 / base:.1f}x",
            target=f"p95 <= {TARGET_MS:.0f} ms",
            verdict=verdict(p95 <= TARGET_MS),
            figures={"p50_ms": p50, "p95_ms": p95, "events": len(document["events"])},
        ),
        _solo_finesse_row(quick),
        _reanalyze_row(servers, quick),
    ]
