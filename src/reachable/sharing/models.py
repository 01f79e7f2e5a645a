"""A child's record shared with another agency. The sharing app grows ISAs and lawful bases on this."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from reachable.core.models import Agency


class Share(models.Model):
    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="shares")
    to_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="shares_received")
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["to_agency", "child"])]

    def __str__(self) -> str:
        return f"Child {self.child_id} shared with {self.to_agency}"
