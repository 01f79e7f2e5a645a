"""The Recommended Minimum Dataset as data: versions of the specification, their domains and
measures (loaded from Table Schema files in ``specs/``), and the six-monthly return periods."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from reachable.core.models import Agency, Area
from reachable.lib.jobs import stalled


class SpecVersion(models.Model):
    version = models.CharField(max_length=20, unique=True, help_text="e.g. 2026.1")
    published_on = models.DateField()
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-published_on"]

    def __str__(self) -> str:
        return f"Minimum dataset {self.version}"


class Domain(models.Model):
    """One return file: a domain (Youth Justice, Police...) in one version of the specification."""

    class Level(models.TextChoices):
        PERSON = "person", "One row per child (pseudonymised at upload)"
        AGGREGATE = "aggregate", "Counts by breakdown"

    version = models.ForeignKey(SpecVersion, on_delete=models.CASCADE, related_name="domains")
    key = models.SlugField(max_length=40)
    title = models.CharField(max_length=100)
    description = models.TextField()
    owner_agency_type = models.CharField(max_length=40)
    level = models.CharField(max_length=10, choices=Level.choices)
    schema = models.JSONField(help_text="The Table Schema descriptor, as published.")

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="domain_unique_in_version")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.version.version})"


class Measure(models.Model):
    """One column of a return: its meaning, type, allowed values and role."""

    class Role(models.TextChoices):
        IDENTIFIER = "identifier", "Identifier (pseudonymised at upload)"
        QUASI_IDENTIFIER = "quasi-identifier", "Quasi-identifier (kept for linkage)"
        CHARACTERISTIC = "characteristic", "Characteristic"
        BREAKDOWN = "breakdown", "Breakdown"
        MEASURE = "measure", "Measure"

    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="measures")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=60)
    title = models.CharField(max_length=120)
    description = models.TextField()
    type = models.CharField(max_length=10)
    unit = models.CharField(max_length=30, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices)
    required = models.BooleanField(default=False)
    codes = models.JSONField(default=list, blank=True)
    minimum = models.FloatField(null=True, blank=True)
    maximum = models.FloatField(null=True, blank=True)
    pattern = models.CharField(max_length=100, blank=True)
    renamed_from = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["domain", "position"]
        constraints = [
            models.UniqueConstraint(fields=["domain", "name"], name="measure_unique_in_domain")
        ]

    def __str__(self) -> str:
        return self.name


class ReturnPeriod(models.Model):
    """Six months of data, returned by a due date (the first: April to September, in October)."""

    label = models.CharField(max_length=40, unique=True)
    starts_on = models.DateField()
    ends_on = models.DateField()
    due_on = models.DateField()
    spec_version = models.CharField(
        max_length=20, help_text="The version of the dataset returned for this period, e.g. 2026.1."
    )
    closed = models.BooleanField(
        default=False, help_text="A closed period takes no new or replacement returns."
    )

    class Meta:
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return self.label

    def contains(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on


class Submission(models.Model):
    """One return uploaded by an agency for a county, period and domain, and what became of it.

    The file itself is kept only until it is checked: an accepted return is stored pseudonymised
    (``stored_as``, a Parquet file), so names never stay on the server in clear.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be checked"
        CHECKING = "checking", "Being checked"
        REJECTED = "rejected", "Not accepted: problems to fix"
        ACCEPTED = "accepted", "Accepted"
        SUPERSEDED = "superseded", "Replaced by a later return"
        FAILED = "failed", "Could not be processed"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="returns")
    county = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="returns")
    period = models.ForeignKey(ReturnPeriod, on_delete=models.PROTECT, related_name="submissions")
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="submissions")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()
    filename = models.CharField(max_length=200)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    progress = models.CharField(max_length=200, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="The last time the running check reported progress."
    )
    rows = models.PositiveIntegerField(default=0)
    problem_count = models.PositiveIntegerField(default=0)
    notes = models.JSONField(default=list, blank=True)
    measures_present = models.JSONField(
        default=list,
        blank=True,
        help_text="Measures with at least one value in the accepted return.",
    )
    gaps = models.TextField(
        blank=True, help_text="Why some measures are not captured yet (shown on completeness)."
    )
    stored_as = models.CharField(max_length=300, blank=True)
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["period", "domain", "county", "agency", "status"])]

    def __str__(self) -> str:
        return f"{self.domain.title} return, {self.county}, {self.period}"

    @property
    def finished(self) -> bool:
        return self.status not in {self.Status.QUEUED, self.Status.CHECKING}

    @property
    def stalled(self) -> bool:
        """Its check's worker was stopped part-way: nothing of the return was accepted, and the
        uploaded file waits to be checked again."""
        return stalled(self.status == self.Status.CHECKING, self.heartbeat_at)


