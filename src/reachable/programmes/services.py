"""Every change to a programme, for the pages, the API and imports alike.

Each service asks ``access.write_check`` first, validates what it is given (a refusal names the
field and the fix, and saves nothing) and is audited. A deliverable's RAG is never overwritten:
each update is a new dated row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from reachable.audit.services import audit_record
from reachable.core.models import Area, Code
from reachable.programmes.access import may_create_programme, write_check
from reachable.programmes.measures import MEASURES, UNITS
from reachable.programmes.models import (
    Actual,
    BoardPack,
    BudgetLine,
    Deliverable,
    GovernanceBody,
    Meeting,
    MeetingItem,
    Objective,
    Programme,
    Project,
    Rag,
    RagUpdate,
    Risk,
    Spend,
    Status,
    Target,
)
from reachable.programmes.periods import Quarter


def _within(programme: Programme, field: str, day: dt.date | None) -> None:
    if day is not None and not programme.starts_on <= day <= programme.ends_on:
        raise ValidationError(
            {
                field: f"Enter a date within the programme ({programme.starts_on:%d %B %Y} to "
                f"{programme.ends_on:%d %B %Y})."
            }
        )


def _ordered(start: dt.date, end: dt.date, start_field: str, end_field: str) -> None:
    if end < start:
        raise ValidationError({end_field: f"The end must be on or after the {start_field}."})


def _audit(user: Any, action: str, obj: Any, **detail: Any) -> None:
    audit_record(user=user, action=f"programmes.{action}", obj=obj, detail=detail)


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
        name__iexact=name.strip(), year_starts_on=dt.date(quarter.financial_year, 4, 1)
    ).first()
    if found is None:
        names = sorted(set(programme.budget.values_list("name", flat=True)))
        raise ValidationError(
            {
                "budget_line": f"There is no budget line {name!r} for {quarter.financial_year}-"
                f"{(quarter.financial_year + 1) % 100:02d}. Add it to the budget first"
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
    if dt.date(quarter.financial_year, 4, 1) != budget_line.year_starts_on:
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
    write_check(user, programme, "add deliverables", project=project)
    _within(programme, "due_on", due_on)
    for name, value in (("project", project), ("objective", objective)):
        if value is not None and value.programme_id != programme.pk:
            raise ValidationError({name: f"Choose a {name} of this programme."})
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
    if target < 0 or (baseline is not None and baseline < 0):
        raise ValidationError({"target": "Targets and baselines cannot be negative."})
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
    meeting = Meeting.objects.create(body=body, held_on=held_on, notes=notes)
    for text in decisions or []:
        MeetingItem.objects.create(meeting=meeting, kind=MeetingItem.Kind.DECISION, text=text)
    for number, (text, owner, due_on) in enumerate(actions or [], start=1):
        if not owner.strip():
            raise ValidationError({"actions": f"Action {number} needs an owner."})
        MeetingItem.objects.create(
            meeting=meeting, kind=MeetingItem.Kind.ACTION, text=text, owner=owner, due_on=due_on
        )
    _audit(user, "meeting.record", meeting, body=body.name, held_on=held_on)
    return meeting


def pack_issue(*, user: Any, programme: Programme, quarter: Quarter) -> BoardPack:
    """Issue the board pack for a quarter that has ended: the HTML and PDF are kept as issued."""
    from reachable.programmes.pack import pack_build, pack_pdf

    write_check(user, programme, "issue board packs")
    if quarter.ends_on >= timezone.localdate():
        raise ValidationError({"quarter": "Issue a pack once the quarter has ended."})
    if programme.packs.filter(quarter_starts_on=quarter.starts_on).exists():
        raise ValidationError(
            {"quarter": f"The pack for {quarter.short} was issued already: download it below."}
        )
    issued_at = timezone.now()
    content = pack_build(programme, quarter, issued_at=issued_at)
    if not content.has_data:
        raise ValidationError(
            {
                "quarter": f"Nothing was recorded for {quarter.short}: no RAG update, actual, "
                "spend or meeting in the quarter. Record the quarter's progress first."
            }
        )
    html = content.html()
    pdf = pack_pdf(html)
    with transaction.atomic():
        pack = BoardPack.objects.create(
            programme=programme,
            quarter_starts_on=quarter.starts_on,
            issued_at=issued_at,
            issued_by=user,
            html=html,
            pdf=pdf,
            sha256=hashlib.sha256(pdf).hexdigest(),
        )
        _audit(user, "pack.issue", pack, quarter=quarter.short, sha256=pack.sha256)
    return pack
