"""The web process's metrics (docs/operations.md): each request counted and timed, and `GET /metrics`.

`/metrics` answers for every gunicorn worker at once: with `PROMETHEUS_MULTIPROC_DIR` set (gunicorn
sets it, config/gunicorn.py) the workers' files are added up; without it (runserver, tests in one
process) the process's own registry is the whole web process.

Who may read it: with `METRICS_TOKEN` set, only a request with `Authorization: Bearer {token}`;
without it, the production settings answer 404 (it is not there) and the development settings
(`METRICS_LOOPBACK_WITHOUT_TOKEN`) a loopback peer that came through no proxy: a proxy on the same
host would make every remote client look like 127.0.0.1, so any forwarding header refuses.
"""

from __future__ import annotations

import hmac
import ipaddress
import time

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess

from accounts.addresses import client_address
from telemetry.metrics import HTTP_REQUEST_SECONDS, HTTP_REQUESTS

# Anyone can send any method; an unknown one is counted as "other", so the label's values stay few.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Headers a proxy adds: their presence says the peer is a proxy, whatever address it has.
FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")
UNMATCHED_ROUTE = "unmatched"


def route_label(request: HttpRequest) -> str:
    """The URL pattern's name (namespaced, `admin:login`); an unnamed pattern's route; else "unmatched".

    Never the path itself: ids in paths would make a series per match.
    """
    match = getattr(request, "resolver_match", None)
    if match is None:
        return UNMATCHED_ROUTE
    if match.url_name:
        return match.view_name
    return match.route or UNMATCHED_ROUTE


class RequestMetricsMiddleware:
    """Counts and times every answer by route, method and status; outermost, so it sees the final one."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in KNOWN_METHODS else "other"
        labels = {"route": route_label(request), "method": method, "status": str(response.status_code)}
        HTTP_REQUESTS.labels(**labels).inc()
        HTTP_REQUEST_SECONDS.labels(**labels).observe(time.perf_counter() - started)
        return response


def metrics_refusal(
    *, authorization: str, token: str, loopback_without_token: bool, client: str, forwarded: bool
) -> int | None:
    """The status that refuses a `/metrics` request, or None when it may read (docs/operations.md, metrics)."""
    if token:
        scheme, _, given = authorization.partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
            return None
        return 401
    if not loopback_without_token:
        return 404
    if forwarded or not _is_loopback(client):
        return 403
    return None


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


REFUSALS = {
    401: "/metrics needs Authorization: Bearer {METRICS_TOKEN}.\n",
    403: "Without METRICS_TOKEN, /metrics answers only a loopback peer that came through no proxy; "
    "set METRICS_TOKEN to read it from elsewhere.\n",
}


@never_cache
@require_safe
def metrics_view(request: HttpRequest) -> HttpResponse:
    status = metrics_refusal(
        authorization=request.META.get("HTTP_AUTHORIZATION", ""),
        token=settings.METRICS_TOKEN,
        loopback_without_token=settings.METRICS_LOOPBACK_WITHOUT_TOKEN,
        client=client_address(request),
        forwarded=any(header in request.META for header in FORWARDING_HEADERS),
    )
    if status == 404:
        raise Http404("/metrics")  # as any unknown path answers: nothing says it exists
    if status is not None:
        response = HttpResponse(REFUSALS[status], status=status, content_type="text/plain; charset=utf-8")
        if status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(_web_process_registry()), content_type=CONTENT_TYPE_LATEST)


def _web_process_registry() -> CollectorRegistry:
    if not settings.PROMETHEUS_MULTIPROC_DIR:
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=settings.PROMETHEUS_MULTIPROC_DIR)
    return registry
