"""Error pages: JSON under /api/ (clients parse them), Django's own HTML elsewhere (the admin)."""

from __future__ import annotations

import io

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.views import defaults

from config.parsers import body_limit, body_too_large_detail


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or request.path.rstrip("/") == "/healthz"


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if not _is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):  # Django refuses it by Content-Length, unread
        return body_too_large()
    return JsonResponse({"detail": "Bad request."}, status=400)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "Server error: the error is logged; try again later."}, status=500)
    return defaults.server_error(request)


def body_too_large(limit: int | None = None) -> JsonResponse:
    return JsonResponse({"detail": body_too_large_detail(limit or settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}, status=413)


class ApiErrorsMiddleware:
    """Every answer under /api/ is JSON, whatever DEBUG says and whatever the request (docs/api.md).

    The one place that decides, with the API's parser (config/parsers.py) for what only reading the
    body can tell (its nesting, the length of a body sent without Content-Length):

    - a body whose Content-Length is over DATA_UPLOAD_MAX_MEMORY_SIZE (or the route's own limit, its
      view's `body_limit`) is a 413 before anything reads it (with DEBUG on, Django would answer its HTML
      "RequestDataTooBig" page, source paths and all);
    - any HTML error under /api/ (Django's debug pages for an unknown route, an uncaught error, a
      refused host or request) becomes JSON of the same status. The error is already logged
      (django.request) when this sees the response.

    What gunicorn refuses before Django sees it (a request line or header over its limits) is made
    JSON by config/gunicorn.py.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        declared = _declared_length(request)
        if _is_api(request) and declared > (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or float("inf")):
            limit = _route_body_limit(request)  # only a body over the general limit pays for the lookup
            if declared > (limit or float("inf")):
                return body_too_large(limit)
            _read_body(request)
        response = self.get_response(request)
        if response.status_code >= 400 and _is_api(request) and _is_html(response):
            return _as_json(request, response)
        return response


def _read_body(request: HttpRequest) -> None:
    """Read a body over the general limit that its route takes, as Django reads one (request.body), so that
    Django's own check of the general limit, made only when it reads the body itself, never sees it."""
    body = request.read()
    request._body = body
    request._stream = io.BytesIO(body)


def _route_body_limit(request: HttpRequest) -> int | None:
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return body_limit(getattr(view, "view_class", None))


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


_GENERIC_DETAILS = {400: "Bad request.", 403: "Forbidden.", 413: "The request body is too large."}


def _as_json(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    if response.status_code == 404:
        return page_not_found(request)
    if response.status_code >= 500:
        return server_error(request)
    detail = _GENERIC_DETAILS.get(response.status_code, response.reason_phrase + ".")
    return JsonResponse({"detail": detail}, status=response.status_code)


def _is_html(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("text/html")
