"""Casework pages: thin views over casework.services and casework.selectors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone

from reachable.accounts.decorators import require_capability
from reachable.accounts.models import User
from reachable.accounts.permissions import can, team_ids_for
from reachable.audit.services import audit_list
from reachable.casework import selectors, services
from reachable.casework.access import case_in_window
from reachable.casework.forms import (
    ActionForm,
    AllocateForm,
    ChronologyEntryForm,
    ChronologyFilterForm,
    ClosureDecisionForm,
    ClosureRequestForm,
    InterventionForm,
    InterventionUpdateForm,
    MissingForm,
    NrmForm,
    PanelDecisionForm,
    PanelForm,
    PanelItemForm,
    PeerLinkForm,
    PlaceLinkForm,
    ReasonForm,
    ReferralForm,
    RiskForm,
    SafetyPlanForm,
    ScreeningForm,
    TransferForm,
)
from reachable.casework.models import (
    Action,
    Case,
    Intervention,
    MissingEpisode,
    NrmReferral,
    PanelItem,
    Referral,
)
from reachable.children.access import may_write
from reachable.children.models import Child
from reachable.children.selectors import (
    child_get_for_user,
    child_get_for_writing,
    children_visible,
)
from reachable.core.models import Team
from reachable.lib.exports import table_response
from reachable.lib.views import posted, save_form

PAGE_SIZE = 50


def _form_page(
    request: HttpRequest,
    form: forms.Form,
    save: Callable[[dict[str, Any]], Any],
    *,
    title: str,
    caption: str,
    back: str,
    then: str,
    **url_kwargs: Any,
) -> HttpResponse:
    done = save_form(request, form, save, success=f"{title}: saved.", then=then, **url_kwargs)
    context = {"form": form, "title": title, "caption": caption, "back": back}
    return done or render(request, "form_page.html", context)


def _case_form(
    request: HttpRequest,
    case: Case,
    form: forms.Form,
    save: Callable[[dict[str, Any]], Any],
    title: str,
) -> HttpResponse:
    from django.urls import reverse

    return _form_page(
        request,
        form,
        save,
        title=title,
        caption=case.child.full_name,
        back=reverse("casework:case", args=[case.pk]),
        then="casework:case",
        pk=case.pk,
    )


def _querystring(request: HttpRequest, *, drop: set[str], trailing: str = "") -> str:
    """The page's query string without the named parameters (to add page or format links)."""
    kept = request.GET.copy()
    for name in drop:
        kept.pop(name, None)
    text = kept.urlencode()
    return f"{text}{trailing}" if text else ""


def _page(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _audited_page(request: HttpRequest, what: str, rows: Any) -> Any:
    """A page of rows about children (each with ``child_id``), its children audited."""
    page = _page(request, rows)
    audit_list(user=request.user, what=what, child_ids=[r.child_id for r in page])
    return page


# ---------------------------------------------------------------- referrals


@require_capability("casework.refer")
def referral_new(request: HttpRequest, pk: int) -> HttpResponse:
    child = child_get_for_user(request.user, pk)
    teams = services.referral_teams()
    form = ReferralForm(
        posted(request),
        teams=teams,
        initial={"to_team": services.referral_team_for(child)},
    )
    return _form_page(
        request,
        form,
        lambda data: services.referral_make(user=request.user, child=child, **data),
        title="Refer to an exploitation team",
        caption=child.full_name,
        back=child_url(child),
        then="casework:my_referrals",
    )


@require_capability("casework.refer")
def referral_new_child(request: HttpRequest) -> HttpResponse:
    """A referral about a child the referrer cannot find (not known to them, or to anyone yet)."""
    from django.urls import reverse

    from reachable.casework.forms import NewChildReferralForm

    form = NewChildReferralForm(posted(request), teams=services.referral_teams())
    return _form_page(
        request,
        form,
        lambda data: services.referral_of_new_child(user=request.user, **data),
        title="Refer a child",
        caption="For a child whose record you cannot find",
        back=reverse("casework:my_referrals"),
        then="casework:my_referrals",
    )


def child_url(child: Child) -> str:
    from django.urls import reverse

    return reverse("children:profile", args=[child.pk])


@require_capability("custody.record")
def referral_from_detention(request: HttpRequest, pk: int) -> HttpResponse:
    """The custody hand-over: the referral form with what custody knows already written in."""
    from django.urls import reverse

    from reachable.custody.selectors import detention_get_for_user

    detention = detention_get_for_user(request.user, pk)
    form = ReferralForm(
        posted(request),
        teams=services.referral_teams(),
        initial={
            "to_team": services.referral_team_for(detention.child, detention.suite.area),
            "concerns": services.custody_handover_text(detention),
            "urgency": Referral.Urgency.URGENT,
        },
    )
    return _form_page(
        request,
        form,
        lambda data: services.referral_make(
            user=request.user,
            child=detention.child,
            source=Referral.Source.CUSTODY,
            detention=detention,
            **data,
        ),
        title="Hand over to exploitation casework",
        caption=f"{detention.child.full_name}, {detention.suite.name}",
        back=reverse("custody:detention", args=[detention.pk]),
        then="custody:detention",
        pk=detention.pk,
    )


@require_capability("casework.refer")
def my_referrals(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "casework/my_referrals.html",
        {
            "referrals": _audited_page(
                request, "my referrals", selectors.referrals_made_by(request.user)
            )
        },
    )


@require_capability("casework.view")
def triage_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "casework/triage_list.html",
        {
            "referrals": _audited_page(
                request, "triage", selectors.referrals_to_triage(request.user)
            )
        },
    )


