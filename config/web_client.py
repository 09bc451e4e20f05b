"""The web client's pages (docs/web-client-serving.md): every client route answers with the built index.html.

The app routes in the browser, so a deep link or a reload of /matches/{id}/replay must get the same
page as /. The index is read from where WhiteNoise serves the build: the collected copy under
STATIC_ROOT, or web/dist itself while static files are served from the finders (DEBUG). Its assets
have hashed names and are cached for good; the index is revalidated on every load, so a new build
is picked up at once. The Content-Security-Policy comes from the middleware (settings).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, re_path
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

NOT_BUILT_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Web client not built</title></head>
<body>
<h1>The web client is not built</h1>
<p>This server has no build of the browser app (<code>web/dist/index.html</code>), so it cannot show it.
The API (<a href="/api/docs">/api/docs</a>) and the <a href="/admin/">admin</a> work without it.</p>
<p>Build it and gather it with the other static files:</p>
<pre>npm --prefix web ci
npm --prefix web run build
python manage.py collectstatic --no-input</pre>
<p>(<code>python3 dev.py up</code> does all of this.)</p>
</body>
</html>
"""

# The client routes (web/src/app/routes.tsx) besides "/"; each answers with and without a trailing slash.
CLIENT_ROUTES = (
    r"signin",
    r"register",
    r"matches",
    r"matches/[^/]+",
    r"matches/[^/]+/replay",
    r"players/[^/]+",
    r"leaderboards",
    r"tournaments",
    r"tournaments/[^/]+",
    r"play",
    r"settings",
    r"live",
    r"live/[^/]+",
)


def built_index_path() -> Path | None:
    """The index.html WhiteNoise's build belongs to, or None when the client was not built."""
    name = f"{settings.WEB_CLIENT_STATIC_PREFIX}/index.html"
    if getattr(settings, "WHITENOISE_USE_FINDERS", settings.DEBUG):
        found = finders.find(name)
        if found:
            return Path(found)
    collected = Path(settings.STATIC_ROOT) / name
    return collected if collected.is_file() else None


@require_safe
def app_page(request: HttpRequest) -> HttpResponse:
    path = built_index_path()
    if path is None:
        response = HttpResponse(NOT_BUILT_PAGE, status=503)
    else:
        response = HttpResponse(path.read_bytes(), content_type="text/html; charset=utf-8")
    patch_cache_control(response, no_cache=True)
    return response


def client_urlpatterns() -> list[URLPattern]:
    routes = [re_path(rf"^{route}/?$", app_page) for route in CLIENT_ROUTES]
    return [re_path(r"^$", app_page, name="web-client"), *routes]
