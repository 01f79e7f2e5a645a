"""The minimum dataset specification in the browser: versions, domains, templates."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reachable.accounts.decorators import signed_in
from reachable.returns import selectors
from reachable.returns.templates_download import guidance_rows, template_csv, template_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@signed_in
def spec(request: HttpRequest) -> HttpResponse:
    return render(request, "returns/spec.html", {"versions": selectors.spec_versions()})


@signed_in
def domain(request: HttpRequest, version: str, key: str) -> HttpResponse:
    found = selectors.domain_get(version, key)
    return render(
        request,
        "returns/domain.html",
        {"domain": found, "measures": found.measures.all(), "rows": guidance_rows(found)},
    )


@signed_in
def template(request: HttpRequest, version: str, key: str, fmt: str) -> HttpResponse:
    found = selectors.domain_get(version, key)
    name = f"minimum-dataset-{version}-{key}"
    if fmt == "xlsx":
        response = HttpResponse(template_xlsx(found), content_type=XLSX)
    else:
        response = HttpResponse(template_csv(found), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
