"""Errors outside any API view still answer an API caller in JSON.

A path the URL resolver cannot match (``/api/children/abc/``, an id of 19 digits) never reaches
DRF, so Django would answer with the HTML 404 page; a partner system parsing JSON gets the
documented error shape instead. Pages keep the project's own HTML pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") and not request.path.startswith("/api/docs")


def not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": "Not found, or not one you may see."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(
            {"detail": "Something went wrong on our side. It has been logged; try again later."},
            status=500,
        )
    return defaults.server_error(request)
