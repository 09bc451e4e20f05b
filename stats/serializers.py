"""Input and output shapes of the stats, leaderboard and standings routes (docs/api.md, stats).

The help texts are the figures' definitions: the OpenAPI schema shows them.
"""

from rest_framework import serializers

from history.models import SOLO_MODES
from history.serializers import DateOrDateTimeField
from stats.selectors import PERIODS

ROUNDING = "rounded half away from zero from the exact value"


class StatsInputSerializer(serializers.Serializer):
    since = DateOrDateTimeField(required=False, help_text="Count matches started at or after this instant.")
    until = DateOrDateTimeField(required=False, help_text="Count matches started before this instant.")

    def validate(self, attrs: dict) -> dict:
        since, until = attrs.get("since"), attrs.get("until")
        if since is not None and until is not None and since > until:
            raise serializers.ValidationError({"until": ["'until' must not be earlier than 'since'."]})
        return attrs


class PeriodInputSerializer(serializers.Serializer):
    period = serializers.ChoiceField(
        choices=list(PERIODS),
        default="all",
        help_text="By ended_at: the last 24 hours (day), 7 days (week), 30 days (month), or all time.",
    )


def _count(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(help_text=help_text)


def _best(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(allow_null=True, help_text=f"{help_text}; null with no match.")


class MultiplayerStatsSerializer(serializers.Serializer):
    matches = _count("Multiplayer matches played.")
    wins = _count("Matches with placement 1.")
    win_rate = serializers.FloatField(
        allow_null=True, help_text=f"wins / matches, 4 decimals, {ROUNDING}; null with no match."
    )
    average_placement = serializers.FloatField(
        allow_null=True, help_text=f"Mean placement, 2 decimals, {ROUNDING}; null with no match."
    )
    best_score = _best("Highest score")
    total_score = _count("Sum of scores.")
    lines_cleared = _count("Sum of lines cleared.")
    garbage_sent = _count("Sum of garbage rows sent.")
    garbage_received = _count("Sum of garbage rows received.")
    pieces_placed = _count("Sum of pieces placed.")
    play_time_ms = _count("Sum of duration_ms.")
    pps = serializers.FloatField(
        allow_null=True,
        help_text=f"pieces_placed / (play_time_ms / 1000), 2 decimals, {ROUNDING}; null when play_time_ms is 0.",
    )
    apm = serializers.FloatField(
        allow_null=True,
        help_text=f"garbage_sent x 60000 / play_time_ms, 1 decimal, {ROUNDING}; null when play_time_ms is 0.",
    )
    last_played_at = serializers.DateTimeField(allow_null=True, help_text="The latest ended_at; null with no match.")
    analysed_matches = _count("Matches with an analysis (docs/api.md, match analysis): the averages below are theirs.")
    vs = serializers.FloatField(allow_null=True, help_text=f"Mean VS of the analysed matches, 2 decimals, {ROUNDING}.")
    app = serializers.FloatField(
        allow_null=True, help_text=f"Mean APP of the analysed matches, 3 decimals, {ROUNDING}."
    )
    ds_s = serializers.FloatField(
        allow_null=True, help_text=f"Mean DS/S of the analysed matches, 4 decimals, {ROUNDING}."
    )


class SoloStatsSerializer(serializers.Serializer):
    matches = _count("Solo games played.")
    best_score = _best("Highest score")
    total_score = _count("Sum of scores.")
    lines_cleared = _count("Sum of lines cleared.")
    pieces_placed = _count("Sum of pieces placed.")
    play_time_ms = _count("Sum of duration_ms.")
    pps = serializers.FloatField(
        allow_null=True,
        help_text=f"pieces_placed / (play_time_ms / 1000), 2 decimals, {ROUNDING}; null when play_time_ms is 0.",
    )
    best_level = _best("Highest level reached")
    last_played_at = serializers.DateTimeField(allow_null=True, help_text="The latest ended_at; null with no match.")
    analysed_runs = _count(
        "Verified solo runs with an analysis (docs/api.md, match analysis): the averages below are theirs."
    )
    kpp = serializers.FloatField(
        allow_null=True, help_text=f"Mean KPP (key presses a piece) of the analysed runs, 2 decimals, {ROUNDING}."
    )
    finesse_faults_per_piece = serializers.FloatField(
        allow_null=True,
        help_text=(
            "Mean over the analysed runs of finesse faults / judged placements (a run with none judged left "
            f"out), 4 decimals, {ROUNDING}."
        ),
    )


class SoloBestSerializer(serializers.Serializer):
    match_id = serializers.UUIDField()
    score = serializers.IntegerField()
    duration_ms = serializers.IntegerField(help_text="A sprint's time.")
    lines_cleared = serializers.IntegerField()
    achieved_at = serializers.DateTimeField()


class SoloBestsSerializer(serializers.Serializer):
    marathon = SoloBestSerializer(allow_null=True, help_text="The highest verified score; null with none.")
    sprint = SoloBestSerializer(allow_null=True, help_text="The fastest finished verified sprint; null with none.")
    blitz = SoloBestSerializer(allow_null=True, help_text="The highest verified score; null with none.")


class PlayerStatsSerializer(serializers.Serializer):
    user_id = serializers.UUIDField()
    username = serializers.CharField()
    multiplayer = MultiplayerStatsSerializer()
    solo = SoloStatsSerializer()
    solo_bests = SoloBestsSerializer(
        help_text="Personal bests of verified runs by solo mode (docs/api.md), as the leaderboards rank them."
    )


class SoloLeaderboardInputSerializer(PeriodInputSerializer):
    mode = serializers.ChoiceField(choices=SOLO_MODES, default="marathon", help_text="The solo mode's board.")


class SoloLeaderboardRowSerializer(serializers.Serializer):
    rank = _count("The row's position: 1, 2, 3… (no shared ranks).")
    user_id = serializers.UUIDField()
    username = serializers.CharField()
    best_score = _count("The score of the player's best verified run of the mode in the period.")
    match_id = serializers.UUIDField(help_text="The match of that run; its earliest when reached twice.")
    achieved_at = serializers.DateTimeField(help_text="That match's ended_at.")
    duration_ms = _count("That run's time: what a sprint is ranked by.")


class SoloLeaderboardSerializer(serializers.Serializer):
    period = serializers.CharField()
    mode = serializers.ChoiceField(choices=SOLO_MODES)
    results = SoloLeaderboardRowSerializer(
        many=True,
        help_text=(
            "At most 100 registered players' best verified runs (docs/api.md): by score (a sprint: by the "
            "lowest time of a finished sprint), then the earlier achieved_at, then user_id."
        ),
    )


class MultiplayerLeaderboardRowSerializer(serializers.Serializer):
    rank = _count("The row's position: 1, 2, 3… (no shared ranks).")
    user_id = serializers.UUIDField()
    username = serializers.CharField()
    wins = _count("Multiplayer matches of the period with placement 1.")
    matches = _count("Multiplayer matches of the period.")
    win_rate = serializers.FloatField(help_text=f"wins / matches, 4 decimals, {ROUNDING}.")
    average_placement = serializers.FloatField(help_text=f"Mean placement, 2 decimals, {ROUNDING}.")


class MultiplayerLeaderboardSerializer(serializers.Serializer):
    period = serializers.CharField()
    results = MultiplayerLeaderboardRowSerializer(
        many=True,
        help_text=(
            "Of the registered players with a multiplayer match in the period, the 100 with the most wins; "
            "ties by the lower average_placement (as shown, 2 decimals), then more matches, then user_id."
        ),
    )


class StandingRowSerializer(serializers.Serializer):
    rank = _count("The row's position: 1, 2, 3… (no shared ranks).")
    player_id = serializers.CharField()
    user_id = serializers.UUIDField(allow_null=True, help_text="Null for a guest, or a user deleted since.")
    username = serializers.CharField(allow_null=True, help_text="Null for a guest, or a user deleted since.")
    matches = _count("The player's matches in the tournament.")
    wins = _count("Of them, with placement 1.")
    points = _count("In a match of N players, placement p earns N - p points; the sum.")
    average_placement = serializers.FloatField(help_text=f"Mean placement, 2 decimals, {ROUNDING}.")
    total_score = _count("Sum of scores.")


class StandingsSerializer(serializers.Serializer):
    tournament_id = serializers.CharField()
    refreshed_at = serializers.DateTimeField(
        allow_null=True, help_text="When the standings view was last refreshed; matches after it are not counted yet."
    )
    standings = StandingRowSerializer(
        many=True,
        help_text=(
            "Every player of the tournament's matches, guests included: by points, then wins, then the lower "
            "average_placement (as shown), then total_score, then player_id."
        ),
    )
