from django.urls import re_path

from solo.apis import SoloResultApi

# "(?:/)?$": the route answers with and without a trailing slash (APPEND_SLASH is off).
urlpatterns = [
    re_path(r"^solo_results(?:/)?$", SoloResultApi.as_view(), name="solo-results"),
]
