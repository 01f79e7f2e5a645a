"""Progress: deliverables and their RAG history, targets and their entered actuals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from reachable.core.models import Area
from reachable.programmes.access import write_check
from reachable.programmes.measures import MEASURES, UNITS
from reachable.programmes.models import (
    Actual,
    Deliverable,
    Objective,
    Programme,
    Project,
    Rag,
    RagUpdate,
    Status,
    Target,
)
from reachable.programmes.periods import Quarter
from reachable.programmes.services._common import _audit, _of_programme, _ordered, _within


@transaction.atomic
def deliverable_add(
    *,
    user: Any,
    programme: Programme,
    title: str,
    owner: str,
    due_on: dt.date,
    project: Project | None = None,
    objective: Objective | None = None,
    area: Area | None = None,
) -> Deliverable:
    _of_programme(programme, project)
    write_check(user, programme, "add deliverables", project=project)
    _within(programme, "due_on", due_on)
    if objective is not None and objective.programme_id != programme.pk:
        raise ValidationError({"objective": "Choose an objective of this programme."})
    deliverable = Deliverable.objects.create(
        programme=programme,
        project=project,
        objective=objective,
        area=area,
        title=title,
        owner=owner,
        due_on=due_on,
    )
    _audit(user, "deliverable.add", deliverable, title=title)
    return deliverable


@transaction.atomic
def rag_record(
    *,
    user: Any,
    deliverable: Deliverable,
    as_at: dt.date,
    status: str,
    rag: str,
    reason: str = "",
) -> RagUpdate:
    """A new RAG for the deliverable as at a date; earlier ones are kept."""
    programme = deliverable.programme
    write_check(user, programme, "update this deliverable", project=deliverable.project)
    if rag not in Rag.values:
        raise ValidationError({"rag": "Choose green, amber or red."})
    if status not in Status.values:
        raise ValidationError({"status": "Choose the deliverable's status."})
    if rag in {Rag.AMBER, Rag.RED} and not reason.strip():
        raise ValidationError(
            {"reason": "Say why it is amber or red, and what is being done about it."}
        )
    if as_at > timezone.localdate():
        raise ValidationError({"as_at": "The 'as at' date cannot be in the future."})
    if as_at < programme.starts_on:
        raise ValidationError({"as_at": "The 'as at' date is before the programme started."})
    update = RagUpdate.objects.create(
        deliverable=deliverable,
        as_at=as_at,
        status=status,
        rag=rag,
        reason=reason.strip(),
        recorded_by=user,
    )
    _audit(user, "rag.record", update, deliverable=deliverable.pk, rag=rag, as_at=as_at)
    return update


@transaction.atomic
def target_add(
    *,
    user: Any,
    programme: Programme,
    name: str,
    unit: str,
    target: Decimal,
    starts_on: dt.date,
    ends_on: dt.date,
    measure: str = "",
    baseline: Decimal | None = None,
    project: Project | None = None,
    lower_is_better: bool = False,
) -> Target:
    _of_programme(programme, project)
    write_check(user, programme, "set targets", project=project)
    if unit not in UNITS:
        raise ValidationError({"unit": f"Choose a unit: {', '.join(UNITS)}."})
    if measure:
        found = MEASURES.get(measure)
        if found is None:
            raise ValidationError({"measure": "Choose a measure from the list, or none."})
        if found.unit != unit:
            raise ValidationError(
                {
                    "unit": f"{found.label} is counted in {UNITS[found.unit]}, not "
                    f"{UNITS[unit]}: choose {found.unit} or another measure."
                }
            )
    _ordered(starts_on, ends_on, "start date", "ends_on")
    _within(programme, "starts_on", starts_on)
    _within(programme, "ends_on", ends_on)
    if target < 0:
        raise ValidationError({"target": "A target cannot be negative."})
    if baseline is not None and baseline < 0:
        raise ValidationError({"baseline": "A baseline cannot be negative."})
    if measure and unit == "children" and not Quarter.is_whole_quarters(starts_on, ends_on):
        # Counts of children are published by quarter, small ones suppressed; a target over
        # other dates could be compared with them to work out a hidden count.
        raise ValidationError(
            {
                "starts_on": "A live count of children runs over whole quarters: start on 1 "
                "January, April, July or October and end on the last day of a quarter."
            }
        )
    if unit == "percent" and target > 100:
        raise ValidationError({"target": "A percentage target cannot be above 100."})
    made = Target.objects.create(
        programme=programme,
        project=project,
        name=name,
        measure=measure,
        unit=unit,
        baseline=baseline,
        target=target,
        starts_on=starts_on,
        ends_on=ends_on,
        lower_is_better=lower_is_better,
    )
    _audit(user, "target.add", made, name=name, measure=measure, target=target)
    return made


@transaction.atomic
def actual_record(
    *,
    user: Any,
    target: Target,
    period_starts_on: dt.date,
    period_ends_on: dt.date,
    value: Decimal,
    source: str,
) -> Actual:
    write_check(user, target.programme, "enter actuals", project=target.project)
    if target.measure:
        raise ValidationError(
            "This target is counted live from Reachable's records; its actuals cannot be typed."
        )
    _ordered(period_starts_on, period_ends_on, "start of the period", "period_ends_on")
    if period_starts_on < target.starts_on or period_ends_on > target.ends_on:
        raise ValidationError(
            {
                "period_starts_on": f"Enter a period within the target's ({target.starts_on:%d %B %Y}"
                f" to {target.ends_on:%d %B %Y})."
            }
        )
    if period_ends_on > timezone.localdate():
        raise ValidationError({"period_ends_on": "The period has not ended yet."})
    if value < 0:
        raise ValidationError({"value": "Enter a figure of 0 or more."})
    if not source.strip():
        raise ValidationError({"source": "Say where the figure comes from."})
    overlaps = target.actuals.filter(
        period_starts_on__lte=period_ends_on, period_ends_on__gte=period_starts_on
    ).first()
    if overlaps:
        raise ValidationError(
            {
                "period_starts_on": f"An actual for {overlaps.period_starts_on:%d %b %Y} to "
                f"{overlaps.period_ends_on:%d %b %Y} overlaps this period: a figure would count "
                "twice."
            }
        )
    actual = Actual.objects.create(
        target=target,
        period_starts_on=period_starts_on,
        period_ends_on=period_ends_on,
        value=value,
        source=source,
        entered_by=user,
    )
    _audit(user, "actual.record", actual, target=target.pk, value=value)
    return actual
