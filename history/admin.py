"""A read-only window on the projected history (STYLE section 2).

Rows come from the stream (multiplayer) or from players' reports (solo); an operator reads them here
but never edits them, since an edit would silently disagree with the event archive.
"""

import asyncio
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from history.models import PLAYER_RESULT_FIELDS, Match, MatchPlayer
from history.replay import ReplayGone, ReplayNotFound, read_replay
from streaming.connection import brief_connection
from streaming.status import REQUEST_TIMEOUT_SECONDS

# A match's page reads its key moments from the stream: it answers within this whatever NATS does.
MOMENTS_DEADLINE_SECONDS = 3 * REQUEST_TIMEOUT_SECONDS


class HasTournamentFilter(admin.SimpleListFilter):
    title = "tournament"
    parameter_name = "has_tournament"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", "In a tournament"), ("no", "Not in a tournament")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Match]) -> QuerySet[Match]:
        if self.value() == "yes":
            return queryset.filter(tournament_id__isnull=False)
        if self.value() == "no":
            return queryset.filter(tournament_id__isnull=True)
        return queryset


class ReadOnlyAdminMixin:
    """Staff may view; nobody adds, changes or deletes through the admin."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class MatchPlayerInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = MatchPlayer
    extra = 0
    fields = ("placement", "player_id", "user", *PLAYER_RESULT_FIELDS)
    ordering = ("placement", "player_id")

    def get_queryset(self, request: HttpRequest) -> QuerySet[MatchPlayer]:
        return super().get_queryset(request).select_related("user")


@admin.register(Match)
class MatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    # Times to the second (many matches start in the same minute), who won and who played, and the
    # way to the web replay: what an operator asks of a match first.
    list_display = ("started", "mode", "room_id", "winner", "players_by_name", "duration", "replay", "tournament_id")
    list_display_links = ("started",)
    # A date filter rather than date_hierarchy: the hierarchy groups every row by year and month on
    # each page load, which a table of millions of matches cannot afford.
    list_filter = ("mode", ("started_at", admin.DateFieldListFilter), HasTournamentFilter)
    # Exact matches (case-insensitive): operators paste ids, and a substring search over millions of
    # players would scan them all.
    search_fields = ("=room_id", "=players__player_id", "=players__user__username", "=tournament_id")
    search_help_text = "Exact room id, player id, username or tournament id."
    ordering = ("-started_at", "-id")
    show_full_result_count = False  # spares a COUNT(*) of the whole table on every filtered page
    inlines = (MatchPlayerInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Match]:
        players = MatchPlayer.objects.select_related("user").order_by("placement", "player_id")
        return super().get_queryset(request).prefetch_related(Prefetch("players", queryset=players))

    @admin.display(description="started (UTC)", ordering="started_at")
    def started(self, match: Match) -> str:
        return _utc(match.started_at)

    @admin.display(description="ended (UTC)")
    def ended(self, match: Match) -> str:
        return _utc(match.ended_at)

    @admin.display(description="projected (UTC)")
    def inserted(self, match: Match) -> str:
        return _utc(match.inserted_at)

    @admin.display(description="winner")
    def winner(self, match: Match) -> str:
        return next((_name(player) for player in match.players.all() if player.placement == 1), "-")

    @admin.display(description="players")
    def players_by_name(self, match: Match) -> str:
        return ", ".join(_name(player) for player in match.players.all())

    @admin.display(description="duration")
    def duration(self, match: Match) -> str:
        seconds = int((match.ended_at - match.started_at).total_seconds())
        return f"{seconds // 60}:{seconds % 60:02d}"

    @admin.display(description="replay")
    def replay(self, match: Match) -> str:
        if match.mode != Match.Mode.MULTIPLAYER:
            return "-"
        return format_html('<a href="/matches/{}/replay">web replay</a>', match.id)

    fields = (
        "id",
        "game_type",
        "mode",
        "room_id",
        "player_count",
        "started",
        "ended",
        "tournament_id",
        "inserted",
        "replay",
        "key_moments",
    )
    readonly_fields = ("started", "ended", "inserted", "replay", "key_moments")

    @admin.display(description="key moments (from the stream)")
    def key_moments(self, match: Match) -> SafeString:
        if match.mode != Match.Mode.MULTIPLAYER or not match.room_id:
            return format_html("{}", "None: a solo match has a result but no events.")
        if not settings.NATS_ENABLED:
            return format_html("{}", "NATS is turned off here (NATS_ENABLED=false).")
        try:
            moments = asyncio.run(asyncio.wait_for(_read_moments(match), timeout=MOMENTS_DEADLINE_SECONDS))
        except (ReplayGone, ReplayNotFound):
            return format_html("{}", "The stream no longer holds this match's events (it keeps 90 days).")
        except TimeoutError:
            seconds = f"{MOMENTS_DEADLINE_SECONDS:.0f}"
            return format_html("NATS did not answer within {} s: reload to try again.", seconds)
        except Exception as error:  # NATS away: said on the page, never a 500
            return format_html("NATS cannot be reached ({}): reload to try again.", error.__class__.__name__)
        if not moments:
            return format_html("{}", "None in this match.")
        names = {player.player_id: _name(player) for player in match.players.all()}
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (_moment_cells(moment, names) for moment in moments),
        )
        return format_html(
            "<table><thead><tr><th>tick</th><th>moment</th><th>player</th><th>details</th>"
            "<th>event seq</th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )


async def _read_moments(match: Match) -> list[dict[str, Any]]:
    async with brief_connection() as client:
        return (await read_replay(client, match.room_id or "", match.started_at)).moments


def _moment_cells(moment: dict[str, Any], names: dict[str, str]) -> tuple[Any, ...]:
    data = dict(moment.get("data") or {})
    event_seq = data.pop("event_seq", "-")
    data.pop("started_at", None)
    player = moment.get("player_id")
    details = ", ".join(f"{key} {value}" for key, value in sorted(data.items()))
    return (moment.get("tick", "-"), moment.get("type", "?"), names.get(player, player or "-"), details, event_seq)


def _utc(moment: datetime) -> str:
    """To the second: many matches start within the same minute."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _name(player: MatchPlayer) -> str:
    """A registered player by username, a guest by player id, as every page names players."""
    return player.user.username if player.user is not None else player.player_id
