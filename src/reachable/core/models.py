"""The partnership as data: areas, agencies, teams, places and code lists.

Nothing here is specific to the four seed counties; another partnership loads its own file.
"""

from __future__ import annotations

from typing import Any

from django.db import models


class CodeList(models.Model):
    """A named list of reference codes (sex, ethnicity, identifier kinds, agency types...)."""

    key = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name


class Code(models.Model):
    code_list = models.ForeignKey(CodeList, on_delete=models.PROTECT, related_name="codes")
    code = models.CharField(max_length=64)
    label = models.CharField(max_length=200)
    group = models.CharField(
        max_length=200, blank=True, help_text="Optional grouping, e.g. the 5-way ethnic group."
    )
    order = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code_list", "order", "label"]
        constraints = [
            models.UniqueConstraint(fields=["code_list", "code"], name="code_unique_in_list"),
        ]

    def __str__(self) -> str:
        return self.label


class Partnership(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.name


class Area(models.Model):
    """A county, a local authority within it, or a region outside the partnership (e.g. London)."""

    class Kind(models.TextChoices):
        REGION = "region", "Region"
        COUNTY = "county", "County"
        LOCAL_AUTHORITY = "local_authority", "Local authority"

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    partnership = models.ForeignKey(
        Partnership,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="areas",
        help_text="Empty for areas outside the partnership, such as home boroughs of children from London.",
    )
    gss_code = models.CharField("GSS code", max_length=9, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def in_partnership(self) -> bool:
        return self.partnership_id is not None

    def county(self) -> Area | None:
        """The county this area belongs to (itself if it is one)."""
        area: Area | None = self
        while area is not None and area.kind != Area.Kind.COUNTY:
            area = area.parent
        return area


class Agency(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    agency_type = models.ForeignKey(
        Code,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"code_list__key": "agency-type"},
    )
    areas = models.ManyToManyField(
        Area, related_name="agencies", help_text="Where the agency works."
    )
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="agencies")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="teams")
    places: models.ManyToManyField[Place, Any] = models.ManyToManyField(
        "Place",
        blank=True,
        related_name="teams",
        help_text="Custody suites or bases the team works from.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Place(models.Model):
    class Kind(models.TextChoices):
        CUSTODY_SUITE = "custody_suite", "Custody suite"
        SCHOOL = "school", "School"
        TOWN = "town", "Town or city"
        OTHER = "other", "Other place"

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="places")
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="places"
    )
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self) -> str:
        return self.name


class OperatingHours(models.Model):
    """When a service is staffed at a place; on-call periods are marked as such."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="hours")
    weekday = models.IntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    closes = models.TimeField()
    on_call = models.BooleanField(default=False)

    class Meta:
        ordering = ["place", "weekday", "opens"]
        verbose_name_plural = "operating hours"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")), name="hours_close_after_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"
