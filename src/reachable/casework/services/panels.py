"""MACE panels, their agendas and decisions, and actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from reachable.accounts.permissions import team_ids_for
from reachable.audit.services import audit_record
from reachable.casework.access import case_write_check
from reachable.casework.chronology import chronicle
from reachable.casework.models import (
    Action,
    Case,
    Panel,
    PanelItem,
)
from reachable.casework.services._common import (
    _blank,
    _raise,
    _require,
    _start_of,
)
from reachable.core.models import Agency, Team
from reachable.sharing.access import processing_check

# ---------------------------------------------------------------- MACE panel


def panel_hold(
    *, user: Any, team: Team, held_on: dt.date, agencies: list[Agency], notes: str = ""
) -> Panel:
    _require(user, "casework.manage", "run MACE panels")
    if team.pk not in team_ids_for(user, "casework.manage"):
        raise ValidationError({"team": ["Choose your own team."]})
    errors: dict[str, list[str]] = {}
    if held_on > timezone.localdate() + dt.timedelta(days=365):
        errors["held_on"] = ["Plan panels within the next year."]
    _raise(errors)
    with transaction.atomic():
        panel = Panel.objects.create(team=team, held_on=held_on, chair=user, notes=notes.strip())
        panel.agencies_present.set(agencies)
        audit_record(user=user, action="panel.hold", obj=panel)
    return panel


def panel_item_add(
    *, user: Any, panel: Panel, case: Case, kind: str, decision: str = ""
) -> PanelItem:
    case_write_check(user, case, "casework.manage", "set panel agendas")
    errors: dict[str, list[str]] = {}
    if case.team_id != panel.team_id:
        errors["case"] = ["Choose a case held by the panel's team."]
    elif PanelItem.objects.filter(panel=panel, case=case).exists():
        errors["case"] = ["This case is already on the agenda."]
    if kind not in PanelItem.Kind.values:
        errors["kind"] = ["Choose why the case comes to panel."]
    _raise(errors)
    with transaction.atomic():
        item = PanelItem.objects.create(
            panel=panel, case=case, kind=kind, decision=decision.strip()
        )
        if decision.strip():
            chronicle(
                user=user,
                child_id=case.child_id,
                kind="panel",
                summary=f"MACE panel ({item.get_kind_display().lower()}): {item.decision}",
                occurred_at=_start_of(panel.held_on),
                case=case,
            )
        audit_record(user=user, action="panel.item", obj=item, child_id=case.child_id)
    return item


def panel_decision_record(*, user: Any, item: PanelItem, decision: str) -> PanelItem:
    case_write_check(user, item.case, "casework.manage", "record panel decisions")
    errors: dict[str, list[str]] = {}
    _blank(decision, "decision", "Write what the panel decided.", errors)
    _raise(errors)
    with transaction.atomic():
        item.decision = decision.strip()
        item.save(update_fields=["decision"])
        chronicle(
            user=user,
            child_id=item.case.child_id,
            kind="panel",
            summary=f"MACE panel ({item.get_kind_display().lower()}): {item.decision}",
            occurred_at=_start_of(item.panel.held_on),
            case=item.case,
        )
        audit_record(user=user, action="panel.decision", obj=item, child_id=item.case.child_id)
    return item


def action_add(
    *,
    user: Any,
    case: Case,
    description: str,
    owner: Any,
    due_on: dt.date,
    panel_item: PanelItem | None = None,
) -> Action:
    case_write_check(user, case, "casework.work", "agree actions")
    errors: dict[str, list[str]] = {}
    _blank(description, "description", "Say what will be done.", errors)
    if due_on < timezone.localdate():
        errors["due_on"] = ["The due date must be today or later."]
    if panel_item is not None and panel_item.case_id != case.pk:
        errors["panel_item"] = ["Choose a panel where this case was discussed."]
    memberships = owner.active_memberships
    if not memberships:
        errors["owner"] = ["Choose someone with a role in a partner agency."]
    _raise(errors)
    with transaction.atomic():
        action = Action.objects.create(
            case=case,
            panel_item=panel_item,
            description=description.strip(),
            owner=owner,
            owner_agency=memberships[0].agency,
            due_on=due_on,
            created_by=user,
        )
        audit_record(user=user, action="action.add", obj=action, child_id=case.child_id)
    return action


def action_done(*, user: Any, action: Action) -> Action:
    if action.owner_id != user.pk and action.case.team_id not in team_ids_for(
        user, "casework.work"
    ):
        raise ValidationError("Only the action's owner or the case team can mark it done.")
    processing_check(action.case.child_id)
    if action.done_at is None:
        with transaction.atomic():
            action.done_at = timezone.now()
            action.save(update_fields=["done_at"])
            audit_record(user=user, action="action.done", obj=action, child_id=action.case.child_id)
    return action
