"""Read models projected from the stream (docs/contract.md, read models). The database does the guarding."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

# A solo match's modes (docs/api.md).
SOLO_MODES = ("marathon", "sprint", "blitz")


class Match(models.Model):
    class Mode(models.TextChoices):
        MULTIPLAYER = "multiplayer"
        SOLO = "solo"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    game_type = models.TextField(default="tetris", db_default="tetris")
    room_id = models.TextField(null=True, blank=True)
    mode = models.TextField(choices=Mode.choices)
    player_count = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    inserted_at = models.DateTimeField(auto_now_add=True)
    tournament_id = models.TextField(null=True, blank=True)
    # The archive (docs/operations.md, archive/): set once the match's replay document is stored as an object.
    archived_at = models.DateTimeField(null=True, blank=True)
    archive_key = models.TextField(null=True, blank=True)
    archive_sha256 = models.CharField(max_length=64, null=True, blank=True)
    # Solo matches (docs/api.md): the mode played, and whether the server replayed the run (only
    # verified runs are ranked). Both null for a multiplayer match, which the server itself played.
    solo_mode = models.TextField(null=True, blank=True)
    verified = models.BooleanField(null=True, blank=True)

    class Meta:
        db_table = "matches"
        verbose_name_plural = "matches"
        constraints = [
            # The projector's exactly-once key: a match is (room_id, started_at) (docs/contract.md, the stream).
            models.UniqueConstraint(
                fields=["room_id", "started_at"],
                condition=Q(room_id__isnull=False),
                name="matches_room_started_at_unique",
            ),
            models.CheckConstraint(condition=Q(ended_at__gte=F("started_at")), name="matches_ended_after_started"),
            models.CheckConstraint(condition=Q(player_count__gte=1), name="matches_player_count_positive"),
            models.CheckConstraint(
                condition=Q(mode="solo") | Q(room_id__isnull=False), name="matches_multiplayer_has_room"
            ),
        ]
        indexes = [
            models.Index(
                fields=["tournament_id", "-started_at"],
                name="matches_tournament_idx",
                condition=Q(tournament_id__isnull=False),
            ),
            # /healthz's oldest unarchived match (archive/health.py): the few not archived yet, by end.
            models.Index(
                fields=["ended_at"],
                name="matches_unarchived_idx",
                condition=Q(archived_at__isnull=True, room_id__isnull=False),
            ),
            # The solo leaderboards (docs/api.md): verified runs of a mode by ended_at.
            models.Index(
                fields=["solo_mode", "ended_at"], name="matches_verified_solo_idx", condition=Q(verified=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mode} {self.room_id or ''} {self.started_at:%Y-%m-%d %H:%M:%S}"


# A player's results in a match, as the API shows them and the admin lists them.
PLAYER_RESULT_FIELDS = (
    "score",
    "lines_cleared",
    "garbage_sent",
    "garbage_received",
    "pieces_placed",
    "duration_ms",
    "level",
)


# What a player's stats (docs/api.md, stats) sum or compare, carried by match_players_user_mode_idx.
STATS_COLUMNS = [
    "ended_at", "placement", "score", "lines_cleared", "garbage_sent", "garbage_received", "pieces_placed",
    "duration_ms", "level",
]  # fmt: skip


class MatchPlayer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="players")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="match_players"
    )
    player_id = models.TextField()
    placement = models.PositiveIntegerField()
    score = models.PositiveIntegerField()
    lines_cleared = models.PositiveIntegerField()
    garbage_sent = models.PositiveIntegerField()
    garbage_received = models.PositiveIntegerField()
    pieces_placed = models.PositiveIntegerField()
    duration_ms = models.PositiveIntegerField()
    level = models.PositiveIntegerField(null=True, blank=True)
    inserted_at = models.DateTimeField(auto_now_add=True)
    # Denormalised from the match so that "my matches, newest first" is one index range scan, and a
    # player's stats and the leaderboards (docs/api.md, stats) are index-only scans, never a join.
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    mode = models.TextField(choices=Match.Mode.choices)

    class Meta:
        db_table = "match_players"
        constraints = [
            models.UniqueConstraint(fields=["match", "player_id"], name="match_players_one_row_per_player"),
            models.CheckConstraint(condition=Q(placement__gte=1), name="match_players_placement_positive"),
        ]
        indexes = [
            models.Index(fields=["user", "-started_at", "-match"], name="match_players_user_recent_idx"),
            # A player's stats are read from this index alone (its INCLUDE columns).
            models.Index(
                fields=["user", "mode", "-started_at", "-match"],
                include=STATS_COLUMNS,
                name="match_players_user_mode_idx",
            ),
            # The leaderboards' periods: a registered player's rows by mode and ended_at, index-only.
            models.Index(
                fields=["mode", "ended_at"],
                include=["user", "placement", "score", "match"],
                condition=Q(user__isnull=False),
                name="match_players_ended_idx",
            ),
            models.Index(fields=["player_id"], name="match_players_player_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.player_id} #{self.placement} in {self.match_id}"
