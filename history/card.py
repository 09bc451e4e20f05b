"""A match's card (docs/sharing.md): the 1200x630 PNG a chat shows beside a shared link, and the text
of its Open Graph tags. The final boards come from the match's events, read by whoever asks for the card
(config/share_pages.py reads them through the archive, above this app, so that a match past the stream's
retention still has its boards; the default reads the stream); a match whose events are gone (or a solo
match, which has none) gets a card of names, placements and scores only.

Drawn with Pillow, the well-kept imaging library; the fonts are Pillow's bundled default (FreeType).
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from PIL import Image, ImageDraw, ImageFont

from history.replay import ReplayGone, ReplayNotFound, replay_match
from history.selectors import MatchRow
from streaming.world import NATS_UNAVAILABLE

logger = logging.getLogger(__name__)

WIDTH, HEIGHT = 1200, 630
MAX_BOARDS = 4  # more players than this: the first four by placement, and "+N more"
VISIBLE_ROWS = 20
CELL = 19
BACKGROUND = (17, 20, 30)
PANEL = (30, 35, 50)
EMPTY = (40, 46, 64)
FILLED = (120, 170, 255)
WINNER = (255, 200, 60)
TEXT = (235, 238, 245)
MUTED = (150, 158, 178)
# A finished match's boards never change: kept per worker so that a card's events are read once (under
# "card-boards:{match id}"; config/share_pages.py reads its absence as "the events could not be read now").
BOARDS_CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True, slots=True)
class CardPlayer:
    name: str
    placement: int
    score: int
    board: list[str] | None  # rows as published, bottom first; None when not known


def player_name(player: dict) -> str:
    """A registered player's username, else the guest form: the player id (a deleted user's too)."""
    return player["username"] or player["player_id"]


def final_boards(events: list[dict]) -> dict[str, list[str]]:
    """Each player's board after their last placement: their last piece_lock's, full rows removed."""
    boards: dict[str, list[str]] = {}
    for event in events:
        if event.get("type") == "piece_lock":
            rows = event.get("data", {}).get("board") or []
            boards[event.get("player_id")] = [row for row in rows if "." in row]
    return boards


class EventsUnreadable(Exception):
    """A match's events cannot be read now (where they are kept is away): its card goes without boards,
    and is not kept."""


# Reads a finished match's events: ReplayGone / ReplayNotFound when nothing holds them any more,
# EventsUnreadable (or NATS's own failures) when they cannot be read now.
EventsReader = Callable[[MatchRow], list[dict[str, Any]]]


def stream_events(match: MatchRow) -> list[dict[str, Any]]:
    """The match's events from the stream (its replay): the default reader."""
    return replay_match(match.room_id or "", match.started_at).events


def _boards_of(match: MatchRow, read_events: EventsReader) -> dict[str, list[str]] | None:
    """The final boards of a multiplayer match, or None when its events cannot be read (gone, or
    unreachable: then they are not cached, and the next card asks again)."""
    if not match.room_id:
        return None
    key = f"card-boards:{match.id}"
    cached = cache.get(key)
    if cached is not None:
        return cached or None
    try:
        boards = final_boards(read_events(match))
    except (ReplayGone, ReplayNotFound):
        boards = {}
    except (EventsUnreadable, *NATS_UNAVAILABLE) as error:
        logger.warning("card of match %s drawn without boards: its events are unreachable (%s)", match.id, error)
        return None
    cache.set(key, boards, BOARDS_CACHE_SECONDS)
    return boards or None


def card_players(match: MatchRow, read_events: EventsReader = stream_events) -> list[CardPlayer]:
    """The card's players, placement order as stored, each with their final board when the events can be read."""
    boards = _boards_of(match, read_events) or {}
    return [CardPlayer(player_name(p), p["placement"], p["score"], boards.get(p["player_id"])) for p in match.players]


