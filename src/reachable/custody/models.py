"""Custody early intervention (seed 002): every detained child 10-17 met at the 'reachable moment'."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from reachable.core.models import Agency, Area, Code, Place, Team
from reachable.lib.jobs import stalled
from reachable.sharing.models import agreement_field


class Detention(models.Model):
    """A child detained at a custody suite, recorded by a practitioner or imported from custody."""

    class Source(models.TextChoices):
        RECORDED = "recorded", "Recorded by a practitioner"
        IMPORTED = "imported", "Imported from the custody system"

    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="detentions")
    suite = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        related_name="detentions",
        limit_choices_to={"kind": "custody_suite"},
        db_index=False,
    )
    arrested_at = models.DateTimeField()
    arrived_at = models.DateTimeField()
    released_at = models.DateTimeField(null=True, blank=True)
    offence = models.ForeignKey(
        Code,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"code_list__key": "offence-category"},
        db_index=False,
    )
    arresting_force = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # Kept as recorded: the child's home may change later, the fact at the time matters for evaluation.
    out_of_county = models.BooleanField()
    home_la_at_arrest = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    appropriate_adult = models.BooleanField(default=False)
    carer_informed = models.BooleanField(default=False)
    comfort_box = models.BooleanField(default=False)
    age_override_reason = models.TextField(
        blank=True, help_text="Why a child outside 10-17 at arrest is recorded here."
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.RECORDED)
    custody_reference = models.CharField(max_length=40, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Kept by the services so the pilot dashboard reads one table, not joins over a million rows:
    # local weekday (0 = Monday) and hour of arrival, and the outcome of the visits.
    arrival_weekday = models.PositiveSmallIntegerField(editable=False)
    arrival_hour = models.PositiveSmallIntegerField(editable=False)
    was_approached = models.BooleanField(default=False, editable=False)
    was_engaged = models.BooleanField(default=False, editable=False)
    first_intervention_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["child", "arrested_at"], name="one_detention_per_arrest"
            ),
            models.CheckConstraint(
                condition=models.Q(arrived_at__gte=models.F("arrested_at")),
                name="arrival_after_arrest",
            ),
            models.CheckConstraint(
                condition=models.Q(released_at__isnull=True)
                | models.Q(released_at__gte=models.F("arrived_at")),
                name="release_after_arrival",
            ),
        ]
        indexes = [
            models.Index(fields=["suite", "-arrived_at"]),
            models.Index(fields=["arrested_at"]),
            # The pilot dashboard reads these two indexes alone on PostgreSQL (index-only scans):
            # every count, the demand heatmap, and the time-to-intervention percentiles.
            models.Index(
                fields=["arrested_at"],
                include=[
                    "child",
                    "suite",
                    "arrival_weekday",
                    "arrival_hour",
                    "was_approached",
                    "was_engaged",
                    "out_of_county",
                ],
                name="detention_dashboard",
            ),
            models.Index(
                fields=["arrested_at"],
                include=["first_intervention_at"],
                condition=models.Q(was_engaged=True),
                name="detention_engaged_by_arrest",
            ),
        ]

    def __str__(self) -> str:
        return f"Detention of child {self.child_id} at {self.suite} on {self.arrested_at:%d %b %Y}"


# Column order for bulk inserts of detentions (import and synthetic data share it).
DETENTION_COLUMNS = [
    "child",
    "suite",
    "arrested_at",
    "arrived_at",
    "released_at",
    "offence",
    "arresting_force",
    "out_of_county",
    "home_la_at_arrest",
    "appropriate_adult",
    "carer_informed",
    "comfort_box",
    "age_override_reason",
    "source",
    "custody_reference",
    "recorded_by",
    "created_at",
    "arrival_weekday",
    "arrival_hour",
    "was_approached",
    "was_engaged",
    "first_intervention_at",
]


class ReleaseCorrection(models.Model):
    """A release time put right after it was recorded: the earlier time and why it changed are kept."""

    detention = models.ForeignKey(
        Detention, on_delete=models.CASCADE, related_name="release_corrections"
    )
    was = models.DateTimeField()
    now_is = models.DateTimeField()
    reason = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"Release time corrected from {self.was:%d %b %Y %H:%M}"


class Engagement(models.Model):
    """An attempt to meet the child. Voluntary: a refusal is recorded with respect, never held against them."""

    detention = models.ForeignKey(Detention, on_delete=models.CASCADE, related_name="engagements")
    attempted_at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    engaged = models.BooleanField()
    reason_not_engaged = models.ForeignKey(
        Code,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"code_list__key": "engagement-not-reason"},
    )
    topics = models.ManyToManyField(
        Code, blank=True, related_name="+", limit_choices_to={"code_list__key": "engagement-topic"}
    )
    discussed = models.TextField(blank=True)
    childs_words = models.TextField("the child's own words", blank=True)

    class Meta:
        indexes = [models.Index(fields=["detention", "attempted_at"])]

    def __str__(self) -> str:
        return f"{'Engaged' if self.engaged else 'Not engaged'} at {self.attempted_at:%H:%M}"


class ShareRoute(models.Model):
    """Where concerns about a child from a home local authority go (e.g. London boroughs -> repatriation)."""

    home_la = models.OneToOneField(Area, on_delete=models.CASCADE, related_name="share_route")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    notes = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.home_la} -> {self.team}"


class ConcernShare(models.Model):
    """A concern shared in real time with another team. The recipient sees what was shared, not the record."""

    agreement = agreement_field()
    detention = models.ForeignKey(
        Detention, on_delete=models.PROTECT, related_name="concern_shares"
    )
    to_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="concerns_received")
    method = models.ForeignKey(
        Code,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"code_list__key": "share-method"},
    )
    summary = models.TextField()
    shared_at = models.DateTimeField()
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["to_team", "acknowledged_at", "-shared_at"])]

    def __str__(self) -> str:
        return f"Concern to {self.to_team} at {self.shared_at:%d %b %H:%M}"


class CommunityOffer(models.Model):
    """Support offered in the community to a child not open to any service."""

    class Outcome(models.TextChoices):
        OPEN = "open", "Still working together"
        COMPLETED = "completed", "Completed"
        DECLINED_LATER = "declined", "Child chose to stop"
        HANDED_OVER = "handed_over", "Handed over to another service"
        MOVED = "moved", "Moved away"

    detention = models.ForeignKey(
        Detention, on_delete=models.PROTECT, related_name="community_offers"
    )
    offered_at = models.DateTimeField()
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    accepted = models.BooleanField()
    sessions = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Community offer for detention {self.detention_id}"


class Feedback(models.Model):
    class Source(models.TextChoices):
        CHILD = "child", "Child"
        CARER = "carer", "Parent or carer"
        CUSTODY_STAFF = "custody_staff", "Custody staff"
        PARTNER = "partner", "Partner agency"

    source = models.CharField(max_length=15, choices=Source.choices)
    rating = models.PositiveSmallIntegerField(help_text="1 (poor) to 5 (very good)")
    comment = models.TextField(blank=True)
    suite = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    given_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} feedback ({self.rating}/5)"


class PilotTarget(models.Model):
    """The pilot's yearly targets and the pre-pilot baseline, editable by the programme."""

    year = models.PositiveIntegerField(unique=True)
    children_engaged = models.PositiveIntegerField(default=100)
    offered_community_support = models.PositiveIntegerField(default=50)
    baseline_hours_to_intervention = models.PositiveIntegerField(
        default=336,
        help_text="Before the pilot: hours from arrest to first intervention (336 = two weeks).",
    )

    def __str__(self) -> str:
        return f"Targets for {self.year}"


class DetentionImport(models.Model):
    """A custody CSV queued for import, its progress, and what came of it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        CHECKING = "checking", "Checking the rows"
        DONE = "done", "Imported"
        REJECTED = "rejected", "Not imported: the file has problems"
        FAILED = "failed", "Not imported: something went wrong on our side"

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filename = models.CharField(max_length=200)
    stored_as = models.CharField(
        max_length=300,
        blank=True,
        help_text="Where the upload waits on disk; the file is deleted once the import has run.",
    )
    rows_in_file = models.PositiveIntegerField(default=0)
    rows_checked = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="The last time the running job reported progress."
    )
    queued_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created = models.PositiveIntegerField(default=0)
    already_imported = models.PositiveIntegerField(default=0)
    new_children = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)

    class Meta:
        indexes = [models.Index(fields=["uploaded_by", "-queued_at"])]

    def __str__(self) -> str:
        return f"Import of {self.filename} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    @property
    def stalled(self) -> bool:
        """Started but silent for REACHABLE_JOB_STALE_MINUTES: its worker was stopped. The import
        is one transaction, so nothing of it was saved, and it can be run again."""
        return stalled(self.status == self.Status.CHECKING, self.heartbeat_at)
