"""Pages that report on a programme: board packs (preview, issue, download), the tables as
CSV/XLSX, stakeholder mapping and policy review, and the partnership picture."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from csp.decorators import csp_update
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from reachable.accounts.decorators import require_capability
from reachable.audit.services import audit_record
from reachable.core.models import Code
from reachable.lib.exports import table_response
from reachable.lib.forms import apply_service_errors
from reachable.programmes import access, selectors, services
from reachable.programmes import forms as pf
from reachable.programmes.models import (
    STAKEHOLDER_THEMES,
    BoardPack,
    MeetingItem,
    Programme,
)
from reachable.programmes.pack import PACK_STYLE_HASH, pack_build
from reachable.programmes.periods import Quarter, quarters_between
from reachable.programmes.views import _live_rows, _programme, _quarters, team_form_view

# ---------------------------------------------------------------- board packs


@login_required
@csp_update({"style-src": [PACK_STYLE_HASH]})  # type: ignore[arg-type]  # typed for one-argument views
def pack_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The pack for a quarter from today's data, not issued (nothing is kept)."""
    programme = _programme(request, pk)
    try:
        quarter = Quarter.parse(request.GET.get("quarter", ""))
    except ValueError:
        quarter = Quarter.containing(timezone.localdate())
    audit_record(
        user=request.user,
        action="programmes.pack.preview",
        obj=programme,
        detail={"quarter": quarter.short},
    )
    return HttpResponse(pack_build(programme, quarter).html())


@login_required
def pack_issue(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    if request.method != "POST":
        return redirect("programmes:programme", pk=programme.pk)
    ended = [(q.key(), q.label) for q in _quarters(programme)]
    form = pf.PackForm(request.POST, quarters=ended)
    if form.is_valid():
        try:
            pack = services.pack_issue(
                user=request.user,
                programme=programme,
                quarter=Quarter.parse(form.cleaned_data["quarter"]),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return redirect(
                reverse("programmes:programme", args=[programme.pk]) + f"#pack-{pack.pk}"
            )
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": "Issue a board pack",
            "caption": programme.name,
            "back": reverse("programmes:programme", args=[programme.pk]),
            "submit": "Issue the pack",
        },
        status=400,
    )


