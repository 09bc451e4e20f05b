"""Shared links (docs/sharing.md): `/matches/{id}` and `/matches/{id}/replay` answer with the web
client's index.html carrying the match's Open Graph and Twitter card tags in its head, and
`/matches/{id}/card.png` with the card those tags point at. A chat's preview bot runs no JavaScript,
so the tags are written by the server; the CSP is unchanged (meta tags are neither scripts nor styles).

Both carry an ETag of what they show and answer a matching If-None-Match with 304.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import URLPattern, re_path
from django.utils.cache import patch_cache_control
from django.utils.html import escape
from django.views.decorators.http import require_safe

from archive.reads import match_replay_document
from archive.replay_apis import etag_matches
from archive.store import ArchiveUnreadable
from config.web_client import app_page, built_index_path
from history.card import HEIGHT, WIDTH, EventsUnreadable, card_etag, card_players, card_png, card_text
from history.public_selectors import match_get_public
from history.selectors import MatchRow

PNG_CACHE_SECONDS = 24 * 3600


def card_tags(request: HttpRequest, match_id: str, title: str, description: str) -> str:
    image = request.build_absolute_uri(f"/matches/{match_id}/card.png")
    url = request.build_absolute_uri(request.path)
    tags = {
        "og:type": "website",
        "og:site_name": "Tetris",
        "og:title": title,
        "og:description": description,
        "og:url": url,
        "og:image": image,
        "og:image:type": "image/png",
        "og:image:width": str(WIDTH),
        "og:image:height": str(HEIGHT),
        "og:image:alt": title,
    }
    twitter = {"twitter:card": "summary_large_image", "twitter:title": title, "twitter:description": description}
    twitter["twitter:image"] = image
    lines = [f'<meta property="{key}" content="{escape(value)}">' for key, value in tags.items()]
    lines += [f'<meta name="{key}" content="{escape(value)}">' for key, value in twitter.items()]
    lines.append(f'<meta name="description" content="{escape(description)}">')
    return "\n".join(lines) + "\n"


@require_safe
def match_page(request: HttpRequest, match_id: str) -> HttpResponse:
    """The app's page, with the match's card tags when the match exists (the app shows the 404 otherwise)."""
    match = match_get_public(match_id=match_id)
    path = built_index_path()
    if match is None or path is None:
        return app_page(request)
    title, description = card_text(match)
    html = path.read_text(encoding="utf-8")
    html = html.replace("</head>", card_tags(request, str(match.id), title, description) + "</head>", 1)
    body = html.encode()
    etag = f'"page-{hashlib.sha256(body).hexdigest()[:32]}"'
    if etag_matches(request.headers.get("If-None-Match"), etag):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="text/html; charset=utf-8")
    response["ETag"] = etag
    patch_cache_control(response, no_cache=True)
    return response


def archived_or_streamed_events(match: MatchRow) -> list[dict]:
    """A card's events as the replay reads them (archive.reads): the archive's copy, else the stream's, so
    that a match past the stream's retention keeps its boards. Here, above both apps: history may not
    import the archive."""
    try:
        return match_replay_document(match)["events"]
    except ArchiveUnreadable as error:  # the store away, and the stream without the match
        raise EventsUnreadable(str(error)) from error


@require_safe
def match_card(request: HttpRequest, match_id: str) -> HttpResponse:
    """The 1200x630 PNG card; 404 for an unknown match. The drawing is cached per worker by its ETag."""
    match = match_get_public(match_id=match_id)
    if match is None:
        return HttpResponse(b"No such match.", status=404, content_type="text/plain; charset=utf-8")
    players = card_players(match, archived_or_streamed_events)
    etag = card_etag(match, players)
    if etag_matches(request.headers.get("If-None-Match"), etag):
        response = HttpResponseNotModified()
    else:
        png = cache.get(f"card-png:{etag}")
        if png is None:
            png = card_png(match, players)
            cache.set(f"card-png:{etag}", png, PNG_CACHE_SECONDS)
        response = HttpResponse(png, content_type="image/png")
    response["ETag"] = etag
    if match.room_id and cache.get(f"card-boards:{match.id}") is None:
        # The events could not be read (the stream or the store away): this card has no boards, and the
        # next ask should try again.
        patch_cache_control(response, no_cache=True)
    else:
        # Public: the card holds nothing a signed-out visitor may not see; a chat's proxy may keep it an hour.
        patch_cache_control(response, public=True, max_age=3600)
    return response


def share_urlpatterns() -> list[URLPattern]:
    """Before the client's routes: these two of them get the tags, and the card is their own."""
    return [
        re_path(r"^matches/(?P<match_id>[^/]+)/card\.png$", match_card, name="match-card"),
        re_path(r"^matches/(?P<match_id>[^/]+)/?$", match_page, name="match-page"),
        re_path(r"^matches/(?P<match_id>[^/]+)/replay/?$", match_page, name="match-replay-page"),
    ]
