"""The operators' window on the streaming side (docs/operations.md, the admin): the events the consumers could never
process, and a status page of the streams and their consumers read live from NATS."""

import asyncio
import contextlib
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.html import format_html

from streaming.connection import brief_connection
from streaming.models import PoisonEvent
from streaming.registry import UnknownConsumer, registered_consumer, retriable_durables
from streaming.status import (
    REQUEST_TIMEOUT_SECONDS,
    JetStreamApiError,
    StreamingState,
    consumer_health,
    expected_consumers,
    parse_server_time,
    read_streaming_state,
)

# The whole page's reads, connection included: the page answers within this whatever NATS does.
STATUS_DEADLINE_SECONDS = 3 * REQUEST_TIMEOUT_SECONDS
# The server writes this for "never" (an empty stream's first message, a consumer that never acked).
SERVER_ZERO_TIME = "0001-01-01T00:00:00Z"

# The admin's front page links the status page (streaming/templates/admin/operators_index.html).
admin.site.index_template = "admin/operators_index.html"


def _retry_of(durable: str) -> Callable[[PoisonEvent], Any] | None:
    """The consumer's own retry of its poison rows, as its app registered it (history's projector), or None."""
    try:
        return registered_consumer(durable).retry_poison
    except UnknownConsumer:
        return None


@admin.register(PoisonEvent)
class PoisonEventAdmin(admin.ModelAdmin):
    list_display = ("recorded_at", "consumer", "stream_seq", "subject", "reason", "resolved_at", "match")
    list_filter = ("consumer", ("resolved_at", admin.EmptyFieldListFilter))
    search_fields = ("subject", "reason")
    ordering = ("-recorded_at",)
    fields = ("consumer", "stream_seq", "subject", "reason", "recorded_at", "resolved_at", "match", "payload_as_text")
    readonly_fields = fields
    actions = ("retry",)

    # Rows are never edited, yet a retry writes a match: it takes the change permission an operator
    # is given on poison events (a superuser has it), not the view permission alone.
    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("streaming.change_poisonevent")

    @admin.action(description="Retry (the projector's own handling on the stored payload)", permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[PoisonEvent]) -> None:
        for poison in queryset:
            retry = _retry_of(poison.consumer)
            if retry is None:
                only = ", ".join(retriable_durables()) or "no consumer"
                refusal = f"{poison.consumer} recorded this event: only {only}'s are retried"
                self.message_user(request, f"seq {poison.stream_seq}: {refusal}", messages.WARNING)
                continue
            match = retry(poison)
            if match is None:
                self.message_user(request, f"seq {poison.stream_seq}: still poison: {poison.reason}", messages.ERROR)
            else:
                self.message_user(request, f"seq {poison.stream_seq}: resolved, match {match.id}", messages.SUCCESS)

    @admin.display(description="payload")
    def payload_as_text(self, event: PoisonEvent) -> str:
        text = event.payload_text
        # Not JSON (which may be why it is here): shown as it came.
        with contextlib.suppress(ValueError):
            text = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
        return format_html("<pre style='white-space: pre-wrap'>{}</pre>", text)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: PoisonEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: PoisonEvent | None = None) -> bool:
        return False


def streaming_status_view(request: HttpRequest) -> TemplateResponse:
    """Streams and consumers as NATS reports them now; what went wrong instead when it cannot be read."""
    context: dict[str, Any] = {**admin.site.each_context(request), "title": "Streaming status"}
    context["servers"] = ", ".join(_without_credentials(url) for url in settings.NATS_SERVERS) or "(NATS_URL not set)"
    if not settings.NATS_ENABLED:
        context["error"] = "NATS is turned off here (NATS_ENABLED=false): there is no stream to show."
    else:
        try:
            state = asyncio.run(asyncio.wait_for(_read_state(), timeout=STATUS_DEADLINE_SECONDS))
        except TimeoutError:
            context["error"] = f"NATS did not answer within {STATUS_DEADLINE_SECONDS:.0f} s: hung, or cut off."
        except Exception as error:  # NATS away: said on the page, never a 500
            context["error"] = f"NATS cannot be reached: {_reason(error)}."
        else:
            context["streams"] = [stream_summary(name, info) for name, info in state.streams.items()]
            context["consumers"] = consumer_rows(state)
    context["stall_seconds"] = settings.CONSUMER_STALL_SECONDS
    return TemplateResponse(request, "admin/streaming_status.html", context)


