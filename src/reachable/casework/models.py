"""Exploitation casework (seeds 003, 004): referral to safe exit for MACE/SAFE teams.

Risk is a practitioner's judgement with reasons, never a score: screening indicators are evidence
the practitioner weighs, and nothing here adds them up.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from reachable.core.models import Agency, Area, Code, Place, Team
from reachable.sharing.models import agreement_field

USER = settings.AUTH_USER_MODEL


def _code(key: str, **kwargs: Any) -> Any:
    return models.ForeignKey(
        Code,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"code_list__key": key},
        db_index=False,
        **kwargs,
    )


def _user(**kwargs: Any) -> Any:
    return models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        **kwargs,
    )


class ReferralRoute(models.Model):
    """Which exploitation team takes referrals for children living in a county (partnership file)."""

    area = models.OneToOneField(Area, on_delete=models.CASCADE, related_name="referral_route")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.area} -> {self.team}"


class Referral(models.Model):
    class Urgency(models.TextChoices):
        ROUTINE = "routine", "Routine (triage within 5 working days)"
        URGENT = "urgent", "Urgent (triage within 1 working day)"
        IMMEDIATE = "immediate", "Immediate risk of harm (call the team as well)"

    class Consent(models.TextChoices):
        GIVEN = "given", "The child (or carer) agreed to the referral"
        REFUSED = "refused", "They did not agree; the referral goes ahead on another basis"
        NOT_SOUGHT = "not_sought", "Not asked, because asking would put the child at risk"

    class Source(models.TextChoices):
        FORM = "form", "Referral form"
        API = "api", "Partner system (API)"
        CUSTODY = "custody", "Custody early intervention"

    class Decision(models.TextChoices):
        PENDING = "pending", "Waiting for triage"
        ACCEPTED = "accepted", "Accepted for casework"
        SIGNPOSTED = "signposted", "Signposted to another service"
        NO_FURTHER_ACTION = "nfa", "No further action"

    agreement = agreement_field()
    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="referrals")
    to_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="referrals_received")
    referred_by = _user()
    referring_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    received_at = models.DateTimeField()
    concerns = models.TextField()
    urgency = models.CharField(max_length=10, choices=Urgency.choices)
    consent = models.CharField(max_length=10, choices=Consent.choices)
    lawful_basis = models.TextField(
        blank=True, help_text="Why the referral goes ahead without the child's agreement."
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.FORM)
    detention = models.OneToOneField(
        "custody.Detention",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referral",
    )
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decision_reason = models.TextField(blank=True)
    signposted_to = models.CharField(max_length=200, blank=True)
    decided_by = _user(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    case = models.ForeignKey(
        "Case", null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )

    class Meta:
        indexes = [
            models.Index(fields=["to_team", "decision", "-received_at"]),
            models.Index(fields=["referred_by", "-received_at"]),
            models.Index(fields=["child"]),
        ]
        constraints = [
            # A detention is handed over once, even if the button is pressed twice at once.
            models.UniqueConstraint(
                fields=["detention"],
                condition=models.Q(detention__isnull=False),
                name="detention_handed_over_once",
            )
        ]

    def __str__(self) -> str:
        return f"Referral {self.reference} to {self.to_team}"

    @property
    def reference(self) -> str:
        """What the referrer quotes when they ask about it."""
        return f"RF-{self.pk:06d}"


class Case(models.Model):
    """A team's exploitation casework with one child, from acceptance to safe exit."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSING = "closing", "Closure waiting for approval"
        CLOSED = "closed", "Closed"

    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="cases")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="cases", db_index=False)
    worker = _user(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField()
    # Kept by the services so caseload pages read one table: the latest judgement, the latest
    # contact with the child, and the next review date.
    risk_level = _code("risk-level", null=True, blank=True)
    last_contact_at = models.DateTimeField(null=True, blank=True)
    review_due_on = models.DateField(null=True, blank=True)
    closure_outcome = _code("closure-outcome", null=True, blank=True)
    closure_summary = models.TextField(blank=True)
    closure_requested_by = _user(null=True, blank=True)
    closed_by = _user(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["child", "team"],
                condition=~models.Q(status="closed"),
                name="one_open_case_per_child_and_team",
            )
        ]
        indexes = [
            models.Index(fields=["team", "status", "review_due_on"]),
            models.Index(fields=["worker", "status"]),
            models.Index(fields=["child"]),
        ]

    def __str__(self) -> str:
        return f"Case {self.pk} ({self.team})"


