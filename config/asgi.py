"""ASGI entry point: gunicorn runs it with uvicorn's workers (`-k uvicorn_worker.UvicornWorker config.asgi`).

The live routes (live/, docs/api.md) are async views: each open Server-Sent Events stream is a coroutine,
not a thread. Every other route is the WSGI application as before, run on a pool of threads by a2wsgi:
Django's own ASGI path runs sync views one at a time per worker behind several thread hops, and `bench
api` measured it at a third of the sync workers' throughput; this way the API keeps its figures
(docs/operations.md, the web process) and the site stays one origin, one unit.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

from a2wsgi import WSGIMiddleware
from django.core.asgi import get_asgi_application
from django.core.wsgi import get_wsgi_application

# The paths the async views answer (live/urls.py); everything else is the sync API and pages.
ASYNC_PREFIXES = ("/api/live/", "/api/me/events")
# Threads per worker for the sync routes: as many requests at once as a gthread worker of 4 would take.
SYNC_THREADS = int(os.environ.get("WEB_THREADS", "4") or 4)

django_asgi = get_asgi_application()
django_wsgi = WSGIMiddleware(get_wsgi_application(), workers=SYNC_THREADS)


async def application(scope, receive, send):
    if scope["type"] == "http" and scope["path"].startswith(ASYNC_PREFIXES):
        return await django_asgi(scope, receive, send)
    if scope["type"] == "http":
        return await django_wsgi(scope, receive, send)
    return await django_asgi(scope, receive, send)  # lifespan: Django says it does not speak it
