"""The API reference as a GOV.UK page, rendered on the server from the OpenAPI schema.

Swagger UI failed the accessibility checks (contrast, no page language, nested interactive
controls, small targets) and needs JavaScript; this page is plain HTML a screen reader and a
keyboard can use, generated from the same schema served at /api/schema/, so it cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator

from reachable.accounts.decorators import signed_in

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass
class Operation:
    method: str
    path: str
    anchor: str
    summary: str
    description: str
    parameters: list[dict[str, Any]] = field(default_factory=list)
    request_body: str = ""
    responses: list[tuple[str, str]] = field(default_factory=list)


def _schema_name(content: dict[str, Any]) -> str:
    for media in content.values():
        ref = media.get("schema", {}).get("$ref", "")
        if ref:
            return ref.rsplit("/", 1)[-1]
        items = media.get("schema", {}).get("items", {}).get("$ref", "")
        if items:
            return f"list of {items.rsplit('/', 1)[-1]}"
    return ""


def operations(schema: dict[str, Any]) -> list[Operation]:
    found = []
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            found.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    anchor=op.get("operationId", f"{method}-{path}"),
                    summary=op.get("summary", ""),
                    description=op.get("description", ""),
                    parameters=[
                        {
                            "name": p.get("name", ""),
                            "where": p.get("in", ""),
                            "required": p.get("required", False),
                            "description": p.get("description", ""),
                            "type": p.get("schema", {}).get("type", ""),
                        }
                        for p in op.get("parameters", [])
                    ],
                    request_body=_schema_name(op.get("requestBody", {}).get("content", {})),
                    responses=[
                        (code, r.get("description", "") or _schema_name(r.get("content", {})))
                        for code, r in op.get("responses", {}).items()
                    ],
                )
            )
    return found


@signed_in
def api_docs(request: HttpRequest) -> HttpResponse:
    # The whole public schema, as /api/schema/ serves it; each operation still checks the caller.
    schema = SchemaGenerator().get_schema(request=None, public=True)
    models = [
        (name, sorted(body.get("properties", {}).items()), set(body.get("required", [])))
        for name, body in sorted(schema.get("components", {}).get("schemas", {}).items())
    ]
    return render(
        request,
        "api/docs.html",
        {"info": schema.get("info", {}), "operations": operations(schema), "models": models},
    )
