"""Information governance: what may be shared under which agreement, what was shared, and the
controls a data protection officer needs (break-glass, retention, legal holds, restriction,
disputes, subject access).

Agreements are data, loaded from the partnership file or edited by a partnership admin; the single
check that a disclosure is covered lives in ``services.agreement_covering``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from reachable.core.models import Agency, Code


def _code(list_key: str, **kwargs: object) -> models.ForeignKey:
    return models.ForeignKey(
        Code,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"code_list__key": list_key},
        **kwargs,  # type: ignore[arg-type]
    )


def agreement_field() -> models.ForeignKey[Agreement | None, Agreement | None]:
    """The agreement a disclosure was made under, for models of other apps that disclose."""
    return models.ForeignKey(
        "sharing.Agreement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        help_text="The information-sharing agreement the disclosure was made under.",
    )


def _user(**kwargs: object) -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        **kwargs,  # type: ignore[arg-type]
    )


class LawfulBasis(models.TextChoices):
    """UK GDPR Article 6(1) bases a public body can rely on when sharing about a child."""

    CONSENT = "6(1)(a)", "Art. 6(1)(a) consent"
    LEGAL_OBLIGATION = "6(1)(c)", "Art. 6(1)(c) legal obligation"
    VITAL_INTERESTS = "6(1)(d)", "Art. 6(1)(d) vital interests"
    PUBLIC_TASK = "6(1)(e)", "Art. 6(1)(e) public task"
    LEGITIMATE_INTERESTS = "6(1)(f)", "Art. 6(1)(f) legitimate interests"


class Agreement(models.Model):
    """An information-sharing agreement (ISA) between agencies of the partnership."""

    reference = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    parties = models.ManyToManyField(Agency, related_name="agreements")
    purposes = models.ManyToManyField(
        Code, related_name="+", limit_choices_to={"code_list__key": "share-purpose"}
    )
    data_categories = models.ManyToManyField(
        Code, related_name="+", limit_choices_to={"code_list__key": "data-category"}
    )
    lawful_basis = models.CharField(max_length=10, choices=LawfulBasis.choices)
    special_category_condition = models.CharField(
        max_length=200,
        blank=True,
        help_text="Art. 9(2) condition and DPA 2018 Schedule 1 paragraph, for health or ethnicity.",
    )
    criminal_offence_condition = models.CharField(
        max_length=200,
        blank=True,
        help_text="Art. 10 / DPA 2018 Schedule 1 condition, for custody and offence data.",
    )
    law_enforcement = models.BooleanField(
        default=False,
        help_text="Police sharing for law enforcement purposes under DPA 2018 Part 3.",
    )
    starts_on = models.DateField()
    ends_on = models.DateField(help_text="The review date: no new shares after it.")
    signatories = models.JSONField(
        default=list, blank=True, help_text='A list of {"agency", "name", "role"}.'
    )
    plain_summary = models.TextField(
        help_text="What this agreement means, in words a 12-year-old can follow."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def is_active_on(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on


class Share(models.Model):
    """One disclosure of a child's record to another agency: what, to whom, why, under what."""

    class Consent(models.TextChoices):
        GIVEN = "given", "The child (or a carer) agreed"
        REFUSED = "refused", "The child (or a carer) refused"
        NOT_SOUGHT = (
            "not_sought",
            "Not asked: asking would put the child at risk or harm an inquiry",
        )
        NOT_ABLE = "not_able", "Not able to ask (not reachable, or not able to decide)"

    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="shares")
    from_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="shares_made", db_index=False
    )
    to_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="shares_received")
    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="shares", db_index=False
    )
    purpose = _code("share-purpose", db_index=False)
    data_categories = models.ManyToManyField(
        Code, related_name="+", limit_choices_to={"code_list__key": "data-category"}
    )
    lawful_basis = models.CharField(max_length=10, choices=LawfulBasis.choices)
    shared_by = _user()
    reason = models.TextField()
    consent = models.CharField(max_length=12, choices=Consent.choices)
    consent_override_reason = models.TextField(
        blank=True, help_text="Why the share went ahead without the child's agreement."
    )
    decided_by = _user(null=True, blank=True)
    child_views = models.TextField(blank=True, help_text="What the child said about this share.")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = _user(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["to_agency", "child"])]

    def __str__(self) -> str:
        return f"Child {self.child_id} shared with {self.to_agency}"


