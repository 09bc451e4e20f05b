from django.urls import re_path

from history.apis import MatchDetailApi, MatchListApi
from history.export_apis import PlayerMatchesExportApi
from history.public_apis import PlayerMatchListApi, TournamentListApi, TournamentMatchListApi

# "(?:/)?$": every route answers with and without a trailing slash (APPEND_SLASH is off), and the
# OpenAPI schema shows the path without one. The id is any segment, so that a malformed one gets the
# API's JSON 404 rather than Django's HTML one. A match's replay is the archive's route (archive/urls.py).
urlpatterns = [
    re_path(r"^matches(?:/)?$", MatchListApi.as_view(), name="match-list"),
    re_path(r"^matches/(?P<match_id>[^/]+)(?:/)?$", MatchDetailApi.as_view(), name="match-detail"),
    re_path(r"^players/(?P<user_id>[^/]+)/matches(?:/)?$", PlayerMatchListApi.as_view(), name="player-matches"),
    re_path(
        r"^players/(?P<user_id>[^/]+)/matches/export(?:/)?$", PlayerMatchesExportApi.as_view(), name="player-export"
    ),
    re_path(r"^tournaments(?:/)?$", TournamentListApi.as_view(), name="tournament-list"),
    re_path(
        r"^tournaments/(?P<tournament_id>[^/]+)/matches(?:/)?$",
        TournamentMatchListApi.as_view(),
        name="tournament-matches",
    ),
]
