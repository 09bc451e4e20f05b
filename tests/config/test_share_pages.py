"""Shared links (docs/sharing.md): what a chat's preview bot reads at a match URL, without JavaScript,
and the card image the tags point at."""

from __future__ import annotations

import io
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.test import Client
from PIL import Image

from history.card import final_boards
from tests.config.client_build import parse_csp, write_build
from tests.history.factories import match_create, user_create
from tests.history.test_replay_api import project
from tests.streaming.factories import match_events
from tests.support import publish_match


class MetaTags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "meta" and found.get("content") is not None:
            self.tags[found.get("property") or found.get("name") or ""] = found["content"]


def meta_tags(html: str) -> dict[str, str]:
    parser = MetaTags()
    parser.feed(html)
    return parser.tags


@pytest.fixture
def built(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    write_build(settings.STATIC_ROOT / "app")


def fetch_preview(path: str) -> tuple[dict[str, str], Image.Image]:
    """As a preview bot: the page's HTML, its og:image fetched; no script run."""
    bot = Client(HTTP_USER_AGENT="Slackbot-LinkExpanding 1.0")
    page = bot.get(path)
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    tags = meta_tags(page.content.decode())
    image = bot.get(urlsplit(tags["og:image"]).path)
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    return tags, Image.open(io.BytesIO(image.content))


def test_a_preview_bot_finds_the_card_tags_and_a_1200x630_png(stream, built, db):
    alice, bob = user_create(username="alice"), user_create(username="bob<script>")
    events = match_events("room-card", players=[str(alice.id), str(bob.id)])
    publish_match("room-card", events)
    match = project("room-card", events)
    for path in (f"/matches/{match.id}", f"/matches/{match.id}/replay?t=3"):
        tags, card = fetch_preview(path)
        assert "alice" in tags["og:title"] and "bob<script>" in tags["og:title"]
        assert tags["og:description"].startswith("Won by ")
        assert tags["twitter:card"] == "summary_large_image" and tags["twitter:image"] == tags["og:image"]
        assert urlsplit(tags["og:image"]).path == f"/matches/{match.id}/card.png"
        assert card.size == (1200, 630) and card.format == "PNG"
    page = Client().get(f"/matches/{match.id}").content.decode()
    assert "bob&lt;script&gt;" in page and "bob<script>" not in page  # escaped
    policy = parse_csp(Client().get(f"/matches/{match.id}")["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]


def test_the_card_and_the_page_answer_304_to_their_etag(stream, built, db):
    match = match_create(users=[user_create(username="carol"), None])  # not in the stream: names only
    for path in (f"/matches/{match.id}/card.png", f"/matches/{match.id}"):
        first = Client().get(path)
        assert first.status_code == 200 and first["ETag"]
        again = Client().get(path, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304 and again.content == b""
    # Its events are gone for good (not in the stream): the names-only card may be kept an hour.
    assert "max-age=3600" in Client().get(f"/matches/{match.id}/card.png")["Cache-Control"]


def test_an_unknown_match_has_no_card_and_its_page_no_tags(built, db):
    assert Client().get("/matches/6b0c2c8e-0b8f-4d39-9d6c-9d3f8a1d2e3f/card.png").status_code == 404
    assert "og:title" not in Client().get("/matches/not-a-uuid").content.decode()


def test_final_boards_are_each_players_last_lock_with_full_rows_removed():
    events = [
        {"type": "piece_lock", "player_id": "a", "data": {"board": ["OOOO......"]}},
        {"type": "piece_lock", "player_id": "a", "data": {"board": ["OOOOOOOOOO", "O........."]}},
        {"type": "piece_lock", "player_id": "b", "data": {"board": ["..OO......"]}},
    ]
    assert final_boards(events) == {"a": ["O........."], "b": ["..OO......"]}


def test_a_card_drawn_while_the_stream_is_away_is_not_kept(built, db, settings):
    from django.core.cache import cache

    match = match_create(users=[user_create(username="dave"), None])
    cache.delete(f"card-boards:{match.id}")
    settings.NATS_SERVERS = ["nats://127.0.0.1:9"]  # nothing listens there
    away = Client().get(f"/matches/{match.id}/card.png")
    assert away.status_code == 200 and "no-cache" in away["Cache-Control"]
    assert Image.open(io.BytesIO(away.content)).size == (1200, 630)  # names and placements only
