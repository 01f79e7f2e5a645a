"""The county lines network picture: lines, their deal numbers, where they run, the places of
concern they use, what was seen and what was done to disrupt them (seed 003, "Impact & Mapping").

Every piece of intelligence carries where it came from and a 3x5x2 grading (source, information,
handling), held as code lists the partnership can edit. First and last seen are never typed:
they are worked out from sightings. Deal numbers and addresses are kept as keyed hashes too, so
that a match across records can be counted without showing the value.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from reachable.core.models import Area, Code, Place

SOURCE_GRADES, INFORMATION_GRADES, HANDLING_CODES = (
    "intel-source",
    "intel-information",
    "intel-handling",
)


def _grade(list_key: str, label: str) -> models.ForeignKey[Code, Code]:
    return models.ForeignKey(
        Code,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"code_list__key": list_key},
        verbose_name=label,
    )


class Graded(models.Model):
    """Where a piece of intelligence came from, how far it is trusted, and how it may be shared."""

    source = models.CharField(
        max_length=200, help_text="Where this came from, e.g. an intelligence report reference."
    )
    source_grade = _grade(SOURCE_GRADES, "Source grading")
    information_grade = _grade(INFORMATION_GRADES, "Information grading")
    handling = _grade(HANDLING_CODES, "Handling code")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    @property
    def grading(self) -> str:
        return f"{self.source_grade.code}{self.information_grade.code}{self.handling.code}"


class Line(Graded):
    class Model(models.TextChoices):
        TRADITIONAL = "traditional", "Traditional (run from the origin)"
        SATELLITE = "satellite", "Satellite or franchise (recruits local children)"
        LOCAL = "local", "Local (run within the area)"

    name = models.CharField("Line name or brand", max_length=120)
    name_key = models.CharField(max_length=120, editable=False)
    origin = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="lines_from")
    destinations = models.ManyToManyField(Place, related_name="lines_to")
    controlling_group = models.CharField(max_length=200, blank=True)
    model = models.CharField(max_length=20, choices=Model.choices)
    crosses_force_boundary = models.BooleanField(
        help_text="National assessments report lines within one force area separately."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name_key", "origin"], name="line_unique_per_origin")
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.origin})"


class LineStatus(Graded):
    """The line's status from a date: the newest one is the line's status now."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        DISRUPTED = "disrupted", "Disrupted"
        CLOSED = "closed", "Closed"
        RE_EMERGED = "re_emerged", "Re-emerged"

    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="statuses")
    status = models.CharField(max_length=20, choices=Status.choices)
    since = models.DateField()
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["line", "since", "pk"]
        indexes = [models.Index(fields=["line", "-since"])]

    def __str__(self) -> str:
        return f"{self.get_status_display()} from {self.since:%d %b %Y}"


class DealNumber(Graded):
    """A phone number a line deals from. The clear number is shown to intelligence roles only."""

    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="numbers")
    number = models.CharField(max_length=16)
    number_hash = models.CharField(max_length=64, db_index=True, editable=False)
    first_used = models.DateField()
    last_used = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["line", "first_used"]
        constraints = [
            models.UniqueConstraint(
                fields=["line", "number_hash"], name="deal_number_once_per_line"
            )
        ]

    def __str__(self) -> str:
        return f"Deal number on {self.line}"


class Location(Graded):
    """A place of concern a line uses: a cuckooed home, a hotel, a station, a school gate."""

    class Kind(models.TextChoices):
        CUCKOOED_HOME = "cuckooed_home", "Cuckooed home"
        HOTEL = "hotel", "Hotel"
        SHORT_LET = "short_let", "Short let"
        STATION = "station", "Station"
        PARK = "park", "Park"
        SCHOOL_GATE = "school_gate", "School gate"
        OTHER = "other", "Other"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.CharField(
        "Address or description", max_length=200, help_text="Intelligence roles only."
    )
    address_hash = models.CharField(max_length=64, db_index=True, editable=False)
    town = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", editable=False)
    postcode_district = models.CharField(max_length=4, blank=True)
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)

    class Meta:
        ordering = ["town__name", "kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} in {self.town}"


class Sighting(Graded):
    """Line X seen at place Y (or in a town) on a date: what first and last seen come from."""

    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="sightings")
    town = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="sightings"
    )
    seen_on = models.DateField()
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["line", "seen_on"]
        indexes = [models.Index(fields=["line", "seen_on"]), models.Index(fields=["seen_on"])]

    def __str__(self) -> str:
        return f"{self.line} seen on {self.seen_on:%d %b %Y}"


class Disruption(Graded):
    """Something done against a line. A closure (Home Office: type 1, the holder charged; type 2,
    the number deactivated) closes the lines it names."""

    class Kind(models.TextChoices):
        ARREST = "arrest", "Arrest"
        WARRANT = "warrant", "Warrant"
        SEIZURE = "seizure", "Seizure"
        CLOSURE_TYPE_1 = "closure_1", "Line closure, type 1 (holder charged)"
        CLOSURE_TYPE_2 = "closure_2", "Line closure, type 2 (number deactivated)"
        SAFEGUARDING_REFERRAL = "safeguarding", "Safeguarding referral"
        NRM_REFERRAL = "nrm", "National Referral Mechanism referral"

    CLOSURES = frozenset({Kind.CLOSURE_TYPE_1, Kind.CLOSURE_TYPE_2})

    kind = models.CharField(max_length=20, choices=Kind.choices)
    occurred_on = models.DateField()
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="+", help_text="The county it happened in."
    )
    lines = models.ManyToManyField(Line, related_name="disruptions")
    locations = models.ManyToManyField(Location, blank=True, related_name="disruptions")
    outcome = models.CharField(max_length=300, blank=True)
    children_safeguarded = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-occurred_on"]
        indexes = [models.Index(fields=["occurred_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_on:%d %b %Y}"


class ChildLink(Graded):
    """A child linked to a line or a place of concern. Seen by intelligence roles only, and there
    as a pseudonym: the intelligence picture never names the child."""

    class Role(models.TextChoices):
        HOLDING = "holding", "Made to hold the deal line"
        DEALING = "dealing", "Made to carry or deal"
        CUCKOOED = "cuckooed", "Home taken over (cuckooed)"
        RECRUITED = "recruited", "Being groomed or recruited"
        OTHER = "other", "Other"

    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="+")
    line = models.ForeignKey(
        Line, null=True, blank=True, on_delete=models.CASCADE, related_name="child_links"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="child_links"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["child"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(line__isnull=False) | models.Q(location__isnull=False),
                name="child_link_names_a_line_or_place",
            )
        ]

    def __str__(self) -> str:
        return f"Link to {self.line or self.location}"