async def _read_state() -> StreamingState:
    async with brief_connection() as client:
        return await read_streaming_state(client)


# --- pure: the server's answers as the page's rows ----------------------------------------------


def stream_summary(name: str, info: dict[str, Any] | BaseException) -> dict[str, Any]:
    """One stream: size, first and last message, replicas and where they are placed."""
    if isinstance(info, BaseException):
        return {"name": name, "error": _reason(info)}
    state, config, cluster = info.get("state", {}), info.get("config", {}), info.get("cluster") or {}
    now = info.get("ts")
    peers = [
        {
            "name": peer.get("name", "?"),
            "current": bool(peer.get("current")),
            "lag": peer.get("lag", 0),
            "seen_seconds_ago": round(peer.get("active", 0) / 1e9, 1),
        }
        for peer in cluster.get("replicas") or []
    ]
    return {
        "name": name,
        "subjects": ", ".join(config.get("subjects") or []),
        "messages": state.get("messages", 0),
        "bytes": state.get("bytes", 0),
        "first_seq": state.get("first_seq", 0),
        "first_time": _shown_time(state.get("first_ts"), now),
        "last_seq": state.get("last_seq", 0),
        "last_time": _shown_time(state.get("last_ts"), now),
        "replicas": config.get("num_replicas", 1),
        "cluster": cluster.get("name") or "none (a single server)",
        "leader": cluster.get("leader") or "-",
        "peers": peers,
    }


def consumer_rows(state: StreamingState) -> list[dict[str, Any]]:
    """The expected consumers first (a missing one said so), then any other durable the streams hold."""
    rows: list[dict[str, Any]] = []
    expected = expected_consumers()
    for consumer in expected:
        listed = state.consumers.get(consumer.stream)
        if isinstance(listed, BaseException):
            rows.append({"durable": consumer.durable, "stream": consumer.stream, "error": _reason(listed)})
            continue
        info = next((info for info in listed or [] if info.get("name") == consumer.durable), None)
        if info is None:
            rows.append({"durable": consumer.durable, "stream": consumer.stream, "error": "missing: has it ever run?"})
        else:
            rows.append(_consumer_row(info, expected=True))
    names = {(consumer.stream, consumer.durable) for consumer in expected}
    for stream, listed in state.consumers.items():
        if not isinstance(listed, BaseException):
            rows += [_consumer_row(info, expected=False) for info in listed if (stream, info.get("name")) not in names]
    return rows


def _consumer_row(info: dict[str, Any], *, expected: bool) -> dict[str, Any]:
    now = info.get("ts")
    delivered, floor = info.get("delivered") or {}, info.get("ack_floor") or {}
    health = consumer_health(info, stall_seconds=settings.CONSUMER_STALL_SECONDS) if now else {"stalled": None}
    return {
        "durable": info.get("name", "?"),
        "stream": info.get("stream_name", "?"),
        "expected": expected,
        "filter": (info.get("config") or {}).get("filter_subject") or "(all)",
        "pending": info.get("num_pending", 0),
        "ack_pending": info.get("num_ack_pending", 0),
        "redelivered": info.get("num_redelivered", 0),
        "waiting": info.get("num_waiting", 0),
        "ack_floor_seq": floor.get("stream_seq", 0),
        "last_delivered": _shown_time(delivered.get("last_active"), now),
        "last_ack": _shown_time(floor.get("last_active"), now),
        "stalled": health["stalled"],
    }


def _shown_time(text: str | None, now: str | None) -> str:
    """'2026-12-02 05:53:17 UTC (12 s ago)', by the server's clock; '-' for never."""
    if not text or text.startswith(SERVER_ZERO_TIME[:10]):
        return "-"
    moment = parse_server_time(text)
    shown = moment.strftime("%Y-%m-%d %H:%M:%S UTC")
    if now:
        seconds = max(0.0, (parse_server_time(now) - moment).total_seconds())
        shown += f" ({_duration(seconds)} ago)"
    return shown


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds // 60:.0f} min"
    if seconds < 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def _reason(error: BaseException) -> str:
    if isinstance(error, JetStreamApiError):
        return "no such stream" if error.code == 404 else error.description
    text = str(error).strip()
    return f"{error.__class__.__name__}: {text[:200]}" if text else error.__class__.__name__


def _without_credentials(url: str) -> str:
    """A NATS URL as an operator may see it on a page: user, password or token left out."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
