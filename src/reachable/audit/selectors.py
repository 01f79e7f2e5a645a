"""Searching the audit log (partnership admins only; the view declares that)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from reachable.audit.models import AuditEvent


def audit_search(
    *,
    username: str = "",
    action: str = "",
    child_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    only_flagged: bool = False,
) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.all().order_by("-seq")
    if username:
        events = events.filter(username__iexact=username)
    if action:
        events = events.filter(action__startswith=action)
    if child_id is not None:
        events = events.filter(child_id=child_id)
    if date_from:
        events = events.filter(at__date__gte=date_from)
    if date_to:
        events = events.filter(at__date__lte=date_to)
    if only_flagged:
        events = events.filter(action__endswith=".denied") | events.filter(
            action__startswith="breakglass"
        )
    return events


def recently_viewed_child_ids(user: Any, *, limit: int = 5) -> list[int]:
    """The children this user opened most recently, newest first, without repeats."""
    seen: list[int] = []
    events = AuditEvent.objects.filter(user=user, action="child.view").order_by("-seq")
    for child_id in events.values_list("child_id", flat=True)[:200]:
        if child_id is not None and child_id not in seen:
            seen.append(child_id)
            if len(seen) == limit:
                break
    return seen