@require_capability("casework.refer")
def referral(request: HttpRequest, pk: int) -> HttpResponse:
    from reachable.casework.forms import TriageForm

    r = selectors.referral_get_for_user(request.user, pk)
    may_triage = r.decision == Referral.Decision.PENDING and r.to_team_id in team_ids_for(
        request.user, "casework.work"
    )
    form = TriageForm(posted(request)) if may_triage else None
    if form is not None:
        done = save_form(
            request,
            form,
            lambda data: services.referral_triage(user=request.user, referral=r, **data),
            success="Triage decision saved.",
            then="casework:referral",
            pk=r.pk,
        )
        if done:
            return done
    may_open_case = r.case_id and r.to_team_id in team_ids_for(request.user, "casework.view")
    return render(
        request, "casework/referral.html", {"r": r, "form": form, "may_open_case": may_open_case}
    )


# ---------------------------------------------------------------- caseload and the case


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
    cases = selectors.caseload(request.user, f=f)
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


def _team_people(case: Case) -> Any:
    return (
        User.objects.filter(memberships__team_id=case.team_id, memberships__active=True)
        .distinct()
        .order_by("last_name", "first_name")
    )


@require_capability("casework.manage")
def case_allocate(request: HttpRequest, pk: int) -> HttpResponse:
    c = selectors.case_get_for_user(request.user, pk)
    form = AllocateForm(posted(request), workers=_team_people(c), initial={"worker": c.worker})
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


# ---------------------------------------------------------------- chronology and context


@require_capability("chronology.view")
def chronology(request: HttpRequest, pk: int) -> HttpResponse:
    child = child_get_for_user(request.user, pk, action="chronology.view")
    filters = ChronologyFilterForm(
        request.GET or None, kinds=selectors.chronology_kinds(request.user, child)
    )
    kinds, text = [], ""
    if filters.is_valid():
        kinds, text = filters.cleaned_data["kind"], filters.cleaned_data["text"]
    entries = selectors.chronology(request.user, child, kinds=kinds, text=text)
    return render(
        request,
        "casework/chronology.html",
        {
            "child": child,
            "entries": _page(request, entries),
            "filters": filters,
            "query": _querystring(request, drop={"page"}, trailing="&"),
        },
    )


@require_capability("chronology.add")
def chronology_add(request: HttpRequest, pk: int) -> HttpResponse:
    child = child_get_for_user(request.user, pk)
    form = ChronologyEntryForm(
        posted(request), initial={"occurred_at": timezone.now(), "visibility": "involved"}
    )
    from django.urls import reverse

    return _form_page(
        request,
        form,
        lambda d: services.chronology_add(user=request.user, child=child, **d),
        title="Add to the chronology",
        caption=child.full_name,
        back=reverse("casework:chronology", args=[child.pk]),
        then="casework:chronology",
        pk=child.pk,
    )


@require_capability("casework.view")
def peers(request: HttpRequest, pk: int) -> HttpResponse:
    child = child_get_for_user(request.user, pk, action="peers.view")
    # Peers and places are casework: for the teams working with the child, not for a reader
    # through a share or in an emergency.
    working = may_write(request.user, child.pk)
    return render(
        request,
        "casework/peers.html",
        {
            "child": child,
            "working": working,
            "group": selectors.peer_group(request.user, child) if working else None,
        },
    )


