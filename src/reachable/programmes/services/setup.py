"""Setting a programme up and running it: programme, objectives, projects, budget and spend,
risks, governance and meetings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from reachable.core.models import Area, Code
from reachable.programmes.access import may_create_programme, write_check
from reachable.programmes.models import (
    BudgetLine,
    GovernanceBody,
    Meeting,
    MeetingItem,
    Objective,
    Programme,
    Project,
    Risk,
    Spend,
)
from reachable.programmes.periods import Quarter
from reachable.programmes.services._common import _audit, _of_programme, _ordered, _within


@transaction.atomic
def programme_create(
    *,
    user: Any,
    name: str,
    funder: str,
    grant_holder: str,
    starts_on: dt.date,
    ends_on: dt.date,
    summary: str = "",
    themes: list[Code] | None = None,
) -> Programme:
    if not may_create_programme(user):
        raise ValidationError("Only a programme lead can set up a programme.")
    _ordered(starts_on, ends_on, "start date", "ends_on")
    if Programme.objects.filter(name__iexact=name.strip()).exists():
        raise ValidationError({"name": "A programme with this name exists: choose another."})
    programme = Programme.objects.create(
        name=name.strip(),
        funder=funder,
        grant_holder=grant_holder,
        starts_on=starts_on,
        ends_on=ends_on,
        summary=summary,
    )
    programme.themes.set(themes or [])
    programme.editors.add(user)
    _audit(user, "programme.create", programme, name=programme.name)
    return programme


@transaction.atomic
def objective_add(
    *, user: Any, programme: Programme, text: str, theme: Code | None = None
) -> Objective:
    write_check(user, programme, "add objectives")
    number = (
        programme.objectives.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    objective = Objective.objects.create(programme=programme, number=number, text=text, theme=theme)
    _audit(user, "objective.add", objective, number=number)
    return objective


@transaction.atomic
def project_add(
    *,
    user: Any,
    programme: Programme,
    name: str,
    delivery_partner: str,
    area: Area | None = None,
    lead: Any = None,
    summary: str = "",
) -> Project:
    write_check(user, programme, "add projects")
    if lead is not None and not lead.is_active:
        raise ValidationError({"lead": "Choose a person whose account is active."})
    if programme.projects.filter(name__iexact=name.strip()).exists():
        raise ValidationError({"name": "The programme already has a project with this name."})
    project = Project.objects.create(
        programme=programme,
        name=name.strip(),
        delivery_partner=delivery_partner,
        area=area,
        lead=lead,
        summary=summary,
    )
    _audit(user, "project.add", project, name=project.name, lead=getattr(lead, "pk", None))
    return project


@transaction.atomic
def budget_line_add(
    *,
    user: Any,
    programme: Programme,
    name: str,
    year_starts_on: dt.date,
    amount: Decimal,
    project: Project | None = None,
) -> BudgetLine:
    _of_programme(programme, project)
    write_check(user, programme, "set the budget")
    if (year_starts_on.month, year_starts_on.day) != (4, 1):
        raise ValidationError(
            {"year_starts_on": "Enter the first day of the financial year, 1 April."}
        )
    if (
        year_starts_on > programme.ends_on
        or dt.date(year_starts_on.year + 1, 3, 31) < programme.starts_on
    ):
        raise ValidationError(
            {"year_starts_on": "The programme does not run in that financial year."}
        )
    if amount <= 0:
        raise ValidationError({"amount": "Enter the amount allocated, more than £0."})
    try:
        with transaction.atomic():
            line = BudgetLine.objects.create(
                programme=programme,
                project=project,
                name=name.strip(),
                year_starts_on=year_starts_on,
                amount=amount,
            )
    except IntegrityError:
        raise ValidationError(
            {"name": "This budget line already exists for that year: change its amount instead."}
        ) from None
    _audit(user, "budget.add", line, name=line.name, amount=amount)
    return line


def budget_line_find(programme: Programme, name: str, quarter: Quarter) -> BudgetLine:
    """The budget line a spend figure belongs to; spend without one is refused."""
    found = programme.budget.filter(
        name__iexact=name.strip(), year_starts_on=quarter.financial_year_starts_on
    ).first()
    if found is None:
        names = sorted(set(programme.budget.values_list("name", flat=True)))
        raise ValidationError(
            {
                "budget_line": f"There is no budget line {name!r} for {quarter.financial_year_label}. "
                "Add it to the budget first"
                + (f", or use one of: {', '.join(names)}." if names else ".")
            }
        )
    return found


@transaction.atomic
def spend_record(
    *, user: Any, budget_line: BudgetLine, quarter: Quarter, amount: Decimal, source: str
) -> Spend:
    """What the line spent in a quarter; entering a quarter again corrects it (audited, with the
    amount it replaced)."""
    programme = budget_line.programme
    write_check(user, programme, "record spend")
    if quarter.starts_on > timezone.localdate():
        raise ValidationError({"quarter": f"{quarter.short} has not started yet."})
    if quarter.ends_on < programme.starts_on or quarter.starts_on > programme.ends_on:
        raise ValidationError({"quarter": f"The programme does not run in {quarter.short}."})
    if quarter.financial_year_starts_on != budget_line.year_starts_on:
        raise ValidationError(
            {"quarter": f"{quarter.short} is not in the budget line's financial year."}
        )
    if amount < 0:
        raise ValidationError(
            {
                "amount": "Enter what was spent, £0 or more (a refund is a lower figure for the quarter)."
            }
        )
    if not source.strip():
        raise ValidationError({"source": "Say where the figure comes from."})
    spend, made = Spend.objects.get_or_create(
        budget_line=budget_line,
        quarter_starts_on=quarter.starts_on,
        defaults={"amount": amount, "source": source, "entered_by": user},
    )
    was = None
    if not made:
        was = spend.amount
        spend.amount, spend.source, spend.entered_by = amount, source, user
        spend.save()
    _audit(
        user,
        "spend.record",
        spend,
        line=budget_line.name,
        quarter=quarter.short,
        amount=amount,
        was=was,
    )
    return spend


@transaction.atomic
def risk_add(
    *,
    user: Any,
    programme: Programme,
    kind: str,
    description: str,
    owner: str,
    rag: str,
    raised_on: dt.date,
    mitigation: str = "",
) -> Risk:
    write_check(user, programme, "record risks and issues")
    _within(programme, "raised_on", raised_on)
    risk = Risk.objects.create(
        programme=programme,
        kind=kind,
        description=description,
        owner=owner,
        rag=rag,
        raised_on=raised_on,
        mitigation=mitigation,
    )
    _audit(user, "risk.add", risk, kind=kind)
    return risk


@transaction.atomic
def body_add(*, user: Any, programme: Programme, name: str, cadence_weeks: int) -> GovernanceBody:
    write_check(user, programme, "set up governance")
    if not 1 <= cadence_weeks <= 52:
        raise ValidationError({"cadence_weeks": "Enter how many weeks apart it meets, 1 to 52."})
    body = GovernanceBody.objects.create(
        programme=programme, name=name, cadence_weeks=cadence_weeks
    )
    _audit(user, "body.add", body, name=name)
    return body


@transaction.atomic
def meeting_record(
    *,
    user: Any,
    body: GovernanceBody,
    held_on: dt.date,
    notes: str = "",
    decisions: list[str] | None = None,
    actions: list[tuple[str, str, dt.date | None]] | None = None,
) -> Meeting:
    """A meeting with its decisions and its actions (text, owner, due date)."""
    write_check(user, body.programme, "record meetings")
    _within(body.programme, "held_on", held_on)
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "Record a meeting once it has been held."})
    for number, (_, owner, _) in enumerate(actions or [], start=1):
        if not owner.strip():
            raise ValidationError({"actions": f"Action {number} needs an owner."})
    meeting = Meeting.objects.create(body=body, held_on=held_on, notes=notes)
    for text in decisions or []:
        MeetingItem.objects.create(meeting=meeting, kind=MeetingItem.Kind.DECISION, text=text)
    for text, owner, due_on in actions or []:
        MeetingItem.objects.create(
            meeting=meeting, kind=MeetingItem.Kind.ACTION, text=text, owner=owner, due_on=due_on
        )
    _audit(user, "meeting.record", meeting, body=body.name, held_on=held_on)
    return meeting
