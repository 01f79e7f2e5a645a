"""The OpenAPI schema tells the truth about refusals.

drf-spectacular documents the answer each view returns when it works. Every operation can also
be refused: not signed in (401), not allowed (403), too many calls (429), and, depending on its
shape, not found (404), bad input (400), the wrong content type (415) or an ``Idempotency-Key``
conflict (409, 422). Those answers come from the framework and the access module, not from each
view, so they are added here, to every operation, with the one error body they all share. A
generated client then knows every status it can get; schemathesis checks that none is missing.
"""

from __future__ import annotations

from typing import Any

ERROR = "Error"
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "Every refusal has this shape. `detail` says what went wrong in a sentence; a refused "
        'field is a key holding its messages (for example `{"date_of_birth": ["Enter a '
        'date."]}`), `non_field_errors` holds messages about the request as a whole, and an '
        "upload's `problems` name the row, column, value and fix."
    ),
    "properties": {
        "detail": {"type": "string"},
        "non_field_errors": {"type": "array", "items": {"type": "string"}},
        "problems": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "row": {"type": "integer"},
                    "column": {"type": "string"},
                    "value": {"type": "string"},
                    "message": {"type": "string"},
                },
                "required": ["row", "column", "value", "message"],
            },
        },
    },
    # A field's messages; for a list of objects, the messages of each item by its position.
    "additionalProperties": {
        "anyOf": [{"type": "array", "items": {}}, {"type": "object"}],
    },
}
WHY = {
    "400": "The request was not valid: the body names each field and what to change.",
    "401": "No valid credentials: send `Authorization: Bearer rk_...`.",
    "403": "Your role, agency or team may not do this.",
    "404": "Not found, or not one you may see (the two are not told apart).",
    "409": "A request with this Idempotency-Key is still being processed.",
    "415": "The body's content type is not one this operation takes.",
    "422": "This Idempotency-Key was used for a different request.",
    "429": "Too many calls: wait for the seconds in Retry-After.",
}
WRITES = {"post", "put", "patch", "delete"}
EXAMPLE = {
    "400": {"date_of_birth": ["Enter a valid date."], "suite": ["Choose a custody suite."]},
    "401": {"detail": "This token is not valid: it has expired."},
    "403": {"detail": "Your role cannot record detentions."},
    "404": {"detail": "Not found, or not one you may see."},
    "409": {"detail": "The first request with this key is still being processed."},
    "415": {"detail": 'Unsupported media type "text/plain" in request.'},
    "422": {"detail": "This Idempotency-Key was used for a different request."},
    "429": {"detail": "Request was throttled. Expected available in 31 seconds."},
}


def _statuses(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    found = ["401", "403", "429"]
    if "{" in path or method == "get" or method in WRITES:
        # A record you may not see (in the path, or named in the body), or a page past the last.
        found.append("404")
    if operation.get("parameters") or method in WRITES:
        found.append("400")
    if "requestBody" in operation:
        found.append("415")
    if method in WRITES:
        found += ["409", "422"]
    return found


def errors_documented(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR] = ERROR_SCHEMA
    ref = {"$ref": f"#/components/schemas/{ERROR}"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", *WRITES}:
                continue
            responses = operation.setdefault("responses", {})
            for code in _statuses(path, method, operation):
                responses.setdefault(
                    code,
                    {
                        "description": WHY[code],
                        "content": {"application/json": {"schema": ref, "example": EXAMPLE[code]}},
                    },
                )
    return result
