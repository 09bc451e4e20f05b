"""docs/api.md's stats computed in plain Python from the raw rows, the reference the routes are held to."""

from __future__ import annotations

from datetime import UTC, datetime
from fractions import Fraction
from math import floor

from django.db import connection


def raw_rows() -> list[dict]:
    """Every player row with its match's columns, read with plain SQL."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.user_id, p.player_id, p.placement, p.score, p.lines_cleared, p.garbage_sent, "
            "p.garbage_received, p.pieces_placed, p.duration_ms, p.level, p.started_at, m.mode, m.id, "
            "m.ended_at, m.player_count, m.tournament_id, m.solo_mode, m.verified, u.username "
            "FROM match_players p JOIN matches m ON m.id = p.match_id LEFT JOIN users u ON u.id = p.user_id"
        )
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def rounded(numerator: int, denominator: int, places: int) -> float | None:
    """Half away from zero from the exact quotient (all figures here are ≥ 0)."""
    if denominator == 0:
        return None
    units = floor(Fraction(numerator * 10**places, denominator) + Fraction(1, 2))
    return float(Fraction(units, 10**places))


def stats(rows: list[dict], user_id, since: datetime | None = None, until: datetime | None = None) -> dict:
    mine = [
        r
        for r in rows
        if r["user_id"] == user_id
        and (since is None or r["started_at"] >= since)
        and (until is None or r["started_at"] < until)
    ]
    result = {}
    for mode in ("multiplayer", "solo"):
        of_mode = [r for r in mine if r["mode"] == mode]
        n = len(of_mode)
        total = {key: sum(r[key] for r in of_mode) for key in ("score", "lines_cleared", "pieces_placed")}
        play_time = sum(r["duration_ms"] for r in of_mode)
        figures = {
            "matches": n,
            "best_score": max((r["score"] for r in of_mode), default=None),
            "total_score": total["score"],
            "lines_cleared": total["lines_cleared"],
            "pieces_placed": total["pieces_placed"],
            "play_time_ms": play_time,
            "pps": rounded(total["pieces_placed"] * 1000, play_time, 2),
            "last_played_at": max((r["ended_at"] for r in of_mode), default=None),
        }
        if mode == "multiplayer":
            wins = sum(1 for r in of_mode if r["placement"] == 1)
            sent = sum(r["garbage_sent"] for r in of_mode)
            figures |= {
                "wins": wins,
                "win_rate": rounded(wins, n, 4),
                "average_placement": rounded(sum(r["placement"] for r in of_mode), n, 2),
                "garbage_sent": sent,
                "garbage_received": sum(r["garbage_received"] for r in of_mode),
                "apm": rounded(sent * 60000, play_time, 1),
                # No analysis in these rows (tests/analysis covers the averages).
                "analysed_matches": 0,
                "vs": None,
                "app": None,
                "ds_s": None,
            }
        else:
            figures["best_level"] = max((r["level"] for r in of_mode), default=None)
            # Nor of the verified runs (tests/analysis covers their averages).
            figures |= {"analysed_runs": 0, "kpp": None, "finesse_faults_per_piece": None}
        result[mode] = figures
    return result


def _in_period(row: dict, start: datetime | None) -> bool:
    return start is None or row["ended_at"] >= start


def solo_leaderboard(rows: list[dict], start: datetime | None = None, mode: str = "marathon") -> list[dict]:
    """docs/api.md: verified runs of ``mode``; a sprint by its time, and only when it reached 40 lines."""
    best: dict = {}
    for r in rows:
        if r["mode"] != "solo" or r["user_id"] is None or not _in_period(r, start):
            continue
        if not r["verified"] or r["solo_mode"] != mode or (mode == "sprint" and r["lines_cleared"] < 40):
            continue
        figure = r["duration_ms"] if mode == "sprint" else -r["score"]
        key = (figure, r["ended_at"], str(r["id"]))
        if r["user_id"] not in best or key < best[r["user_id"]][0]:
            best[r["user_id"]] = (key, r)
    ordered = sorted(best.values(), key=lambda kr: (kr[0][0], kr[0][1], str(kr[1]["user_id"])))[:100]
    return [
        {
            "rank": rank,
            "user_id": str(r["user_id"]),
            "username": r["username"],
            "best_score": r["score"],
            "match_id": str(r["id"]),
            "achieved_at": r["ended_at"],
            "duration_ms": r["duration_ms"],
        }
        for rank, (_, r) in enumerate(ordered, start=1)
    ]


def multiplayer_leaderboard(rows: list[dict], start: datetime | None = None) -> list[dict]:
    by_user: dict = {}
    for r in rows:
        if r["mode"] == "multiplayer" and r["user_id"] is not None and _in_period(r, start):
            by_user.setdefault(r["user_id"], []).append(r)
    entries = []
    for user_id, played in by_user.items():
        n, wins = len(played), sum(1 for r in played if r["placement"] == 1)
        entries.append(
            {
                "user_id": str(user_id),
                "username": played[0]["username"],
                "wins": wins,
                "matches": n,
                "win_rate": rounded(wins, n, 4),
                "average_placement": rounded(sum(r["placement"] for r in played), n, 2),
            }
        )
    entries.sort(key=lambda e: (-e["wins"], e["average_placement"], -e["matches"], e["user_id"]))
    return [{"rank": rank, **e} for rank, e in enumerate(entries[:100], start=1)]


def standings(rows: list[dict], tournament_id: str) -> list[dict]:
    by_player: dict = {}
    for r in rows:
        if r["tournament_id"] == tournament_id:
            by_player.setdefault(r["player_id"], []).append(r)
    entries = []
    for player_id, played in by_player.items():
        user = next((r for r in played if r["user_id"] is not None), None)
        n = len(played)
        entries.append(
            {
                "player_id": player_id,
                "user_id": None if user is None else str(user["user_id"]),
                "username": None if user is None else user["username"],
                "matches": n,
                "wins": sum(1 for r in played if r["placement"] == 1),
                "points": sum(r["player_count"] - r["placement"] for r in played),
                "average_placement": rounded(sum(r["placement"] for r in played), n, 2),
                "total_score": sum(r["score"] for r in played),
            }
        )
    entries.sort(key=lambda e: (-e["points"], -e["wins"], e["average_placement"], -e["total_score"], e["player_id"]))
    return [{"rank": rank, **e} for rank, e in enumerate(entries, start=1)]


def player_totals(rows: list[dict]) -> dict:
    """What player_totals must hold: (user_id, mode) -> its counts and best score, from the raw rows."""
    by_key: dict = {}
    for r in rows:
        if r["user_id"] is not None:
            by_key.setdefault((r["user_id"], r["mode"]), []).append(r)
    totals = {}
    for key, played in by_key.items():
        best = min(played, key=lambda r: (-r["score"], r["ended_at"], str(r["id"])))
        totals[key] = {
            "matches": len(played),
            "wins": sum(1 for r in played if r["placement"] == 1),
            "placement_sum": sum(r["placement"] for r in played),
            "best_score": best["score"],
            "best_match_id": best["id"],
            "best_ended_at": best["ended_at"],
        }
    return totals


def stored_player_totals() -> dict:
    """What player_totals holds, in the shape of ``player_totals``."""
    names = ("matches", "wins", "placement_sum", "best_score", "best_match_id", "best_ended_at")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT user_id, mode, {', '.join(names)} FROM player_totals")
        return {(row[0], row[1]): dict(zip(names, row[2:], strict=True)) for row in cursor.fetchall()}


def player_days(rows: list[dict]) -> dict:
    """What player_days must hold: (user_id, UTC day of ended_at) -> multiplayer counts, from the raw rows."""
    days: dict = {}
    for r in rows:
        if r["user_id"] is not None and r["mode"] == "multiplayer":
            counts = days.setdefault((r["user_id"], r["ended_at"].astimezone(UTC).date()), [0, 0, 0])
            counts[0] += 1
            counts[1] += r["placement"] == 1
            counts[2] += r["placement"]
    return {key: dict(zip(("matches", "wins", "placement_sum"), counts, strict=True)) for key, counts in days.items()}


def stored_player_days() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT user_id, day, matches, wins, placement_sum FROM player_days")
        return {
            (user_id, day): {"matches": matches, "wins": wins, "placement_sum": placement_sum}
            for user_id, day, matches, wins, placement_sum in cursor.fetchall()
        }


def stored_equal_raw() -> bool:
    """Both stored read models equal what the raw rows give."""
    rows = raw_rows()
    return stored_player_totals() == player_totals(rows) and stored_player_days() == player_days(rows)