def card_etag(match: MatchRow, players: list[CardPlayer]) -> str:
    """What the card shows, hashed: a name change or a deletion changes it, nothing else does."""
    shown = [match.mode, match.started_at.isoformat(), [(p.name, p.placement, p.score, p.board) for p in players]]
    return '"card-' + hashlib.sha256(json.dumps(shown).encode()).hexdigest()[:32] + '"'


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _fit(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.ImageFont, width: int) -> str:
    """``text`` cut with an ellipsis to fit ``width`` pixels."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def _draw_board(draw: ImageDraw.ImageDraw, left: int, top: int, board: list[str] | None) -> None:
    rows = (board or [])[:VISIBLE_ROWS]
    for y in range(VISIBLE_ROWS):
        row = rows[y] if y < len(rows) else ".........."
        for x, cell in enumerate(row[:10]):
            x0, y0 = left + x * CELL, top + (VISIBLE_ROWS - 1 - y) * CELL
            draw.rectangle((x0, y0, x0 + CELL - 2, y0 + CELL - 2), fill=EMPTY if cell == "." else FILLED)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def card_png(match: MatchRow, players: list[CardPlayer]) -> bytes:
    """The card: a title, then one panel per player (up to four) with the board, name, placement, score."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    title, small, name_font, big = _font(34), _font(22), _font(26), _font(44)
    heading = "Solo game" if match.mode == "solo" else f"{match.player_count}-player match"
    draw.text((40, 28), f"Tetris · {heading}", font=title, fill=TEXT)
    draw.text((40, 72), match.started_at.strftime("%Y-%m-%d %H:%M UTC"), font=small, fill=MUTED)
    shown = players[:MAX_BOARDS]
    if len(players) > MAX_BOARDS:
        draw.text((WIDTH - 40, 40), f"+{len(players) - MAX_BOARDS} more", font=small, fill=MUTED, anchor="ra")
    panel_width = (WIDTH - 80 - 20 * (len(shown) - 1)) // max(len(shown), 1)
    top = 115
    for index, player in enumerate(shown):
        left = 40 + index * (panel_width + 20)
        winner = player.placement == 1
        draw.rounded_rectangle(
            (left, top, left + panel_width, HEIGHT - 25),
            radius=12,
            fill=PANEL,
            outline=WINNER if winner else None,
            width=3,
        )
        place = "Winner" if winner and match.mode != "solo" else _ordinal(player.placement)
        if player.board is not None:
            _draw_board(draw, left + (panel_width - 10 * CELL) // 2, top + 14, player.board)
            text_top = top + 14 + VISIBLE_ROWS * CELL + 8
            name = _fit(draw, player.name, name_font, panel_width - 24)
            draw.text((left + 12, text_top), name, font=name_font, fill=WINNER if winner else TEXT)
            draw.text((left + 12, text_top + 32), f"{place} · {player.score:,}", font=small, fill=MUTED)
        else:  # no board to show: the name, placement and score large, in the middle of the panel
            middle = left + panel_width // 2, (top + HEIGHT - 25) // 2
            name = _fit(draw, player.name, big, panel_width - 32)
            draw.text((middle[0], middle[1] - 50), place, font=title, fill=WINNER if winner else MUTED, anchor="mm")
            draw.text(middle, name, font=big, fill=TEXT, anchor="mm")
            draw.text((middle[0], middle[1] + 50), f"{player.score:,}", font=title, fill=MUTED, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=6)
    return out.getvalue()


def card_text(match: MatchRow) -> tuple[str, str]:
    """The Open Graph title and description: the players and mode; the winner, scores and date."""
    names = [player_name(p) for p in match.players]
    shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
    if match.mode == "solo":
        title = f"{shown} · solo game"
        description = f"Score {match.players[0]['score']:,} · {match.started_at:%Y-%m-%d}"
        return title, description
    title = f"{shown} · {match.player_count}-player match"
    scores = ", ".join(f"{player_name(p)} {p['score']:,}" for p in match.players[:6])
    description = f"Won by {names[0]} · {scores} · {match.started_at:%Y-%m-%d}"
    return title, description
