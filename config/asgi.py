"""ASGI entry point: gunicorn runs it with uvicorn's workers (`-k config.web_worker.UvicornWorker config.asgi`).

The live routes (live/, docs/api.md) are async views: each open Server-Sent Events stream is a coroutine,
not a thread. Every other route is the WSGI application as before, run on a pool of threads by a2wsgi:
Django's own ASGI path runs sync views one at a time per worker behind several thread hops, and `bench
api` measured it at a third of the sync workers' throughput; this way the API keeps its figures
(docs/operations.md, the web process) and the site stays one origin, one unit.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

import django
from a2wsgi import WSGIMiddleware
from django.conf import settings
from django.core.asgi import get_asgi_application
from django.core.handlers.asgi import ASGIHandler
from django.core.wsgi import get_wsgi_application

# The paths the async views answer (live/urls.py); everything else is the sync API and pages.
ASYNC_PREFIXES = ("/api/live/", "/api/me/events")
# Threads per worker for the sync routes: as many requests at once as a gthread worker of 4 would take.
SYNC_THREADS = int(os.environ.get("WEB_THREADS", "4") or 4)

# The middleware the live views need, all of it async-capable: a sync-only one would make Django run it
# in a thread of the request's own for as long as the request lasts, and a stream lasts an hour (bench
# live: about 250 KB a stream). The rest is for pages, forms and the sync API: the live views answer
# JSON errors themselves and send no HTML.
LIVE_MIDDLEWARE = (
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
)


class LiveHandler(ASGIHandler):
    async def __call__(self, scope, receive, send):
        # Django's handler runs each request in a ThreadSensitiveContext: the request's sync code (the
        # request_started signal's receivers, a sync_to_async query) gets a thread of its own, kept, with
        # its own database connection, for as long as the request lasts. A stream lasts an hour: bench
        # live measured ~250 KB a stream and a thousand viewers ending together opened a thousand
        # PostgreSQL connections ("too many clients"). Without it, their sync code shares asgiref's one
        # thread, and one connection.
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        await self.handle(scope, receive, send)

    def load_middleware(self, is_async: bool = False) -> None:
        every = settings.MIDDLEWARE
        settings.MIDDLEWARE = [name for name in every if name in LIVE_MIDDLEWARE]
        try:
            super().load_middleware(is_async=is_async)
        finally:
            settings.MIDDLEWARE = every


django_wsgi = WSGIMiddleware(get_wsgi_application(), workers=SYNC_THREADS)
django_asgi = get_asgi_application()
django.setup(set_prefix=False)
django_live = LiveHandler()

from live.asgi import PREFIX as ROOM_PREFIX  # noqa: E402 (needs Django set up)
from live.asgi import room_app  # noqa: E402


async def application(scope, receive, send):
    if scope["type"] == "http" and scope["path"].startswith(ROOM_PREFIX):
        return await room_app(scope, receive, send)
    if scope["type"] == "http" and scope["path"].startswith(ASYNC_PREFIXES):
        return await django_live(scope, receive, send)
    if scope["type"] == "http":
        return await django_wsgi(scope, receive, send)
    return await django_asgi(scope, receive, send)  # lifespan: Django says it does not speak it
