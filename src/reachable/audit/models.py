"""An append-only, hash-chained log of every write and every read of a child's record."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    # ``seq`` is allocated under a lock on ChainHead in the same transaction, so it has no gaps:
    # a missing number means a deleted event.
    seq = models.BigIntegerField(unique=True, editable=False)
    at = models.DateTimeField(db_index=True, editable=False)
    # No database foreign key: the log must outlive users and children it mentions, unchanged.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        editable=False,
    )
    username = models.CharField(max_length=150, blank=True, editable=False)
    action = models.CharField(max_length=64, db_index=True, editable=False)
    object_type = models.CharField(max_length=64, blank=True, editable=False)
    object_id = models.CharField(max_length=64, blank=True, editable=False)
    child_id = models.BigIntegerField(null=True, db_index=True, editable=False)
    reason = models.TextField(blank=True, editable=False)
    detail = models.JSONField(default=dict, blank=True, editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["user", "-seq"]),
            models.Index(fields=["object_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} by {self.username or 'system'}"

    @property
    def is_break_glass(self) -> bool:
        return self.action.startswith("breakglass")

    @property
    def is_denied(self) -> bool:
        return self.action.endswith(".denied")


class ChainHead(models.Model):
    """The single row that serialises appends and remembers the newest hash."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"Audit chain at event {self.last_seq}"
