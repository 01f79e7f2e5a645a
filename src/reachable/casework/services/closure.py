"""Transfer to another team, closure (safe exit) and reopening."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from reachable.audit.services import audit_record
from reachable.casework.access import case_write_check
from reachable.casework.chronology import chronicle
from reachable.casework.models import (
    Case,
    CaseEvent,
    ReferralRoute,
)
from reachable.casework.services._common import (
    _blank,
    _event,
    _raise,
)
from reachable.children.models import Involvement
from reachable.children.services import involvement_end, involvement_start
from reachable.core.models import Code, Team

# ---------------------------------------------------------------- transfer, closure, reopening


def case_transfer(*, user: Any, case: Case, to_team: Team, summary: str) -> Case:
    """Hand the case to another area's team when the child moves; the history goes with it."""
    case_write_check(user, case, "casework.manage", "transfer cases")
    errors: dict[str, list[str]] = {}
    _blank(summary, "summary", "Write a handover summary for the new team.", errors)
    if to_team.pk == case.team_id:
        errors["to_team"] = ["Choose another team."]
    elif not ReferralRoute.objects.filter(team=to_team).exists():
        errors["to_team"] = ["Choose an exploitation team."]
    elif (
        Case.objects.filter(child_id=case.child_id, team=to_team)
        .exclude(status=Case.Status.CLOSED)
        .exists()
    ):
        errors["to_team"] = [f"{to_team} already has an open case for this child."]
    if case.status == Case.Status.CLOSED:
        errors["__all__"] = ["A closed case cannot be transferred; reopen it first."]
    _raise(errors)
    from_team = case.team
    with transaction.atomic():
        case.team = to_team
        case.worker = None
        case.save(update_fields=["team", "worker"])
        _event(case, CaseEvent.Kind.TRANSFERRED, user, summary.strip(), from_team=from_team)
        involvement_start(
            child_id=case.child_id, team=to_team, reason=f"Case transferred from {from_team}"
        )
        involvement_end(child_id=case.child_id, team=from_team)
        chronicle(
            user=user,
            child_id=case.child_id,
            kind="transfer",
            summary=f"Case transferred from {from_team} to {to_team}. Handover: {summary.strip()}",
            case=case,
            agency=from_team.agency,
        )
        audit_record(
            user=user,
            action="case.transfer",
            obj=case,
            child_id=case.child_id,
            reason=summary,
            detail={"from": from_team.slug, "to": to_team.slug},
        )
    return case


def open_actions(case: Case) -> int:
    return case.actions.filter(done_at__isnull=True).count()


def case_closure_request(
    *,
    user: Any,
    case: Case,
    outcome: Code,
    summary: str,
    override_reason: str = "",
) -> Case:
    """Ask the manager to close the case (safe exit). Open actions need an explicit override."""
    case_write_check(user, case, "casework.work", "request closure")
    errors: dict[str, list[str]] = {}
    if case.status != Case.Status.OPEN:
        errors["__all__"] = ["Only an open case can be put forward for closure."]
    _blank(summary, "summary", "Write why the case can close and how the child is now.", errors)
    waiting = open_actions(case)
    if waiting and not override_reason.strip():
        errors["override_reason"] = [
            f"{waiting} action{'s are' if waiting != 1 else ' is'} still open. Finish "
            f"{'them' if waiting != 1 else 'it'}, or say why the case can close anyway."
        ]
    _raise(errors)
    with transaction.atomic():
        case.status = Case.Status.CLOSING
        case.closure_outcome = outcome
        case.closure_summary = summary.strip()
        case.closure_requested_by = user
        case.save(
            update_fields=["status", "closure_outcome", "closure_summary", "closure_requested_by"]
        )
        reason = summary.strip() + (f" Open actions: {override_reason.strip()}" if waiting else "")
        _event(case, CaseEvent.Kind.CLOSURE_REQUESTED, user, reason)
        audit_record(
            user=user,
            action="case.closure_request",
            obj=case,
            child_id=case.child_id,
            reason=reason,
            detail={"outcome": outcome.code, "open_actions": waiting},
        )
    return case


def case_closure_decide(*, user: Any, case: Case, approve: bool, reason: str) -> Case:
    case_write_check(user, case, "casework.manage", "approve closures")
    errors: dict[str, list[str]] = {}
    if case.status != Case.Status.CLOSING:
        errors["__all__"] = ["This case is not waiting for closure approval."]
    _blank(reason, "reason", "Give the reason for your decision.", errors)
    _raise(errors)
    now = timezone.now()
    with transaction.atomic():
        if approve:
            case.status = Case.Status.CLOSED
            case.closed_by = user
            case.closed_at = now
            _event(case, CaseEvent.Kind.CLOSED, user, reason.strip())
            # The team keeps sight of the record for a while, so that it can reopen the case.
            keep = dt.timedelta(days=settings.REACHABLE_CASE_ACCESS_AFTER_CLOSURE_DAYS)
            Involvement.objects.filter(
                child_id=case.child_id, team_id=case.team_id, ended_on__isnull=True
            ).update(ended_on=(now + keep).date())
            summary = f"Case closed: {case.closure_outcome.label.lower() if case.closure_outcome else ''}. {case.closure_summary}"
        else:
            case.status = Case.Status.OPEN
            _event(case, CaseEvent.Kind.CLOSURE_REFUSED, user, reason.strip())
            summary = f"Closure not approved: {reason.strip()}"
        case.save()
        chronicle(user=user, child_id=case.child_id, kind="closure", summary=summary, case=case)
        audit_record(
            user=user,
            action="case.close" if approve else "case.closure_refused",
            obj=case,
            child_id=case.child_id,
            reason=reason,
        )
    return case


def case_reopen(*, user: Any, case: Case, reason: str) -> Case:
    case_write_check(user, case, "casework.manage", "reopen cases", closed_may=True)
    errors: dict[str, list[str]] = {}
    if case.status != Case.Status.CLOSED:
        errors["__all__"] = ["Only a closed case can be reopened."]
    elif (
        Case.objects.filter(child_id=case.child_id, team_id=case.team_id)
        .exclude(status=Case.Status.CLOSED)
        .exists()
    ):
        errors["__all__"] = ["The team already has an open case for this child."]
    _blank(reason, "reason", "Say why the case is reopened.", errors)
    _raise(errors)
    with transaction.atomic():
        _reopen(user, case, reason.strip())
        audit_record(
            user=user, action="case.reopen", obj=case, child_id=case.child_id, reason=reason
        )
    return case


def _reopen(user: Any, case: Case, reason: str) -> Case:
    case.status = Case.Status.OPEN
    case.closed_at = None
    case.closed_by = None
    case.save(update_fields=["status", "closed_at", "closed_by"])
    _event(case, CaseEvent.Kind.REOPENED, user, reason)
    # Undo the access kept after closure, or start a new involvement once it has lapsed.
    kept = Involvement.objects.filter(
        child_id=case.child_id, team_id=case.team_id, ended_on__gte=timezone.localdate()
    )
    if not kept.update(ended_on=None):
        involvement_start(child_id=case.child_id, team=case.team, reason="Case reopened")
    chronicle(
        user=user,
        child_id=case.child_id,
        kind="reopened",
        summary=f"Case reopened: {reason}",
        case=case,
    )
    return case
