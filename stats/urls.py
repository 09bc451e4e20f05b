from django.urls import re_path

from stats.apis import (
    MultiplayerLeaderboardApi,
    MyStatsApi,
    PlayerStatsApi,
    SoloLeaderboardApi,
    TournamentStandingsApi,
)
from stats.daily_apis import PlayerDailyApi

# "(?:/)?$": every route answers with and without a trailing slash (APPEND_SLASH is off). The id is
# any segment, so that a malformed one gets the API's JSON 404.
urlpatterns = [
    re_path(r"^players/(?P<user_id>[^/]+)/stats(?:/)?$", PlayerStatsApi.as_view(), name="player-stats"),
    re_path(r"^players/(?P<user_id>[^/]+)/stats/daily(?:/)?$", PlayerDailyApi.as_view(), name="player-daily"),
    re_path(r"^me/stats(?:/)?$", MyStatsApi.as_view(), name="me-stats"),
    re_path(r"^leaderboards/solo(?:/)?$", SoloLeaderboardApi.as_view(), name="leaderboard-solo"),
    re_path(r"^leaderboards/multiplayer(?:/)?$", MultiplayerLeaderboardApi.as_view(), name="leaderboard-multiplayer"),
    re_path(
        r"^tournaments/(?P<tournament_id>[^/]+)/standings(?:/)?$", TournamentStandingsApi.as_view(), name="standings"
    ),
]