class CaseEvent(models.Model):
    """The case's own history: opening, allocation, transfer, closure, reopening. Never edited."""

    class Kind(models.TextChoices):
        OPENED = "opened", "Case opened"
        ALLOCATED = "allocated", "Worker allocated"
        TRANSFERRED = "transferred", "Transferred to another team"
        CLOSURE_REQUESTED = "closure_requested", "Closure requested"
        CLOSURE_REFUSED = "closure_refused", "Closure not approved"
        CLOSED = "closed", "Case closed"
        REOPENED = "reopened", "Case reopened"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField()
    by = _user()
    reason = models.TextField(blank=True)
    from_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.at:%d %b %Y})"


class Screening(models.Model):
    """Indicators seen, as evidence for the practitioner. Deliberately not scored."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="screenings")
    screened_at = models.DateTimeField()
    by = _user()
    indicators = models.ManyToManyField(
        Code, blank=True, related_name="+", limit_choices_to={"code_list__key": "cce-indicator"}
    )
    notes = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Screening {self.screened_at:%d %b %Y}"


class RiskJudgement(models.Model):
    """A practitioner's judgement of the level of risk, with reasons. Each change is a new row."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="risk_judgements")
    level = _code("risk-level")
    reasons = models.TextField()
    judged_at = models.DateTimeField()
    by = _user()

    class Meta:
        indexes = [models.Index(fields=["case", "-judged_at"])]

    def __str__(self) -> str:
        return f"{self.level} ({self.judged_at:%d %b %Y})"


class SafetyPlan(models.Model):
    """Made with the child. Each revision is kept; the newest is the plan in force."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="safety_plans")
    made_with_child = models.BooleanField(default=True)
    trusted_adults = models.TextField()
    safe_places = models.TextField()
    warning_signs = models.TextField()
    what_to_do = models.TextField()
    childs_words = models.TextField("the child's own words", blank=True)
    review_on = models.DateField()
    written_at = models.DateTimeField()
    by = _user()

    def __str__(self) -> str:
        return f"Safety plan of {self.written_at:%d %b %Y}"


class Intervention(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="interventions")
    kind = _code("intervention")
    provider = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    provider_name = models.CharField(max_length=200, blank=True)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    sessions_offered = models.PositiveIntegerField(default=0)
    sessions_attended = models.PositiveIntegerField(default=0)
    outcome = models.TextField(blank=True)
    by = _user()

    def __str__(self) -> str:
        return f"{self.kind} from {self.started_on:%d %b %Y}"


class NrmReferral(models.Model):
    """National Referral Mechanism: the two Home Office decisions and how long each took."""

    class Decision(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        POSITIVE = "positive", "Positive"
        NEGATIVE = "negative", "Negative"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="nrm_referrals")
    referred_on = models.DateField()
    first_responder = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    reasonable_grounds = models.CharField(
        max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    reasonable_grounds_on = models.DateField(null=True, blank=True)
    conclusive_grounds = models.CharField(
        max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    conclusive_grounds_on = models.DateField(null=True, blank=True)
    by = _user()

    def __str__(self) -> str:
        return f"NRM referral of {self.referred_on:%d %b %Y}"

    @property
    def days_to_reasonable_grounds(self) -> int:
        """Days from referral to the decision, or waiting so far."""
        end = self.reasonable_grounds_on or timezone.localdate()
        return (end - self.referred_on).days

    @property
    def days_to_conclusive_grounds(self) -> int | None:
        """Days from the reasonable grounds decision to the conclusive one, or waiting so far."""
        if self.reasonable_grounds_on is None:
            return None
        end = self.conclusive_grounds_on or timezone.localdate()
        return (end - self.reasonable_grounds_on).days


class MissingEpisode(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="missing_episodes")
    missing_from = models.DateTimeField()
    returned_at = models.DateTimeField(null=True, blank=True)
    found_out_of_area = models.BooleanField(default=False)
    interview_offered_at = models.DateTimeField(null=True, blank=True)
    interview_done_at = models.DateTimeField(null=True, blank=True)
    by = _user()

    def __str__(self) -> str:
        return f"Missing from {self.missing_from:%d %b %Y %H:%M}"


class Panel(models.Model):
    """A MACE panel meeting of a team's partnership."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="panels")
    held_on = models.DateField()
    chair = _user()
    agencies_present = models.ManyToManyField(Agency, blank=True, related_name="+")
    notes = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["team", "-held_on"])]

    def __str__(self) -> str:
        return f"{self.team} panel, {self.held_on:%d %b %Y}"


