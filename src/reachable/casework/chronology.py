"""Writing the child's one chronology. Every app that records something in a child's story calls
``chronicle`` inside its own transaction, so the chronology page reads one table."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from reachable.accounts.permissions import agency_for
from reachable.casework.models import Case, ChronologyEntry
from reachable.core.models import Agency

V = ChronologyEntry.Visibility
# Column order for bulk inserts of entries (imports and synthetic data).
CHRONOLOGY_COLUMNS = [
    "child",
    "occurred_at",
    "kind",
    "summary",
    "is_contact",
    "visibility",
    "author",
    "agency",
    "case",
    "recorded_at",
]


def agency_of(user: Any, capability: str) -> Agency:
    """The agency a user acts for when doing this; refused if they hold no such role."""
    agency = agency_for(user, capability)
    if agency is None:
        raise ValidationError("You need a role in an agency to do this.")
    return agency


def chronicle(
    *,
    user: Any,
    child_id: int,
    kind: str,
    summary: str,
    occurred_at: dt.datetime | None = None,
    case: Case | None = None,
    visibility: str = V.INVOLVED,
    is_contact: bool = False,
    agency: Agency | None = None,
) -> ChronologyEntry:
    now = timezone.now()
    return ChronologyEntry.objects.create(
        child_id=child_id,
        occurred_at=occurred_at or now,
        kind=kind,
        summary=summary,
        is_contact=is_contact,
        visibility=visibility,
        author=user,
        agency=agency or (case.team.agency if case else agency_of(user, "chronology.add")),
        case=case,
        recorded_at=now,
    )
