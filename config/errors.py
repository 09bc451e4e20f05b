"""Error pages: JSON under /api/ (clients parse them), Django's own HTML elsewhere (the admin)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or request.path.rstrip("/") == "/healthz"


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if not _is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):  # Django refuses it by Content-Length, unread
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return JsonResponse({"detail": f"The request body is larger than {limit:,} bytes."}, status=413)
    return JsonResponse({"detail": "Bad request."}, status=400)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "Server error: the error is logged; try again later."}, status=500)
    return defaults.server_error(request)


class ApiErrorsMiddleware:
    """JSON 404 and 500 under /api/ whatever DEBUG says.

    With DEBUG on, Django answers an unknown route or an uncaught error with its HTML debug pages and
    never calls the handlers above; a client of the API must get the same JSON in development as in
    production. The error is already logged (django.request) when this sees the response.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in (404, 500) and _is_api(request) and _is_html(response):
            return page_not_found(request) if response.status_code == 404 else server_error(request)
        return response


def _is_html(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("text/html")
