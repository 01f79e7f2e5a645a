"""The programme board: programmes, their projects and money, what they promised (deliverables and
targets), how they are governed, and the board packs issued from them (seeds 002, 003 and 004).

Nothing here is about a child: figures about children come from the other modules through the
registry of named measures (``programmes.measures``), counted live, never copied in by hand.
A deliverable's RAG is a history of dated updates, not one field that is overwritten, so a pack
for a past quarter reads the RAG as it stood then.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from reachable.core.models import Area, Code

THEMES = "thematic-area"
STAKEHOLDER_THEMES = "stakeholder-theme"


def _user(**kwargs: Any) -> Any:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", **kwargs
    )


class Programme(models.Model):
    name = models.CharField(max_length=200, unique=True)
    funder = models.CharField(max_length=200)
    grant_holder = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    summary = models.TextField(blank=True)
    themes = models.ManyToManyField(
        Code, blank=True, related_name="+", limit_choices_to={"code_list__key": THEMES}
    )
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="programmes_edited",
        help_text="The programme team: they edit everything in the programme. Board members read.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Objective(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="objectives")
    number = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)
    theme = models.ForeignKey(
        Code,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"code_list__key": THEMES},
    )

    class Meta:
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="objective_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"


class Project(models.Model):
    """A funded piece of the programme, often run by a partner (e.g. SOS+ by a charity)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="projects")
    name = models.CharField(max_length=200)
    delivery_partner = models.CharField(max_length=200)
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lead = _user(
        null=True,
        blank=True,
        help_text="The project lead edits this project's deliverables and targets.",
    )
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["programme", "name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="project_name_once")
        ]

    def __str__(self) -> str:
        return self.name


class BudgetLine(models.Model):
    """Money allocated for one financial year (April to March), to the programme or a project."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="budget")
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.CASCADE, related_name="budget"
    )
    name = models.CharField(max_length=120)
    year_starts_on = models.DateField(help_text="1 April of the financial year.")
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["year_starts_on", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name", "year_starts_on"], name="budget_line_once"
            )
        ]

    def __str__(self) -> str:
        from reachable.programmes.periods import Quarter

        return f"{self.name} {Quarter.containing(self.year_starts_on).financial_year_label}"


class Spend(models.Model):
    """What a budget line spent in one quarter, entered or imported, with who said so."""

    budget_line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="spend")
    quarter_starts_on = models.DateField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    source = models.CharField(max_length=200, help_text="e.g. the finance system's report.")
    entered_by = _user()
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["quarter_starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["budget_line", "quarter_starts_on"], name="spend_once_per_quarter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.budget_line}: £{self.amount} from {self.quarter_starts_on:%B %Y}"


class GovernanceBody(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="bodies")
    name = models.CharField(max_length=200)
    cadence_weeks = models.PositiveSmallIntegerField(
        help_text="How often it meets: 6 for a six-weekly board, 13 for quarterly."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    body = models.ForeignKey(GovernanceBody, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField()
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.body} on {self.held_on:%d %b %Y}"


class MeetingItem(models.Model):
    """A decision taken, or an action agreed with an owner and a due date."""

    class Kind(models.TextChoices):
        DECISION = "decision", "Decision"
        ACTION = "action", "Action"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.TextField()
    owner = models.CharField(max_length=200, blank=True)
    due_on = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "kind", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"


class Deliverable(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="deliverables")
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.CASCADE, related_name="deliverables"
    )
    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliverables"
    )
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=300)
    owner = models.CharField(max_length=200)
    due_on = models.DateField()

    class Meta:
        ordering = ["due_on", "title"]

    def __str__(self) -> str:
        return self.title


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Rag(models.TextChoices):
    GREEN = "green", "Green: on track"
    AMBER = "amber", "Amber: at risk"
    RED = "red", "Red: off track"


class RagUpdate(models.Model):
    """The deliverable's status and RAG as at a date: kept, never overwritten."""

    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="updates")
    as_at = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices)
    rag = models.CharField("RAG", max_length=5, choices=Rag.choices)
    reason = models.TextField(blank=True)
    recorded_by = _user()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-as_at", "-pk"]
        indexes = [models.Index(fields=["deliverable", "-as_at"])]

    def __str__(self) -> str:
        return f"{self.get_rag_display()} as at {self.as_at:%d %b %Y}"


