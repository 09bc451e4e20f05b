"""A read-only window on the projected history (STYLE section 2).

Rows come from the stream (multiplayer) or from players' reports (solo); an operator reads them here
but never edits them, since an edit would silently disagree with the event archive.
"""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

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
    list_display = ("started_at", "mode", "room_id", "player_count", "ended_at", "tournament_id", "id")
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