class PanelItem(models.Model):
    class Kind(models.TextChoices):
        NEW = "new", "New case"
        ESCALATED = "escalated", "Escalated"
        REVIEW = "review", "Review"
        CLOSURE = "closure", "For closure"

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="panel_items")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    decision = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["panel", "case"], name="case_once_per_panel")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: case {self.case_id}"


class Action(models.Model):
    """Something a named person agreed to do for the child, by a date."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actions")
    panel_item = models.ForeignKey(
        PanelItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    description = models.TextField()
    owner = _user()
    owner_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = _user()

    class Meta:
        indexes = [models.Index(fields=["case", "done_at", "due_on"])]

    def __str__(self) -> str:
        return self.description[:60]


class PeerLink(models.Model):
    """Two children known to associate (contextual safeguarding). Stored once, read both ways."""

    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="+")
    peer = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="+")
    nature = models.CharField(max_length=200)
    recorded_at = models.DateTimeField()
    by = _user()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["child", "peer"], name="peer_link_once"),
            models.CheckConstraint(
                condition=~models.Q(child=models.F("peer")), name="peer_is_another_child"
            ),
        ]
        indexes = [models.Index(fields=["peer"])]

    def __str__(self) -> str:
        return f"Child {self.child_id} with child {self.peer_id}"


class PlaceLink(models.Model):
    """A place of concern in a child's life: a park, a flat, a station, a takeaway."""

    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="+")
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    location = models.CharField(max_length=200, blank=True)
    nature = models.CharField(max_length=200)
    recorded_at = models.DateTimeField()
    by = _user()

    class Meta:
        indexes = [models.Index(fields=["child"])]

    def __str__(self) -> str:
        return self.location or str(self.place)


class ChronologyEntry(models.Model):
    """One line in the child's single chronology, with who may read it.

    Visibility: AGENCY - the author's agency only; INVOLVED - every team working with the child;
    SHARED - also partner agencies the child's record is shared with.
    """

    class Visibility(models.TextChoices):
        AGENCY = "agency", "Only my agency"
        INVOLVED = "involved", "Teams working with the child"
        SHARED = "shared", "Also partner agencies the record is shared with"

    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="+")
    occurred_at = models.DateTimeField()
    kind = models.CharField(max_length=30)
    summary = models.TextField()
    is_contact = models.BooleanField(
        default=False, help_text="A contact with the child (counts for 'no contact in N days')."
    )
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.INVOLVED
    )
    author = _user()
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", db_index=False)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    recorded_at = models.DateTimeField()

    # What each kind is called on the page; kinds not listed show as written.
    KIND_LABELS = {
        "detention": "Detained in custody",
        "custody_visit": "Seen in custody",
        "concern_shared": "Concern shared from custody",
        "referral": "Referral",
        "triage": "Triage",
        "screening": "Screening",
        "risk": "Risk judgement",
        "safety_plan": "Safety plan",
        "intervention": "Intervention",
        "nrm": "National Referral Mechanism",
        "missing": "Missing episode",
        "panel": "MACE panel",
        "transfer": "Transfer",
        "closure": "Closure",
        "reopened": "Case reopened",
        "contact": "Contact with the child",
        "contact-family": "Contact with the family",
        "information": "Information from a partner",
        "education": "Education",
        "health": "Health",
        "police": "Police",
        "housing": "Housing",
        "note": "Case note",
    }

    class Meta:
        verbose_name_plural = "chronology entries"
        indexes = [models.Index(fields=["child", "-occurred_at", "-id"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.occurred_at:%d %b %Y}"

    @property
    def kind_label(self) -> str:
        return self.KIND_LABELS.get(self.kind, self.kind.replace("_", " ").capitalize())
