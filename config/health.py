"""`GET /healthz`: the state of PostgreSQL and NATS, answered within about two seconds."""

import asyncio
import time

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

CHECK_TIMEOUT_SECONDS = 1.0


def _check_database() -> dict:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            # statement_timeout bounds a hung server; connect_timeout (settings) bounds a dead one.
            cursor.execute("SET LOCAL statement_timeout = 1000")
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure means "down"; the reason is reported, not raised
        connection.close_if_unusable_or_obsolete()
        return {"ok": False, "error": f"{error.__class__.__name__}: {str(error).strip()[:200]}"}
    return {"ok": True, "latency_ms": round((time.monotonic() - started) * 1000, 1)}


async def _nats_round_trip() -> float:
    import nats

    started = time.monotonic()
    client = await nats.connect(
        servers=settings.NATS_SERVERS,
        connect_timeout=CHECK_TIMEOUT_SECONDS,
        max_reconnect_attempts=0,
        allow_reconnect=False,
    )
    try:
        await client.flush(timeout=CHECK_TIMEOUT_SECONDS)
    finally:
        await client.close()
    return time.monotonic() - started


def _check_nats() -> dict:
    if not settings.NATS_ENABLED:
        return {"ok": True, "disabled": True}
    try:
        elapsed = asyncio.run(asyncio.wait_for(_nats_round_trip(), timeout=CHECK_TIMEOUT_SECONDS * 2))
    except Exception as error:
        return {"ok": False, "error": f"{error.__class__.__name__}: {str(error).strip()[:200]}"}
    return {"ok": True, "latency_ms": round(elapsed * 1000, 1)}


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    database = _check_database()
    nats_state = _check_nats()
    status = 200 if database["ok"] else 503  # NATS down degrades publishing, not the API
    body = {"status": "ok" if status == 200 and nats_state["ok"] else "degraded", "postgres": database,
            "nats": nats_state}
    if status != 200:
        body["status"] = "down"
    return JsonResponse(body, status=status)
