"""URL wiring. Every API route answers with and without a trailing slash (docs/api.md); the web
client's routes (docs/web-client-serving.md) answer with its page, and anything else is a 404."""

from django.contrib import admin
from django.urls import include, path

from config.health import healthz
from config.metrics_web import metrics_view
from config.share_pages import share_urlpatterns
from config.web_client import client_urlpatterns
from streaming.admin import streaming_status_view

handler400 = "config.errors.bad_request"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"

urlpatterns = [
    # Staff only, like every admin page (admin_view: sign-in, is_staff, never cached).
    path("admin/streaming/status/", admin.site.admin_view(streaming_status_view), name="streaming-status"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("healthz/", healthz),
    path("metrics", metrics_view, name="metrics"),
    path("api/", include("accounts.urls")),
    path("api/", include("history.urls")),
    path("api/", include("archive.urls")),
    path("api/", include("analysis.urls")),
    path("api/", include("solo.urls")),
    path("api/", include("stats.urls")),
    path("api/", include("live.urls")),
    path("api/", include("config.schema_urls")),
    *share_urlpatterns(),
    *client_urlpatterns(),
]
