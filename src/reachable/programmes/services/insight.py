"""Stakeholder mapping (survey and workshop responses coded to themes) and policy review."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from reachable.core.models import Area, Code
from reachable.programmes.access import write_check
from reachable.programmes.models import (
    PolicyReview,
    Programme,
    StakeholderResponse,
)
from reachable.programmes.services._common import _audit


@transaction.atomic
def response_record(
    *,
    user: Any,
    programme: Programme,
    kind: str,
    area: Area,
    received_on: dt.date,
    respondent_role: str,
    summary: str,
    themes: list[Code],
) -> StakeholderResponse:
    """A stakeholder survey or workshop response, coded to at least one theme."""
    write_check(user, programme, "record stakeholder responses")
    if not themes:
        raise ValidationError({"themes": "Code the response to at least one theme."})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": "The date cannot be in the future."})
    response = StakeholderResponse.objects.create(
        programme=programme,
        kind=kind,
        area=area,
        received_on=received_on,
        respondent_role=respondent_role,
        summary=summary,
        recorded_by=user,
    )
    response.themes.set(themes)
    _audit(user, "response.record", response, themes=[t.code for t in themes])
    return response


@transaction.atomic
def policy_record(
    *,
    user: Any,
    programme: Programme,
    policy_area: str,
    document: str,
    owner: str,
    status: str,
    finding: str = "",
    recommendation: str = "",
) -> PolicyReview:
    write_check(user, programme, "record policy reviews")
    if status != PolicyReview.Status.OPEN and not finding.strip():
        raise ValidationError({"finding": "Say what the review found before moving it on."})
    if status in {"recommended", "accepted", "implemented"} and not recommendation.strip():
        raise ValidationError({"recommendation": "Say what the review recommends."})
    review = PolicyReview.objects.create(
        programme=programme,
        policy_area=policy_area,
        document=document,
        owner=owner,
        status=status,
        finding=finding,
        recommendation=recommendation,
        updated_on=timezone.localdate(),
    )
    _audit(user, "policy.record", review, status=status)
    return review
