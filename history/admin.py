"""A read-only window on the projected history (STYLE section 2).

Rows come from the stream (multiplayer) or from players' reports (solo); an operator reads them here
but never edits them, since an edit would silently disagree with the event archive.
"""

from datetime import UTC

from django.contrib import admin
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from history.models import PLAYER_RESULT_FIELDS, Match, MatchPlayer


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
        return match.started_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")

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
        "started_at",
        "ended_at",
        "tournament_id",
        "inserted_at",
    )


def _name(player: MatchPlayer) -> str:
    """A registered player by username, a guest by player id (SPEC section 9)."""
    return player.user.username if player.user is not None else player.player_id