class BreakGlass(models.Model):
    """Emergency access to a record outside the user's scope: reasoned, time-limited, reported."""

    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="+")
    user = _user()
    reason = models.TextField()
    opened_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "break-glass accesses"
        indexes = [models.Index(fields=["user", "child", "expires_at"])]

    def __str__(self) -> str:
        return f"Break-glass by {self.user_id} on child {self.child_id}"


class Alert(models.Model):
    """A message for a user who must know something happened (break-glass, expiring agreement)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts"
    )
    kind = models.CharField(max_length=40)
    message = models.TextField()
    url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # What the alert is about, so that a job raising it daily raises it once.
    about = models.CharField(max_length=80, blank=True)

    class Meta:
        indexes = [models.Index(fields=["recipient", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"


class _Control(models.Model):
    """Something the data protection lead places on a record and later lifts."""

    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="+")
    reason = models.TextField()
    placed_by = _user()
    placed_at = models.DateTimeField()
    lifted_by = _user(null=True, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class LegalHold(_Control):
    """A record that must not be deleted (litigation, inquiry, serious case review)."""

    def __str__(self) -> str:
        return f"Legal hold on child {self.child_id}"


class Restriction(_Control):
    """Processing restricted (UK GDPR Art. 18): the record is kept and readable, not changed or shared."""

    def __str__(self) -> str:
        return f"Restriction on child {self.child_id}"


class Dispute(models.Model):
    """Someone says part of the record is wrong (UK GDPR Art. 16 rectification)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CORRECTED = "corrected", "Corrected"
        NOT_CHANGED = "not_changed", "Not changed, the view is kept on record"

    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="+")
    what = models.CharField(max_length=200, help_text="Which part of the record.")
    raised_on_behalf_of = models.CharField(max_length=100)
    details = models.TextField()
    raised_by = _user()
    raised_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    outcome = models.TextField(blank=True)
    resolved_by = _user(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Dispute about {self.what} (child {self.child_id})"


class RetentionRule(models.Model):
    """How long one kind of record is kept, and what happens then. Loaded from the partnership file."""

    class Anchor(models.TextChoices):
        EIGHTEENTH_BIRTHDAY = "18th-birthday", "the child's 18th birthday"
        LAST_ACTIVITY = "last-activity", "the last activity on the record"

    class Action(models.TextChoices):
        DELETE = "delete", "Delete"
        ANONYMISE = "anonymise", "Anonymise"

    key = models.SlugField(max_length=60, unique=True)
    record_type = models.CharField(max_length=40)
    description = models.CharField(max_length=300)
    years = models.PositiveSmallIntegerField()
    anchor = models.CharField(max_length=20, choices=Anchor.choices)
    action = models.CharField(max_length=10, choices=Action.choices)

    def __str__(self) -> str:
        return self.description


class RetentionReview(models.Model):
    """One run of the daily retention job: the records it found due, for a DPO to approve."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved and carried out"
        REJECTED = "rejected", "Rejected"

    created_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = _user(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Retention review {self.pk} ({self.get_status_display()})"


class RetentionItem(models.Model):
    class State(models.TextChoices):
        DUE = "due", "Due"
        DONE = "done", "Done"
        HELD = "held", "Kept: legal hold or restriction"
        KEPT = "kept", "Kept: review rejected"

    review = models.ForeignKey(RetentionReview, on_delete=models.CASCADE, related_name="items")
    rule = models.ForeignKey(RetentionRule, on_delete=models.PROTECT, related_name="+")
    # No foreign key: the item outlives the record it deletes.
    child_id = models.BigIntegerField(db_index=True)
    due_on = models.DateField()
    state = models.CharField(max_length=6, choices=State.choices, default=State.DUE)
    rows_affected = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["due_on", "child_id"]

    def __str__(self) -> str:
        return f"Child {self.child_id}: {self.rule.key}"


class SubjectAccessRequest(models.Model):
    """A request for everything held about a child, and the export prepared for review."""

    child = models.ForeignKey(
        "children.Child", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_child_id = models.BigIntegerField()
    requester = models.CharField(
        max_length=200, help_text="Who asked: the child, or on their behalf."
    )
    received_on = models.DateField()
    recorded_by = _user()
    recorded_at = models.DateTimeField()
    export = models.BinaryField(null=True, blank=True, editable=False)
    exported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"Subject access request for child {self.requested_child_id}"

    @property
    def due_on(self) -> dt.date:
        """One calendar month to respond (UK GDPR Art. 12(3)); the simple 30-day reading."""
        return self.received_on + dt.timedelta(days=30)