class Target(models.Model):
    """What the programme promised to reach: a baseline, a target and a unit over a period.

    ``measure`` names a live measure from the registry; empty means actuals are entered by hand.
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="targets")
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.CASCADE, related_name="targets"
    )
    name = models.CharField(max_length=200)
    measure = models.CharField(max_length=60, blank=True)
    unit = models.CharField(max_length=20)
    baseline = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(max_digits=12, decimal_places=2)
    starts_on = models.DateField()
    ends_on = models.DateField()
    lower_is_better = models.BooleanField(
        default=False, help_text="For measures such as hours from arrest to first intervention."
    )

    class Meta:
        ordering = ["programme", "name"]

    def __str__(self) -> str:
        return self.name


class Actual(models.Model):
    """A figure entered against a target for part of its period, with where it came from."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="actuals")
    period_starts_on = models.DateField()
    period_ends_on = models.DateField()
    value = models.DecimalField(max_digits=12, decimal_places=2)
    source = models.CharField(max_length=200)
    entered_by = _user()
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["period_starts_on"]

    def __str__(self) -> str:
        return (
            f"{self.value} for {self.period_starts_on:%d %b %Y} to {self.period_ends_on:%d %b %Y}"
        )


class Risk(models.Model):
    class Kind(models.TextChoices):
        RISK = "risk", "Risk"
        ISSUE = "issue", "Issue"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="risks")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    description = models.TextField()
    owner = models.CharField(max_length=200)
    rag = models.CharField("RAG", max_length=5, choices=Rag.choices)
    mitigation = models.TextField(blank=True)
    raised_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description[:60]}"


class BoardPack(models.Model):
    """A board pack as issued: the HTML and the PDF kept byte for byte, so a pack issued for a
    past quarter downloads unchanged whatever data arrives later."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="packs")
    quarter_starts_on = models.DateField()
    issued_at = models.DateTimeField()
    issued_by = _user()
    html = models.TextField()
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64, help_text="Of the PDF, to show it is unchanged.")

    class Meta:
        ordering = ["-quarter_starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "quarter_starts_on"], name="one_pack_per_quarter"
            )
        ]

    def __str__(self) -> str:
        return f"Board pack for the quarter from {self.quarter_starts_on:%B %Y}"


class StakeholderResponse(models.Model):
    """One survey or workshop response (seed 003's stakeholder mapping), coded to themes."""

    class Kind(models.TextChoices):
        SURVEY = "survey", "Survey"
        WORKSHOP = "workshop", "Workshop"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="responses")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField()
    respondent_role = models.CharField(
        max_length=200, help_text="The respondent's kind of role, never their name."
    )
    summary = models.TextField()
    themes = models.ManyToManyField(
        Code, related_name="+", limit_choices_to={"code_list__key": STAKEHOLDER_THEMES}
    )
    recorded_by = _user()

    class Meta:
        ordering = ["-received_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} response, {self.area}, {self.received_on:%d %b %Y}"


class PolicyReview(models.Model):
    """A policy reviewed for the programme: what was found and what is recommended."""

    class Status(models.TextChoices):
        OPEN = "open", "Under review"
        RECOMMENDED = "recommended", "Recommendation made"
        ACCEPTED = "accepted", "Accepted"
        IMPLEMENTED = "implemented", "Implemented"
        DECLINED = "declined", "Declined"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="policies")
    policy_area = models.CharField(max_length=200)
    document = models.CharField(max_length=300)
    owner = models.CharField(max_length=200)
    finding = models.TextField(blank=True)
    recommendation = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    updated_on = models.DateField()

    class Meta:
        ordering = ["policy_area", "document"]

    def __str__(self) -> str:
        return self.document