@require_capability("casework.work")
def peer_link_add(request: HttpRequest, pk: int) -> HttpResponse:
    from django.urls import reverse

    child = child_get_for_writing(request.user, pk, doing="link children")
    form = PeerLinkForm(posted(request))

    def save(data: dict[str, Any]) -> Any:
        from django.core.exceptions import ValidationError

        peer = children_visible(request.user).filter(pk=data["peer"]).first()
        if peer is None:
            raise ValidationError({"peer": ["No child with that number that you can see."]})
        return services.peer_link_add(
            user=request.user, child=child, peer=peer, nature=data["nature"]
        )

    return _form_page(
        request,
        form,
        save,
        title="Link another child",
        caption=child.full_name,
        back=reverse("casework:peers", args=[child.pk]),
        then="casework:peers",
        pk=child.pk,
    )


@require_capability("casework.work")
def place_link_add(request: HttpRequest, pk: int) -> HttpResponse:
    from django.urls import reverse

    child = child_get_for_writing(request.user, pk, doing="link places of concern")
    form = PlaceLinkForm(posted(request))
    return _form_page(
        request,
        form,
        lambda d: services.place_link_add(user=request.user, child=child, **d),
        title="Add a place of concern",
        caption=child.full_name,
        back=reverse("casework:peers", args=[child.pk]),
        then="casework:peers",
        pk=child.pk,
    )


# ---------------------------------------------------------------- MACE panel


@require_capability("casework.view")
def panels(request: HttpRequest) -> HttpResponse:
    rows = (
        selectors.panels_visible(request.user).select_related("team", "chair").order_by("-held_on")
    )
    return render(request, "casework/panels.html", {"panels": _page(request, rows)})


@require_capability("casework.manage")
def panel_new(request: HttpRequest) -> HttpResponse:
    from django.urls import reverse

    teams = Team.objects.filter(pk__in=team_ids_for(request.user, "casework.manage"))
    form = PanelForm(posted(request), teams=teams, initial={"held_on": timezone.localdate()})
    panel_box: dict[str, Any] = {}

    def save(data: dict[str, Any]) -> Any:
        panel_box["panel"] = services.panel_hold(user=request.user, **data)

    done = save_form(request, form, save, success="Panel set up.", then="casework:panels")
    if done and "panel" in panel_box:
        return redirect("casework:panel", pk=panel_box["panel"].pk)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": "Set up a MACE panel",
            "caption": "",
            "back": reverse("casework:panels"),
        },
    )


@require_capability("casework.view")
def panel(request: HttpRequest, pk: int) -> HttpResponse:
    p = selectors.panel_get_for_user(request.user, pk)
    # Items about cases closed longer ago than the window are counted, not shown.
    every_item = p.items.select_related("case__child", "case__risk_level").prefetch_related(
        "actions__owner"
    )
    items = every_item.filter(case_in_window("case__"))
    audit_list(user=request.user, what=f"panel {p.pk}", child_ids=[i.case.child_id for i in items])
    return render(
        request,
        "casework/panel.html",
        {
            "p": p,
            "items": items,
            "agencies": p.agencies_present.order_by("name"),
            "manager": p.team_id in team_ids_for(request.user, "casework.manage"),
            "items_closed": every_item.count() - len(items),
        },
    )


@require_capability("casework.manage")
def panel_item_new(request: HttpRequest, pk: int) -> HttpResponse:
    from django.urls import reverse

    p = selectors.panel_get_for_user(request.user, pk)
    cases = (
        Case.objects.filter(team=p.team).exclude(status=Case.Status.CLOSED).select_related("child")
    )
    form = PanelItemForm(posted(request), cases=cases)
    return _form_page(
        request,
        form,
        lambda d: services.panel_item_add(user=request.user, panel=p, **d),
        title="Add a case to the agenda",
        caption=str(p),
        back=reverse("casework:panel", args=[p.pk]),
        then="casework:panel",
        pk=p.pk,
    )


@require_capability("casework.manage")
def panel_decision(request: HttpRequest, pk: int) -> HttpResponse:
    from django.urls import reverse

    item: PanelItem = selectors.case_parts_get_for_user(request.user, PanelItem, pk)
    form = PanelDecisionForm(posted(request), initial={"decision": item.decision})
    return _form_page(
        request,
        form,
        lambda d: services.panel_decision_record(user=request.user, item=item, **d),
        title="Record the panel's decision",
        caption=item.case.child.full_name,
        back=reverse("casework:panel", args=[item.panel_id]),
        then="casework:panel",
        pk=item.panel_id,
    )


@require_capability("casework.figures")
def nrm_figures(request: HttpRequest) -> HttpResponse:
    return render(request, "casework/nrm_figures.html", {"f": selectors.nrm_figures()})
