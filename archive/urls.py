from django.urls import re_path

from archive.replay_apis import MatchReplayApi

# A finished match's replay, from the archive or the stream (docs/api.md); "(?:/)?$" as every route.
urlpatterns = [
    re_path(r"^matches/(?P<match_id>[^/]+)/replay(?:/)?$", MatchReplayApi.as_view(), name="match-replay"),
]
