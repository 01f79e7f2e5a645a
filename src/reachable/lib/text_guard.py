"""Text no page or API field may hold: the NUL character and unpaired surrogates.

PostgreSQL refuses NUL in text, so a NUL in any value that reaches a query (a search box, a code
looked up by its name) ended as a database error: a 500 on PostgreSQL that SQLite let through.
An unpaired surrogate cannot be written as UTF-8 at all. Neither is ever in real input, so they
are refused at the door with a 400 that says which parameter held one: query strings and form
fields by ``refuse_unwritable_text`` (middleware), JSON bodies by ``JSONParser``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from rest_framework import parsers
from rest_framework.exceptions import ParseError

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def unwritable(text: str) -> bool:
    return "\x00" in text or any("\ud800" <= c <= "\udfff" for c in text)


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield str(key)
            yield from _texts(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _texts(inner)


MESSAGE = "holds a character no text may hold (NUL, or half of a surrogate pair): remove it."


def refuse_unwritable_text(get_response: Callable[[HttpRequest], HttpResponse]) -> Any:
    def middleware(request: HttpRequest) -> HttpResponse:
        sources = [request.GET]
        if request.method == "POST" and request.content_type in FORM_TYPES:
            sources.append(request.POST)
        for source in sources:
            for name, values in source.lists():
                if unwritable(name) or any(unwritable(v) for v in values):
                    shown = name.encode("unicode_escape").decode()[:40]
                    if request.path.startswith("/api/"):
                        return JsonResponse({shown: [f"This value {MESSAGE}"]}, status=400)
                    return HttpResponseBadRequest(f"The field {shown} {MESSAGE}")
        return get_response(request)

    return middleware


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing a body with a NUL or an unpaired surrogate anywhere in it."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        if any(unwritable(text) for text in _texts(data)):
            raise ParseError(f"The body {MESSAGE}")
        return data
