"""The Recommended Minimum Dataset as data: versions of the specification, their domains and
measures (loaded from Table Schema files in ``specs/``), and the six-monthly return periods."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from reachable.core.models import Agency, Area


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
