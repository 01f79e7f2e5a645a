"""The outbox: every email is a row before it is a message, written in the same transaction as
the change it tells of (a change rolled back sends nothing), sent afterwards by
``notifications.services.outbox_send``, retried with backoff when the mail server refuses it,
and visible to the partnership admin until it is sent or given up on. Nothing is lost."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Email(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Given up after retries"
        DIGEST = "digest", "Held for the daily summary"
        DIGESTED = "digested", "Sent in a daily summary"
        OFF = "off", "Not sent: turned off by the person"

    kind = models.CharField(max_length=60)
    to = models.EmailField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The person in the partnership it is for; empty for people outside it.",
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    attachment_name = models.CharField(max_length=100, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment = models.BinaryField(blank=True, editable=False)
    # Makes "send once" a database rule: a reminder job that runs twice writes the row once.
    dedupe_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.subject} to {self.to}"


class Preference(models.Model):
    class Frequency(models.TextChoices):
        IMMEDIATELY = "now", "Straight away"
        DAILY = "daily", "In a daily summary"
        OFF = "off", "Do not email me"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preferences"
    )
    kind = models.CharField(max_length=60)
    frequency = models.CharField(max_length=5, choices=Frequency.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} {self.frequency}"


class Webhook(models.Model):
    """Where a partner system (an API client) wants to hear of events, signed with its secret."""

    EVENTS = [
        ("custody.concern_shared", "A concern shared from custody with the system's team"),
        ("casework.referral_triaged", "A triage decision on a referral the system's agency made"),
        ("returns.checked", "A return from the system's agency accepted or rejected"),
    ]

    client = models.ForeignKey(
        "accounts.ApiClient", on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField()
    events = models.JSONField(help_text="The event kinds it receives.")
    # Kept to sign each payload (HMAC-SHA256); shown to the admin once, when the hook is made.
    secret = models.CharField(max_length=64, editable=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.client}: {self.url}"


class Delivery(models.Model):
    """One event for one webhook: retried with backoff like an email, its outcome kept."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be delivered"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Given up after retries"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=60)
    payload = models.JSONField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.event} to {self.webhook}"
