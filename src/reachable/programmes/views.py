"""Pages of the programme board. Reads ask ``access.read_check`` (board members, analysts, project
leads); every change goes through one service, which asks ``access.write_check``."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from reachable.accounts.decorators import require_capability
from reachable.accounts.permissions import can
from reachable.audit.services import audit_record
from reachable.lib.charts import line_chart
from reachable.lib.tabular import chunks_save
from reachable.lib.views import form_page, form_saved, posted
from reachable.programmes import access, importer, selectors, services
from reachable.programmes import forms as pf
from reachable.programmes.models import Deliverable, Programme, Target
from reachable.programmes.pack import MeasureCache, TargetRow, pack_build, target_row
from reachable.programmes.periods import Quarter, quarters_between


def _programme(request: HttpRequest, pk: int) -> Programme:
    """The programme, if the user may read it: 403 for someone with no place on any programme,
    404 for one the user is not on (its existence is not disclosed)."""
    if not access.may_see_any(request.user):
        raise PermissionDenied("The programme board is for board members and project leads.")
    return selectors.programme_get(request.user, pk)


def _edit_page(
    request: HttpRequest,
    programme: Programme,
    form: Any,
    save: Callable[[dict[str, Any]], Any],
    *,
    title: str,
    allowed: bool,
    then: str = "programmes:programme",
) -> HttpResponse:
    if not allowed:
        raise PermissionDenied("Only the programme team (or the project's lead) can change this.")
    back = reverse("programmes:programme", args=[programme.pk])
    return form_page(
        request,
        form,
        save,
        title=title,
        caption=programme.name,
        back=back,
        then=then,
        pk=programme.pk,
    )


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    if not access.may_see_any(request.user):
        raise PermissionDenied("The programme board is for board members and project leads.")
    audit_record(user=request.user, action="programmes.list.view")
    return render(
        request,
        "programmes/programme_list.html",
        {
            "programmes": access.programmes_visible(request.user),
            "may_create": access.may_create_programme(request.user),
            "may_see_picture": access.may_see_picture(request.user),
        },
    )


@require_capability("programmes.edit")
def programme_new(request: HttpRequest) -> HttpResponse:
    form = pf.ProgrammeForm(posted(request))
    return form_page(
        request,
        form,
        lambda d: services.programme_create(user=request.user, **d),
        title="Set up a programme",
        then="programmes:list",
        back=reverse("programmes:list"),
    )


def _live_rows(programme: Programme, exact: bool) -> list[TargetRow]:
    today = timezone.localdate()
    return pack_build(programme, Quarter.containing(today), exact=exact, charts=False).targets


@login_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    today = timezone.localdate()
    content = pack_build(
        programme,
        Quarter.containing(today),
        exact=access.exact_child_counts(request.user),
        charts=False,
    )
    audit_record(user=request.user, action="programmes.view", obj=programme)
    ended = [q for q in _quarters(programme) if q.ends_on < today]
    issued = {p.quarter_starts_on for p in programme.packs.all()}
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "content": content,
            "may_edit": access.may_edit(request.user, programme),
            "projects_editable": set(
                access.projects_editable(request.user, programme).values_list("pk", flat=True)
            ),
            "may_add_project_work": access.projects_editable(request.user, programme).exists(),
            "packs": programme.packs.select_related("issued_by"),
            "pack_form": pf.PackForm(
                quarters=[(q.key(), q.label) for q in ended if q.starts_on not in issued]
            ),
            "preview_quarters": [
                (q.key(), q.short) for q in reversed(_quarters(programme)) if q.starts_on <= today
            ],
            "bodies": programme.bodies.prefetch_related("meetings__items"),
        },
    )


def _quarters(programme: Programme) -> list[Quarter]:
    return quarters_between(programme.starts_on, programme.ends_on)


def team_form_view(
    form_class: Any,
    service: Callable[..., Any],
    *,
    title: str,
    then: str = "programmes:programme",
    form_takes_programme: bool = False,
    service_takes_programme: bool = True,
) -> Callable[[HttpRequest, int], HttpResponse]:
    """A page with one form that only the programme team may submit, saved by one service."""

    @login_required
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        programme = _programme(request, pk)
        extra = {"programme": programme} if form_takes_programme else {}
        form = form_class(posted(request), **extra)
        given = {"programme": programme} if service_takes_programme else {}
        return _edit_page(
            request,
            programme,
            form,
            lambda d: service(user=request.user, **given, **d),
            title=title,
            allowed=access.may_edit(request.user, programme),
            then=then,
        )

    return view


def project_form_view(
    form_class: Any, service: Callable[..., Any], *, title: str
) -> Callable[[HttpRequest, int], HttpResponse]:
    """A page with one form for project-level work: the programme team, or a project's lead
    (who may choose only their own projects on it)."""

    @login_required
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        programme = _programme(request, pk)
        projects = access.projects_editable(request.user, programme)
        form = form_class(posted(request), programme=programme, projects=projects)
        return _edit_page(
            request,
            programme,
            form,
            lambda d: service(user=request.user, programme=programme, **d),
            title=title,
            allowed=projects.exists() or access.may_edit(request.user, programme),
        )

    return view


objective_new = team_form_view(pf.ObjectiveForm, services.objective_add, title="Add an objective")
project_new = team_form_view(pf.ProjectForm, services.project_add, title="Add a project")
risk_new = team_form_view(pf.RiskForm, services.risk_add, title="Record a risk or issue")
body_new = team_form_view(pf.BodyForm, services.body_add, title="Add a board or group")
budget_new = team_form_view(
    pf.BudgetForm, services.budget_line_add, title="Add a budget line", form_takes_programme=True
)
meeting_new = team_form_view(
    pf.MeetingForm,
    services.meeting_record,
    title="Record a meeting",
    form_takes_programme=True,
    service_takes_programme=False,
)


deliverable_new = project_form_view(
    pf.DeliverableForm, services.deliverable_add, title="Add a deliverable"
)


@login_required
def deliverable_detail(request: HttpRequest, pk: int) -> HttpResponse:
    deliverable = get_object_or_404(
        Deliverable.objects.select_related("programme", "project"), pk=pk
    )
    programme = _programme(request, deliverable.programme_id)
    may_update = access.may_edit_project(request.user, programme, deliverable.project)
    form = pf.RagForm(posted(request)) if may_update else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("Only the programme team or the project's lead can update it.")
        done = form_saved(
            form, lambda d: services.rag_record(user=request.user, deliverable=deliverable, **d)
        )
        if done:
            return redirect("programmes:deliverable", pk=deliverable.pk)
    audit_record(user=request.user, action="programmes.deliverable.view", obj=deliverable)
    return render(
        request,
        "programmes/deliverable_detail.html",
        {
            "deliverable": deliverable,
            "programme": programme,
            "updates": deliverable.updates.select_related("recorded_by"),
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )


target_new = project_form_view(pf.TargetForm, services.target_add, title="Set a target")


@login_required
def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(Target.objects.select_related("programme", "project"), pk=pk)
    programme = _programme(request, target.programme_id)
    may_enter = not target.measure and access.may_edit_project(
        request.user, programme, target.project
    )
    form = pf.ActualForm(posted(request)) if may_enter else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(
                "Only the programme team or the project's lead can enter actuals, and a live target takes none."
            )
        if form_saved(
            form, lambda d: services.actual_record(user=request.user, target=target, **d)
        ):
            return redirect("programmes:target", pk=target.pk)
    today = timezone.localdate()
    quarters = [q for q in quarters_between(target.starts_on, min(target.ends_on, today))]
    exact = access.exact_child_counts(request.user)
    cache: MeasureCache = {}
    rows = [(q, target_row(target, q, cache, exact=exact).this_quarter) for q in quarters]
    chart = (
        line_chart(
            target.name,
            [q.short for q in quarters],
            # A suppressed figure is a gap in the line; the table says [c].
            {"In the quarter": [float(v) if isinstance(v, Decimal) else None for _, v in rows]},
            y_label=target.unit,
        )
        if quarters
        else None
    )
    row = target_row(target, Quarter.containing(today), cache, exact=exact)
    audit_record(user=request.user, action="programmes.target.view", obj=target)
    return render(
        request,
        "programmes/target_detail.html",
        {
            "target": target,
            "programme": programme,
            "row": row,
            "source_allowed": bool(
                row and row.source_capability and can(request.user, row.source_capability)
            ),
            "chart": chart,
            "actuals": target.actuals.select_related("entered_by"),
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def spend_new(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    quarters = [
        (q.key(), q.label) for q in _quarters(programme) if q.starts_on <= timezone.localdate()
    ]
    form = pf.SpendForm(posted(request), programme=programme, quarters=quarters)

    def save(d: dict[str, Any]) -> Any:
        return services.spend_record(
            user=request.user,
            budget_line=d["budget_line"],
            quarter=Quarter.parse(d["quarter"]),
            amount=d["amount"],
            source=d["source"],
        )

    return _edit_page(
        request,
        programme,
        form,
        save,
        title="Record spend",
        allowed=access.may_edit(request.user, programme),
    )


@login_required
def spend_import(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    if not access.may_edit(request.user, programme):
        raise PermissionDenied("Only the programme team can import spend.")
    form = pf.ImportForm(posted(request), request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with tempfile.TemporaryDirectory() as work:
            try:
                path = chunks_save(upload.chunks(), Path(work), upload.name)
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                result = importer.spend_import(
                    user=request.user, programme=programme, path=path, filename=upload.name
                )
    refused = bool(form.errors or (result and result.errors))
    return render(
        request,
        "programmes/spend_import.html",
        {"programme": programme, "form": form, "result": result, "columns": importer.SPEND_COLUMNS},
        status=400 if refused else 200,
    )


@login_required
def spend_template(request: HttpRequest, pk: int) -> HttpResponse:
    _programme(request, pk)
    response = HttpResponse(importer.spend_template(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="spend-template.csv"'
    return response
