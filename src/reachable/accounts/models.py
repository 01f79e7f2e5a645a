from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models

from reachable.accounts.roles import Role
from reachable.core.models import Agency, Area, Team


class User(AbstractUser):
    """A person who signs in. What they may do comes from their memberships, not from flags."""

    job_title = models.CharField(max_length=200, blank=True)

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(m.role for m in self.active_memberships)

    @cached_property
    def active_memberships(self) -> list[Membership]:
        return list(self.memberships.filter(active=True).select_related("agency", "team"))

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.get_username()


class Membership(models.Model):
    """A user's place in the partnership: a role held in an agency, optionally in a team and areas."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=40, choices=Role.choices)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    areas = models.ManyToManyField(Area, blank=True, related_name="memberships")
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "agency", "team"], name="membership_unique"
            ),
        ]

    def __str__(self) -> str:
        where = self.team or self.agency
        return f"{self.get_role_display()}, {where}"


class ApiClient(models.Model):
    """A partner system (a police custody system, a school's safeguarding tool) that calls the
    API. It acts through its own service account, which holds a role in one agency like any
    person, so it reads and writes exactly what that role there may, and every call is audited
    as it."""

    name = models.CharField(max_length=120, unique=True)
    account = models.OneToOneField(User, on_delete=models.PROTECT, related_name="api_client")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="api_clients")
    calls_per_minute = models.PositiveIntegerField(default=120)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ApiToken(models.Model):
    """A client's secret, kept only as its SHA-256: shown once when issued, never again."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="tokens")
    prefix = models.CharField(max_length=12, unique=True, help_text="Shown to tell tokens apart.")
    digest = models.CharField(max_length=64)
    issued_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"{self.client}: {self.prefix}…"


class IdempotentRequest(models.Model):
    """A write sent with an ``Idempotency-Key`` header, and the answer it got, so that a partner
    system retrying after a timeout gets the same answer and nothing is done twice.

    An answer about a record keeps only the record's id: a replay reads the record again through
    the view's own read path, so access is checked and the read audited as any other. Rows are
    kept for ``REACHABLE_IDEMPOTENCY_HOURS`` and replayed only to the account that sent them."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    created_at = models.DateTimeField(auto_now_add=True)
    status_code = models.PositiveSmallIntegerField(null=True, help_text="Empty while it runs.")
    body = models.JSONField(null=True, help_text="Kept only for answers that name no record.")
    object_id = models.BigIntegerField(
        null=True, help_text="The record the answer was about: read again, with access checked."
    )
    location = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_request_per_key_per_user")
        ]
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.user}: {self.key}"
