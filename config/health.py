"""`GET /healthz`: the state of PostgreSQL, NATS and the expected consumers, for load balancers and operators.

Unauthenticated and outside the API schema. It answers within a few seconds whatever is down: the
database's connect_timeout (settings) bounds a dead server, statement_timeout a hung one, and the NATS
check (one connection: a round trip, then every expected consumer's info at once) has its own deadline.
"""

import asyncio
import time

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from archive.health import archive_health_if_readable
from streaming.connection import brief_connection
from streaming.status import (
    JetStreamApiError,
    consumer_health,
    expected_consumer_infos,
    expected_consumers,
)

CHECK_TIMEOUT_SECONDS = 1.0


def _failure(error: BaseException) -> dict:
    return {"ok": False, "error": f"{error.__class__.__name__}: {str(error).strip()[:200]}"}


def _check_database() -> dict:
    started = time.monotonic()
    try:
        # SET LOCAL lasts until the end of the transaction, so it needs one of its own.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = %s", [int(CHECK_TIMEOUT_SECONDS * 1000)])
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure means "down"; the reason is reported, not raised
        # Drop a broken connection now, so that the next request connects afresh.
        connection.close_if_unusable_or_obsolete()
        return _failure(error)
    return {"ok": True, "latency_ms": round((time.monotonic() - started) * 1000, 1)}


async def _nats_round_trip() -> dict:
    """Connect, flush, and read the expected consumers' infos; their infos (or failures) by durable name."""
    async with brief_connection() as client:
        await client.flush(timeout=CHECK_TIMEOUT_SECONDS)
        return await expected_consumer_infos(client)


def _check_nats() -> tuple[dict, dict]:
    """NATS's state, and each expected consumer's (docs/operations.md)."""
    if not settings.NATS_ENABLED:
        return {"ok": True, "disabled": True}, {}
    if not settings.NATS_SERVERS:
        # nats-py would quietly try localhost:4222; say what is missing instead.
        return {"ok": False, "error": "NATS_URL is not set"}, _unread_consumers("NATS_URL is not set")
    started = time.monotonic()
    try:
        infos = asyncio.run(asyncio.wait_for(_nats_round_trip(), timeout=CHECK_TIMEOUT_SECONDS * 2.5))
    except Exception as error:
        failure = _failure(error)
        return failure, _unread_consumers("NATS unreachable: " + failure["error"])
    nats_state = {"ok": True, "latency_ms": round((time.monotonic() - started) * 1000, 1)}
    return nats_state, {durable: _consumer_state(info) for durable, info in infos.items()}


def _consumer_state(info: dict | BaseException) -> dict:
    if isinstance(info, BaseException):
        if isinstance(info, JetStreamApiError):
            reason = "no such consumer: has it ever run?" if info.code == 404 else info.description
        else:
            reason = _failure(info)["error"]
        return {"pending": None, "ack_pending": None, "stalled": None, "error": reason}
    return consumer_health(info, stall_seconds=settings.CONSUMER_STALL_SECONDS)


def _unread_consumers(reason: str) -> dict:
    return {
        consumer.durable: {"pending": None, "ack_pending": None, "stalled": None, "error": reason}
        for consumer in expected_consumers()
    }


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    database = _check_database()
    nats_state, consumers = _check_nats()
    # NATS away, a stalled consumer or one that does not exist delay history (the publisher buffers,
    # the stream keeps the events) but the API still serves: 200, "degraded". 503 is for PostgreSQL.
    consumers_ok = all(state["stalled"] is False for state in consumers.values())
    if not database["ok"]:
        status, state = 503, "down"
    else:
        status, state = 200, "ok" if nats_state["ok"] and consumers_ok else "degraded"
    body = {"status": state, "postgres": database, "nats": nats_state, "consumers": consumers}
    body["archive"] = archive_health_if_readable(database_ok=database["ok"])  # docs/operations.md
    return JsonResponse(body, status=status)
