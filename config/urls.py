"""URL wiring. Every API route answers with and without a trailing slash (SPEC section 6)."""

from django.contrib import admin
from django.urls import include, path

from config.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("healthz/", healthz),
    path("api/", include("accounts.urls")),
    path("api/", include("history.urls")),
    path("api/", include("solo.urls")),
    path("api/", include("config.schema_urls")),
]
