"""Pages of the county lines picture. Intelligence pages ask ``lines.view``/``lines.edit``; the
network and county figures (aggregate only) ask ``lines.picture``."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from reachable.accounts.decorators import require_capability
from reachable.audit.services import audit_list, audit_record
from reachable.lib.exports import table_response
from reachable.lib.forms import apply_service_errors
from reachable.lib.tabular import chunks_save
from reachable.lib.views import form_page, posted
from reachable.lines import forms as lf
from reachable.lines import importer, network, selectors, services
from reachable.lines.access import exact_child_counts
from reachable.lines.models import Disruption, Line, LineStatus, Location

PAGE_SIZE = 50


# ---------------------------------------------------------------- lines


@require_capability("lines.view")
def line_list(request: HttpRequest) -> HttpResponse:
    q, status, model = (request.GET.get(k, "").strip() for k in ("q", "status", "model"))
    lines = selectors.lines_search(q=q, status=status, model=model)
    page = Paginator(lines, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "lines/line_list.html",
        {
            "page_obj": page,
            "q": q,
            "status": status,
            "model": model,
            "statuses": LineStatus.Status.choices,
            "models": Line.Model.choices,
        },
    )


@require_capability("lines.edit")
def line_new(request: HttpRequest) -> HttpResponse:
    form = lf.LineForm(posted(request))
    return form_page(
        request,
        form,
        lambda d: services.line_create(user=request.user, grading=form.grading(), **form.values()),
        title="Record a line",
        success="Line recorded.",
        then="lines:list",
        back=reverse("lines:list"),
    )


@require_capability("lines.view")
def line_detail(request: HttpRequest, pk: int) -> HttpResponse:
    line = selectors.line_get(pk)
    links = selectors.child_links(line=line)
    # The links are about children (as pseudonyms): reading them is a read of each child's data.
    audit_list(
        user=request.user, what=f"lines: line {line.pk}", child_ids=[x.child_id for x in links]
    )
    return render(
        request,
        "lines/line_detail.html",
        {
            "line": line,
            "timeline": selectors.line_timeline(line),
            "numbers": selectors.number_matches(line),
            "destinations": line.destinations.order_by("name"),
            "links": links,
        },
    )


def _line_part(
    request: HttpRequest,
    pk: int,
    form_class: type[lf.GradedForm],
    save: Callable[..., Any],
    *,
    title: str,
    success: str,
) -> HttpResponse:
    line = selectors.line_get(pk)
    form = form_class(posted(request))
    return form_page(
        request,
        form,
        lambda d: save(user=request.user, line=line, grading=form.grading(), **form.values()),
        title=title,
        caption=str(line),
        success=success,
        then="lines:line",
        back=reverse("lines:line", kwargs={"pk": line.pk}),
        pk=line.pk,
    )


@require_capability("lines.edit")
def status_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _line_part(
        request,
        pk,
        lf.StatusForm,
        services.status_record,
        title="Change the status",
        success="Status recorded.",
    )


@require_capability("lines.edit")
def number_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _line_part(
        request,
        pk,
        lf.NumberForm,
        services.number_add,
        title="Add a deal number",
        success="Deal number added.",
    )


@require_capability("lines.edit")
def sighting_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _line_part(
        request,
        pk,
        lf.SightingForm,
        services.sighting_record,
        title="Record a sighting",
        success="Sighting recorded.",
    )


@require_capability("lines.edit")
def child_link_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _line_part(
        request,
        pk,
        lf.ChildLinkForm,
        services.child_link_create,
        title="Link a child",
        success="Child linked. The child is shown here by pseudonym only.",
    )


# ---------------------------------------------------------------- places and disruption


@require_capability("lines.view")
def location_list(request: HttpRequest) -> HttpResponse:
    q, kind = request.GET.get("q", "").strip(), request.GET.get("kind", "")
    page = Paginator(selectors.locations_list(q=q, kind=kind), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "lines/location_list.html",
        {"page_obj": page, "q": q, "kind": kind, "kinds": Location.Kind.choices},
    )


@require_capability("lines.edit")
def location_new(request: HttpRequest) -> HttpResponse:
    form = lf.LocationForm(posted(request))
    return form_page(
        request,
        form,
        lambda d: services.location_create(
            user=request.user, grading=form.grading(), **form.values()
        ),
        title="Record a place of concern",
        success="Place of concern recorded.",
        then="lines:locations",
        back=reverse("lines:locations"),
    )


@require_capability("lines.view")
def location_detail(request: HttpRequest, pk: int) -> HttpResponse:
    location = selectors.location_get(pk)
    links = selectors.child_links(location=location)
    audit_list(
        user=request.user, what=f"lines: place {location.pk}", child_ids=[x.child_id for x in links]
    )
    return render(
        request,
        "lines/location_detail.html",
        {
            "location": location,
            "same_address": selectors.location_matches(location),
            "sightings": location.sightings.select_related("line", "line__origin").order_by(
                "-seen_on"
            ),
            "disruptions": location.disruptions.order_by("-occurred_on"),
            "links": links,
        },
    )


@require_capability("lines.view")
def disruption_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    page = Paginator(selectors.disruptions_list(kind=kind), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "lines/disruption_list.html",
        {"page_obj": page, "kind": kind, "kinds": Disruption.Kind.choices},
    )


@require_capability("lines.edit")
def disruption_new(request: HttpRequest) -> HttpResponse:
    form = lf.DisruptionForm(posted(request))
    return form_page(
        request,
        form,
        lambda d: services.disruption_record(
            user=request.user, grading=form.grading(), **form.values()
        ),
        title="Record a disruption",
        success="Disruption recorded.",
        then="lines:disruptions",
        back=reverse("lines:disruptions"),
    )


# ---------------------------------------------------------------- import


@require_capability("lines.edit")
def import_file(request: HttpRequest) -> HttpResponse:
    form = lf.ImportForm(posted(request), request.FILES if request.method == "POST" else None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with tempfile.TemporaryDirectory() as held:
            try:
                path = chunks_save(upload.chunks(), Path(held), upload.name)
                result = importer.lines_import(
                    user=request.user,
                    kind=form.cleaned_data["kind"],
                    path=path,
                    filename=upload.name,
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
        if result and result.errors:
            form.add_error(
                "file",
                f"Nothing was imported: {len(result.errors)} problem(s) to fix, listed below.",
            )
    status = 400 if form.errors else 200
    return render(
        request,
        "lines/import.html",
        {"form": form, "result": result, "columns": importer.COLUMNS},
        status=status,
    )


@require_capability("lines.edit")
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in importer.COLUMNS:
        raise Http404
    response = HttpResponse(importer.template_csv(kind), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="lines-{kind}-template.csv"'
    return response


# ---------------------------------------------------------------- the picture (aggregate)


def _filters(request: HttpRequest) -> tuple[lf.PictureFilterForm, network.Filters | None]:
    form = lf.PictureFilterForm(request.GET or None)
    today = timezone.localdate()
    if request.GET and not form.is_valid():
        return form, None
    data = form.cleaned_data if request.GET else {}
    try:
        period = network.period_of(data.get("period"), today=today)
    except ValueError as exc:
        form.add_error("period", str(exc))
        return form, None
    return form, network.Filters(
        period, data.get("status", ""), data.get("model", ""), data.get("scope", "")
    )


@require_capability("lines.picture")
def picture(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    if filters is None:
        return render(request, "lines/picture.html", {"form": form}, status=400)
    net = network.network(filters)
    audit_record(
        user=request.user, action="lines.picture.view", detail={"period": filters.period.label}
    )
    return render(
        request,
        "lines/picture.html",
        {
            "form": form,
            "net": net,
            "map_data": net.map_data(),
            "figures": network.county_figures(
                filters.period, exact_children=exact_child_counts(request.user)
            ),
            "query": request.GET.urlencode(),
        },
    )


@require_capability("lines.picture")
def picture_export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    _, filters = _filters(request)
    if (
        filters is None
        or table not in {"flows", "counties", "towns", "figures"}
        or fmt
        not in {
            "csv",
            "xlsx",
        }
    ):
        return HttpResponse("Check the period and the table asked for.", status=400)
    net = network.network(filters)
    audit_record(user=request.user, action="lines.picture.export", detail={"table": table})
    if table == "flows":
        header = ["from", "to", "lines", "lines before", "change"]
        rows: list[list[Any]] = [
            [f.origin, f.destination, f.lines, f.before, f.change] for f in net.flows
        ]
    elif table == "counties":
        header = ["from", "to", "lines", "lines before", "change"]
        rows = [[f.origin, f.destination, f.lines, f.before, f.change] for f in net.county_flows]
    elif table == "towns":
        header = ["town", "county", "receives", "sends", "betweenness", "hub"]
        rows = [
            [t.name, t.county, t.receives, t.sends, t.betweenness, "yes" if t.hub else ""]
            for t in net.towns
        ]
    else:
        header = [
            "county",
            "active",
            "opened",
            "closed type 1",
            "closed type 2",
            "children safeguarded",
            "children linked",
        ]
        rows = [
            [
                c.county,
                c.active,
                c.opened,
                c.closed_type_1,
                c.closed_type_2,
                c.children_safeguarded,
                c.children_linked,
            ]
            for c in network.county_figures(
                filters.period, exact_children=exact_child_counts(request.user)
            )
        ]
    return table_response(filename=f"county-lines-{table}", header=header, rows=rows, fmt=fmt)
