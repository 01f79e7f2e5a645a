"""The child: one person record shared by every app, with identifiers, carers and services."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from reachable.core.models import Area, Code, Team


class Child(models.Model):
    # Foreign keys to code lists and users carry no index of their own (db_index=False): nothing
    # looks children up by them, and each index slows the bulk loads of a million records.
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    known_as = models.CharField(
        max_length=100, blank=True, help_text="Other names or spellings the child uses."
    )
    date_of_birth = models.DateField()
    sex = models.ForeignKey(
        Code,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"code_list__key": "sex"},
        db_index=False,
    )
    ethnicity = models.ForeignKey(
        Code,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"code_list__key": "ethnicity"},
        db_index=False,
    )
    home_la = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children_resident",
        verbose_name="home local authority",
    )
    # Phonetic keys, kept by the services, so that a misspelt name still finds the child.
    given_name_key = models.CharField(max_length=8, editable=False)
    family_name_key = models.CharField(max_length=8, editable=False)
    given_name_prefix = models.CharField(max_length=3, editable=False)
    given_name_suffix = models.CharField(max_length=3, editable=False)
    family_name_prefix = models.CharField(max_length=3, editable=False)
    family_name_suffix = models.CharField(max_length=3, editable=False)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    updated_at = models.DateTimeField()
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_records"
    )

    class Meta:
        verbose_name_plural = "children"
        indexes = [
            models.Index(fields=["family_name_key", "given_name_key"]),
            models.Index(fields=["family_name_prefix", "given_name_prefix"]),
            models.Index(fields=["family_name_suffix", "given_name_suffix"]),
            models.Index(fields=["given_name_key"]),
            models.Index(fields=["given_name_prefix"]),
            models.Index(fields=["given_name_suffix"]),
            models.Index(fields=["date_of_birth"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def age_on(self, day: dt.date) -> int:
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class ChildIdentifier(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.ForeignKey(
        Code,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"code_list__key": "identifier-kind"},
        db_index=False,
    )
    value = models.CharField(max_length=40)
    # Upper case without spaces or separators, for exact look-up whatever way it was typed.
    value_normalised = models.CharField(max_length=40, db_index=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "value_normalised"], name="identifier_unique_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"


class Carer(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="carers")
    name = models.CharField(max_length=200)
    relationship = models.ForeignKey(
        Code,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"code_list__key": "carer-relationship"},
    )
    parental_responsibility = models.BooleanField(default=False)
    contact = models.CharField(max_length=200, blank=True, help_text="How to reach them.")

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"


class ServiceStatus(models.Model):
    """Whether the child is known to a service: the 'known to services' flags."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Previously known"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="services")
    service = models.ForeignKey(
        Code,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"code_list__key": "service"},
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    since = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "service statuses"
        constraints = [
            models.UniqueConstraint(fields=["child", "service"], name="one_status_per_service")
        ]

    def __str__(self) -> str:
        return f"{self.service}: {self.get_status_display()}"


class Involvement(models.Model):
    """A team (and optionally a named worker) working with a child. This is what grants access."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="involvements")
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="involvements", db_index=False
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="involvements",
        db_index=False,
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["team", "child"]), models.Index(fields=["worker", "child"])]

    def __str__(self) -> str:
        return f"{self.team} with child {self.child_id}"


class ChildMerge(models.Model):
    """A duplicate folded into another record, with a snapshot of the duplicate as it was."""

    kept = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="merges_folded")
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField()
    snapshot = models.JSONField(encoder=DjangoJSONEncoder)

    def __str__(self) -> str:
        return f"Record {self.merged_id} merged into {self.kept_id}"


# The columns a bulk insert of children writes (the synthetic partnership, custody imports): every
# stored field of Child a new record has, the derived name keys included.
CHILD_FIELDS = [
    "id",
    "given_name",
    "family_name",
    "known_as",
    "date_of_birth",
    "sex",
    "ethnicity",
    "home_la",
    "given_name_key",
    "family_name_key",
    "given_name_prefix",
    "given_name_suffix",
    "family_name_prefix",
    "family_name_suffix",
    "created_at",
    "updated_at",
    "created_by",
]
