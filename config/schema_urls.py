from csp.decorators import csp_update
from django.urls import re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.event_schema import EventSchemaApi

# The split view serves Swagger UI's start-up script as a file of its own (/api/docs?script=), so
# the page runs under the site's Content-Security-Policy with no inline script. Its template keeps a
# small inline <style>, so styles alone are relaxed here; scripts stay 'self' only.
docs_view = csp_update({"style-src": ["'unsafe-inline'"]})(SpectacularSwaggerSplitView.as_view(url_name="schema"))

urlpatterns = [
    re_path(r"^schema/?$", SpectacularAPIView.as_view(), name="schema"),
    re_path(r"^docs/?$", docs_view, name="docs"),
    re_path(r"^events/schema(?:/)?$", EventSchemaApi.as_view(), name="events-schema"),
]
