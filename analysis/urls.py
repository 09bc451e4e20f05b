from django.urls import re_path

from analysis.apis import MatchAnalysisApi

# "(?:/)?$" as every route.
urlpatterns = [
    re_path(r"^matches/(?P<match_id>[^/]+)/analysis(?:/)?$", MatchAnalysisApi.as_view(), name="match-analysis"),
]
