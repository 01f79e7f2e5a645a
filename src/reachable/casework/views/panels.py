"""Pages for MACE panels."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from reachable.accounts.decorators import require_capability
from reachable.accounts.permissions import can, team_ids_for
from reachable.audit.services import audit_list
from reachable.casework import selectors, services
from reachable.casework.access import case_in_window
from reachable.casework.forms import (
    PanelDecisionForm,
    PanelForm,
    PanelItemForm,
)
from reachable.casework.models import (
    Case,
    PanelItem,
)
from reachable.casework.views._common import (
    _form_page,
    _page,
)
from reachable.core.models import Team
from reachable.lib.views import posted, save_form

# ---------------------------------------------------------------- MACE panel


@require_capability("casework.view")
def panels(request: HttpRequest) -> HttpResponse:
    rows = (
        selectors.panels_visible(request.user).select_related("team", "chair").order_by("-held_on")
    )
    return render(
        request,
        "casework/panels.html",
        # Only people who may set one up are offered the link (others would get a 403).
        {"panels": _page(request, rows), "may_hold": can(request.user, "casework.manage")},
    )


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