class ReturnProblem(models.Model):
    """One problem found in a submitted return (values of identifier columns are not kept)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="problems")
    row = models.PositiveIntegerField()
    column = models.CharField(max_length=100, blank=True)
    value = models.CharField(max_length=200, blank=True)
    message = models.TextField()

    class Meta:
        ordering = ["row", "column"]

    def __str__(self) -> str:
        return f"Row {self.row}, {self.column}: {self.message}"


class LinkageRun(models.Model):
    """One linkage of every accepted person-level return up to a period (Splink, pseudonymised).

    The records each person ID holds are in a Parquet snapshot per run (``persons_file``); a later
    run starts from the last finished run's snapshot, so IDs stay the same across cycles."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to run"
        RUNNING = "running", "Running"
        DONE = "done", "Finished"
        FAILED = "failed", "Failed"

    class Kind(models.TextChoices):
        FULL = "full", "Estimate the model and link"
        DECISIONS = "decisions", "Apply review decisions to the last linkage"

    period = models.ForeignKey(ReturnPeriod, on_delete=models.PROTECT, related_name="linkage_runs")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FULL)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.CharField(max_length=200, blank=True)
    step = models.PositiveSmallIntegerField(default=0, help_text="Of STEPS, for the progress bar.")
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="The last time the running linkage reported progress."
    )
    attempt = models.PositiveSmallIntegerField(
        default=0,
        help_text="Times it was run again after its worker stopped: only the latest attempt may "
        "finish it (a worker thought stopped but only slow must not finish it twice).",
    )
    accept_at = models.FloatField(
        help_text="Pairs at or above this match probability are linked without review."
    )
    review_from = models.FloatField(
        help_text="Pairs from this probability up to the acceptance threshold go to review."
    )
    based_on = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The run whose person IDs this run carries forward.",
    )
    model = models.JSONField(default=dict, blank=True, help_text="The Splink model, as estimated.")
    records = models.PositiveIntegerField(default=0)
    pairs_scored = models.PositiveIntegerField(default=0)
    links = models.PositiveIntegerField(default=0)
    for_review = models.PositiveIntegerField(default=0)
    conflicts = models.JSONField(
        default=list,
        blank=True,
        help_text="'Different children' decisions this run could not keep, and the 'same child' "
        "decisions that joined them: for an analyst to resolve.",
    )
    persons = models.PositiveIntegerField(default=0)
    new_persons = models.PositiveIntegerField(default=0)
    highest_person_id = models.PositiveBigIntegerField(
        default=0, help_text="The highest person ID issued so far (IDs are never reused)."
    )
    pairs_file = models.CharField(max_length=300, blank=True)
    persons_file = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)

    STEPS = 4

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Linkage {self.pk} ({self.period})"

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def stalled(self) -> bool:
        """Its worker was stopped part-way: nothing of the run was kept (its results are written
        in one transaction at the end), and the last finished run is still in force."""
        return stalled(self.status == self.Status.RUNNING, self.heartbeat_at)


class PairReview(models.Model):
    """A pair of records in the uncertain band, for an analyst to decide (clerical review).

    Keyed by the two pseudonymised record keys, so a decision holds for every later run."""

    class Decision(models.TextChoices):
        PENDING = "pending", "Not yet reviewed"
        SAME = "same", "The same child"
        DIFFERENT = "different", "Different children"

    key_l = models.CharField(max_length=64)
    key_r = models.CharField(max_length=64)
    agency_l = models.CharField(max_length=80)
    agency_r = models.CharField(max_length=80)
    run = models.ForeignKey(LinkageRun, on_delete=models.CASCADE, related_name="reviews")
    match_probability = models.FloatField()
    match_weight = models.FloatField()
    weights = models.JSONField(help_text="The match weight each comparison added.")
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-match_probability"]
        constraints = [models.UniqueConstraint(fields=["key_l", "key_r"], name="pair_review_once")]
        # The review queue: pending pairs, highest score first.
        indexes = [models.Index(fields=["decision", "-match_probability"])]

    def __str__(self) -> str:
        return f"Pair {self.pk} ({self.match_probability:.3f})"


class PersonChange(models.Model):
    """A partnership person ID merged into another, or records split away from one, and why."""

    class Kind(models.TextChoices):
        MERGE = "merge", "Merged"
        SPLIT = "split", "Split"

    run = models.ForeignKey(LinkageRun, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    person_id = models.PositiveBigIntegerField(help_text="The ID merged away, or split from.")
    other_id = models.PositiveBigIntegerField(help_text="The ID kept, or the records' new ID.")
    records = models.PositiveIntegerField()
    reason = models.TextField()

    class Meta:
        ordering = ["run", "kind", "person_id"]
        indexes = [models.Index(fields=["person_id"]), models.Index(fields=["other_id"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {person_reference(self.person_id)}"


def person_reference(person_id: int) -> str:
    """How a partnership person ID is written: RP-0000042."""
    return f"RP-{person_id:07d}"


class PopulationReference(models.Model):
    """Children aged 10-17 living in a county, by ethnic group: the denominator for
    disproportionality. Bundled figures are illustrative; load ONS mid-year estimates in use."""

    county = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    ethnic_group = models.CharField(max_length=1, help_text="W, M, A, B or O (census high-level).")
    children = models.PositiveIntegerField()
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["county", "ethnic_group"]
        constraints = [
            models.UniqueConstraint(fields=["county", "ethnic_group"], name="population_once")
        ]

    def __str__(self) -> str:
        return f"{self.county} {self.ethnic_group}: {self.children}"
