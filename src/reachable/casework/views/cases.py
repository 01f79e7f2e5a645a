"""Pages for the caseload and the case: its parts, actions, transfer and closure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone

from reachable.accounts.decorators import require_capability
from reachable.accounts.permissions import can, team_ids_for
from reachable.audit.services import audit_list
from reachable.casework import selectors, services
from reachable.casework.forms import (
    ActionForm,
    AllocateForm,
    ClosureDecisionForm,
    ClosureRequestForm,
    InterventionForm,
    InterventionUpdateForm,
    MissingForm,
    NrmForm,
    ReasonForm,
    RiskForm,
    SafetyPlanForm,
    ScreeningForm,
    TransferForm,
)
from reachable.casework.models import (
    Action,
    Intervention,
    MissingEpisode,
    NrmReferral,
    PanelItem,
)
from reachable.casework.views._common import (
    _audited_page,
    _case_form,
    _querystring,
)
from reachable.children.selectors import (
    children_visible,
)
from reachable.lib.exports import table_response
from reachable.lib.sorting import Column, sorted_by
from reachable.lib.views import posted

# ---------------------------------------------------------------- caseload and the case


# The caseload's columns, each sortable; by review date (soonest first) unless asked.
CASELOAD = [
    Column("child", "Child", ("child__family_name", "child__given_name")),
    Column("team", "Team", ("team__name",)),
    Column("worker", "Worker", ("worker__last_name", "worker__first_name")),
    Column("risk", "Risk (judgement)", ("risk_level__order",)),
    Column("contact", "Last contact", ("last_contact_at",)),
    Column("review", "Review due", ("review_due_on",)),
]
NO_CONTACT_DAYS = 14  # flagged in the list, as the work queues flag it


@require_capability("casework.view")
def caseload(request: HttpRequest) -> HttpResponse:
    def number(name: str) -> int | None:
        value = request.GET.get(name, "")
        return int(value) if value.isdigit() and int(value) < 10_000 else None

    f = selectors.CaseloadFilter(
        worker_id=request.user.pk if request.GET.get("mine") else None,
        no_contact_days=number("no_contact"),
        review_due_within=number("review_within"),
    )
    cases, headers = sorted_by(request, selectors.caseload(request.user, f=f), CASELOAD, "review")
    if request.GET.get("format") in {"csv", "xlsx"}:
        audit_list(
            user=request.user,
            what="caseload",
            child_ids=cases.values_list("child_id", flat=True),
            export=request.GET["format"],
        )
        return table_response(
            filename="caseload",
            header=["Case", "Child", "Worker", "Risk", "Last contact", "Review due"],
            rows=[
                [
                    c.pk,
                    c.child.full_name,
                    c.worker.display_name if c.worker else "",
                    c.risk_level.label if c.risk_level else "",
                    timezone.localtime(c.last_contact_at).strftime("%Y-%m-%d")
                    if c.last_contact_at
                    else "",
                    c.review_due_on.isoformat() if c.review_due_on else "",
                ]
                for c in cases.iterator()
            ],
            fmt=request.GET["format"],
        )
    return render(
        request,
        "casework/caseload.html",
        {
            "cases": _audited_page(request, "caseload", cases),
            "headers": headers,
            "no_contact_since": timezone.now() - dt.timedelta(days=NO_CONTACT_DAYS),
            "today": timezone.localdate(),
            "filters": request.GET,
            "query": _querystring(request, drop={"page", "format"}),
            "query_page": _querystring(request, drop={"page", "format"}, trailing="&"),
            "overdue": selectors.overdue_actions(request.user)[:20]
            if can(request.user, "casework.manage")
            else [],
            # Actions on the cases this page lists; "Your actions" has the rest, names hidden.
            "my_actions": selectors.actions_for_owner(request.user).filter(
                case__in=selectors.cases_visible(request.user)
            )[:20],
        },
    )


@require_capability("casework.view")
def case(request: HttpRequest, pk: int) -> HttpResponse:
    c = selectors.case_get_for_user(request.user, pk)
    context = {
        "c": c,
        "events": c.events.select_related("by", "from_team").order_by("at"),
        "risks": c.risk_judgements.select_related("level", "by").order_by("-judged_at"),
        "screenings": c.screenings.select_related("by")
        .prefetch_related("indicators")
        .order_by("-screened_at"),
        "plan": c.safety_plans.order_by("-written_at").first(),
        "interventions": c.interventions.select_related("kind", "provider").order_by("-started_on"),
        "nrms": c.nrm_referrals.select_related("first_responder").order_by("-referred_on"),
        "missing": [
            (m, services.interview_within_72_hours(m))
            for m in c.missing_episodes.order_by("-missing_from")
        ],
        "actions": c.actions.select_related("owner", "owner_agency").order_by("done_at", "due_on"),
        "referrals": c.referrals.select_related("referring_agency").order_by("-received_at"),
        "today": timezone.localdate(),
        "manager": c.team_id in team_ids_for(request.user, "casework.manage"),
    }
    return render(request, "casework/case.html", context)


@require_capability("casework.view")
def safety_plan_print(request: HttpRequest, pk: int) -> HttpResponse:
    c = selectors.case_get_for_user(request.user, pk)
    plans = c.safety_plans.select_related("by").order_by("-written_at")
    return render(
        request, "casework/safety_plan.html", {"c": c, "plan": plans.first(), "older": plans[1:]}
    )


@require_capability("casework.manage")
def case_allocate(request: HttpRequest, pk: int) -> HttpResponse:
    c = selectors.case_get_for_user(request.user, pk)
    form = AllocateForm(
        posted(request), workers=selectors.case_worker_choices(c), initial={"worker": c.worker}
    )
    return _case_form(
        request,
        c,
        form,
        lambda d: services.case_allocate(user=request.user, case=c, **d),
        "Allocate the case",
    )


def _case_action(
    service: Callable[..., Any],
    form_class: Any,
    title: str,
    capability: str = "casework.work",
    **initial: Any,
) -> Any:
    """A page that records one thing on a case through one service (screening, risk, plan...)."""

    @require_capability(capability)
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        c = selectors.case_get_for_user(request.user, pk)
        start = {k: (v() if callable(v) else v) for k, v in initial.items()}
        form = form_class(posted(request), initial=start)
        return _case_form(
            request, c, form, lambda d: service(user=request.user, case=c, **d), title
        )

    return view


screening_new = _case_action(
    services.screening_record, ScreeningForm, "Record a screening", screened_at=timezone.now
)
risk_new = _case_action(services.risk_judge, RiskForm, "Record your judgement of risk")
plan_new = _case_action(services.safety_plan_write, SafetyPlanForm, "Write the safety plan")
intervention_new = _case_action(
    services.intervention_add,
    InterventionForm,
    "Add an intervention",
    started_on=timezone.localdate,
)
nrm_new = _case_action(
    services.nrm_record,
    NrmForm,
    "Record an NRM referral",
    reasonable_grounds="pending",
    conclusive_grounds="pending",
)
missing_new = _case_action(services.missing_record, MissingForm, "Record a missing episode")
closure_request = _case_action(
    services.case_closure_request, ClosureRequestForm, "Put the case forward for closure"
)


@require_capability("casework.work")
def action_new(request: HttpRequest, pk: int) -> HttpResponse:
    c = selectors.case_get_for_user(request.user, pk)
    owners = selectors.action_owner_choices(c)
    panel_items = (
        PanelItem.objects.filter(case=c).select_related("panel__team").order_by("-panel__held_on")
    )
    form = ActionForm(
        posted(request),
        owners=owners,
        panel_items=panel_items,
        initial={"owner": request.user, "panel_item": panel_items.first()},
    )
    return _case_form(
        request,
        c,
        form,
        lambda d: services.action_add(user=request.user, case=c, **d),
        "Agree an action",
    )


@require_capability("casework.own_actions")
def my_actions(request: HttpRequest) -> HttpResponse:
    """The actions the user owns, whatever their agency; the child is named only to those who may
    read the record."""
    actions = list(selectors.actions_for_owner(request.user)[:200])
    readable = set(
        children_visible(request.user)
        .filter(pk__in={a.case.child_id for a in actions})
        .values_list("pk", flat=True)
    )
    audit_list(user=request.user, what="my actions", child_ids=readable)
    return render(request, "casework/my_actions.html", {"actions": actions, "readable": readable})


@require_capability("casework.own_actions")
def my_action_done(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    action = selectors.action_owned_get(request.user, pk)
    try:
        services.action_done(user=request.user, action=action)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Action marked as done.")
    return redirect("casework:my_actions")


@require_capability("casework.view")
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    action = selectors.case_parts_get_for_user(request.user, Action, pk)
    if request.method == "POST":
        services.action_done(user=request.user, action=action)
        messages.success(request, "Action marked as done.")
    return redirect("casework:case", pk=action.case_id)


def _part_update(
    model: Any, form_class: Any, title: Callable[[Any], str], save: Callable[..., Any]
) -> Any:
    """A page that updates one record of a case (an intervention, NRM referral, missing episode):
    the form starts from the record's current values, and one service saves it."""

    @require_capability("casework.work")
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        part = selectors.case_parts_get_for_user(request.user, model, pk)
        start = {f: getattr(part, f) for f in form_class.base_fields}
        form = form_class(posted(request), initial=start)
        return _case_form(
            request, part.case, form, lambda d: save(request.user, part, d), title(part)
        )

    return view