@login_required
@csp_update({"style-src": [PACK_STYLE_HASH]})  # type: ignore[arg-type]  # typed for one-argument views
def pack_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """An issued pack exactly as it was issued."""
    pack = get_object_or_404(BoardPack, pk=pk)
    _programme(request, pack.programme_id)
    if fmt not in {"html", "pdf"}:
        raise Http404
    audit_record(
        user=request.user, action="programmes.pack.download", obj=pack, detail={"format": fmt}
    )
    name = f"board-pack-{pack.quarter_starts_on:%Y-%m}"
    if fmt == "pdf":
        response = HttpResponse(bytes(pack.pdf), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    return HttpResponse(pack.html)


# ---------------------------------------------------------------- exports and the picture


def _deliverables(p: Programme, exact: bool) -> tuple[list[str], list[list[Any]]]:
    rows = [
        [
            r.deliverable.title,
            str(r.deliverable.project or ""),
            str(r.deliverable.area or ""),
            r.deliverable.owner,
            r.deliverable.due_on,
            r.update.get_status_display() if r.update else "",
            r.update.get_rag_display() if r.update else "",
            r.update.reason if r.update else "",
            r.update.as_at if r.update else "",
        ]
        for r in pack_build(p, Quarter.containing(timezone.localdate()), charts=False).deliverables
    ]
    return [
        "Deliverable",
        "Project",
        "County",
        "Owner",
        "Due",
        "Status",
        "RAG",
        "Reason",
        "As at",
    ], rows


def _targets(p: Programme, exact: bool) -> tuple[list[str], list[list[Any]]]:
    rows = [
        [
            r.target.name,
            str(r.target.project or ""),
            r.target.unit,
            r.target.baseline,
            r.target.target,
            r.target.starts_on,
            r.target.ends_on,
            r.this_quarter,
            r.to_date,
            r.source,
        ]
        for r in _live_rows(p, exact)
    ]
    return [
        "Target",
        "Project",
        "Unit",
        "Baseline",
        "Target",
        "From",
        "To",
        "This quarter",
        "To date",
        "Source",
    ], rows


def _spend(p: Programme, exact: bool) -> tuple[list[str], list[list[Any]]]:
    rows = [
        [
            s.budget_line.name,
            s.budget_line.year_starts_on,
            Quarter(s.quarter_starts_on).short,
            s.amount,
            s.source,
            str(s.entered_by),
        ]
        for line in p.budget.prefetch_related("spend__entered_by")
        for s in line.spend.all()
    ]
    return ["Budget line", "Financial year from", "Quarter", "Amount", "Source", "Entered by"], rows


def _risks(p: Programme, exact: bool) -> tuple[list[str], list[list[Any]]]:
    rows = [
        [
            r.get_kind_display(),
            r.description,
            r.owner,
            r.get_rag_display(),
            r.mitigation,
            r.raised_on,
            r.closed_on,
        ]
        for r in p.risks.all()
    ]
    return ["Kind", "Description", "Owner", "RAG", "Mitigation", "Raised", "Closed"], rows


def _actions(p: Programme, exact: bool) -> tuple[list[str], list[list[Any]]]:
    rows = [
        [
            str(i.meeting.body),
            i.meeting.held_on,
            i.get_kind_display(),
            i.text,
            i.owner,
            i.due_on,
            i.done_on,
        ]
        for i in MeetingItem.objects.filter(meeting__body__programme=p).select_related(
            "meeting__body"
        )
    ]
    return ["Board or group", "Meeting", "Kind", "Text", "Owner", "Due", "Done"], rows


def _responses(p: Programme, exact: bool) -> tuple[list[str], list[list[Any]]]:
    rows = [
        [
            r.get_kind_display(),
            str(r.area),
            r.received_on,
            r.respondent_role,
            r.summary,
            "; ".join(str(t) for t in r.themes.all()),
        ]
        for r in p.responses.select_related("area").prefetch_related("themes")
    ]
    return ["Kind", "County", "Received", "Respondent's role", "Summary", "Themes"], rows


def _policies(p: Programme, exact: bool) -> tuple[list[str], list[list[Any]]]:
    rows = [
        [
            r.policy_area,
            r.document,
            r.owner,
            r.finding,
            r.recommendation,
            r.get_status_display(),
            r.updated_on,
        ]
        for r in p.policies.all()
    ]
    return [
        "Policy area",
        "Document",
        "Owner",
        "Finding",
        "Recommendation",
        "Status",
        "Updated",
    ], rows


EXPORTS: dict[str, Callable[[Programme, bool], tuple[list[str], list[list[Any]]]]] = {
    "deliverables": _deliverables,
    "targets": _targets,
    "spend": _spend,
    "risks": _risks,
    "meetings": _actions,
    "responses": _responses,
    "policy": _policies,
}


@login_required
def programme_export(request: HttpRequest, pk: int, table: str, fmt: str) -> HttpResponse:
    programme = _programme(request, pk)
    if table not in EXPORTS or fmt not in {"csv", "xlsx"}:
        raise Http404
    header, rows = EXPORTS[table](programme, access.exact_child_counts(request.user))
    audit_record(
        user=request.user,
        action="programmes.export",
        obj=programme,
        detail={"table": table, "format": fmt},
    )
    return table_response(filename=f"{table}", header=header, rows=rows, fmt=fmt)


@require_capability("programmes.picture")
def picture(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    latest = Quarter.containing(today)
    problem = ""
    asked = request.GET.get("quarter")
    quarter = latest
    if asked:
        try:
            quarter = Quarter.parse(asked)
        except ValueError:
            problem = "Choose a quarter from the list."
        else:
            if quarter > latest:
                quarter, problem = (
                    latest,
                    "That quarter has not started yet: choose one from the list.",
                )
    found = selectors.partnership_picture(request.user, quarter)
    choices = list(
        reversed(quarters_between(latest.starts_on.replace(year=latest.starts_on.year - 3), today))
    )
    audit_record(
        user=request.user,
        action="programmes.picture.view",
        detail={"quarter": quarter.short, "exact": found.exact},
    )
    return render(
        request,
        "programmes/picture.html",
        {"picture": found, "quarters": choices, "problem": problem},
        status=400 if problem else 200,
    )


# ---------------------------------------------------------------- stakeholder mapping, policy review


@login_required
def stakeholders(request: HttpRequest, pk: int) -> HttpResponse:
    """Responses coded to themes, counted per county (seed 003's stakeholder mapping)."""
    programme = _programme(request, pk)
    responses = list(programme.responses.select_related("area").prefetch_related("themes"))
    themes = list(Code.objects.filter(code_list__key=STAKEHOLDER_THEMES).order_by("order"))
    counties = sorted({r.area for r in responses}, key=lambda a: a.name)
    tally = [
        (
            theme,
            [
                sum(1 for r in responses if r.area_id == c.pk and theme in r.themes.all())
                for c in counties
            ],
        )
        for theme in themes
    ]
    audit_record(user=request.user, action="programmes.stakeholders.view", obj=programme)
    return render(
        request,
        "programmes/stakeholders.html",
        {
            "programme": programme,
            "responses": responses,
            "counties": counties,
            "tally": tally,
            "may_edit": access.may_edit(request.user, programme),
        },
    )


@login_required
def policy(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    audit_record(user=request.user, action="programmes.policy.view", obj=programme)
    return render(
        request,
        "programmes/policy.html",
        {
            "programme": programme,
            "reviews": programme.policies.all(),
            "may_edit": access.may_edit(request.user, programme),
        },
    )


response_new = team_form_view(
    pf.ResponseForm,
    services.response_record,
    title="Record a stakeholder response",
    then="programmes:stakeholders",
)
policy_new = team_form_view(
    pf.PolicyForm, services.policy_record, title="Record a policy review", then="programmes:policy"
)