intervention_update = _part_update(
    Intervention,
    InterventionUpdateForm,
    lambda i: f"Update: {i.kind.label}",
    lambda user, i, d: services.intervention_update(user=user, intervention=i, **d),
)
nrm_update = _part_update(
    NrmReferral,
    NrmForm,
    lambda _n: "Update the NRM referral",
    lambda user, n, d: services.nrm_record(user=user, case=n.case, nrm=n, **d),
)
missing_update = _part_update(
    MissingEpisode,
    MissingForm,
    lambda _m: "Update the missing episode",
    lambda user, m, d: services.missing_record(user=user, case=m.case, episode=m, **d),
)


@require_capability("casework.manage")
def transfer(request: HttpRequest, pk: int) -> HttpResponse:
    c = selectors.case_get_for_user(request.user, pk)
    teams = [t for t in services.referral_teams() if t.pk != c.team_id]
    form = TransferForm(posted(request), teams=teams)
    return _case_form(
        request,
        c,
        form,
        lambda d: services.case_transfer(user=request.user, case=c, **d),
        "Transfer the case to another team",
    )


closure_decide = _case_action(
    services.case_closure_decide, ClosureDecisionForm, "Decide on closure", "casework.manage"
)
reopen = _case_action(services.case_reopen, ReasonForm, "Reopen the case", "casework.manage")
