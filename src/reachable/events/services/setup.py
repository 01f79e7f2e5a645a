"""Organisers set up sessions: times entered in UK time, stored as instants."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from reachable.audit.services import audit_record
from reachable.events import access
from reachable.events.models import Series, Session, Speaker
from reachable.events.services.calendar import LONDON


def _speakers(text: str) -> list[tuple[str, str, str]]:
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(",")]
        if not parts[0]:
            raise ValidationError({"speakers": f"Line {number}: start with the speaker's name."})
        found.append((parts[0], parts[1] if len(parts) > 1 else "", ", ".join(parts[2:])))
    return found


@transaction.atomic
def session_create(
    *,
    user: Any,
    series: Series,
    day: dt.date,
    starts: dt.time,
    ends: dt.time,
    speakers: str = "",
    **fields: Any,
) -> Session:
    access.organise_check(user)
    starts_at = dt.datetime.combine(day, starts, tzinfo=LONDON)
    ends_at = dt.datetime.combine(day, ends, tzinfo=LONDON)
    if starts_at <= timezone.now():
        raise ValidationError({"day": "Enter a date and start time in the future."})
    if ends_at <= starts_at:
        raise ValidationError({"ends": "The end time must be after the start time."})
    people = _speakers(speakers)
    session = Session.objects.create(series=series, starts_at=starts_at, ends_at=ends_at, **fields)
    for name, organisation, role in people:
        Speaker.objects.create(session=session, name=name, organisation=organisation, role=role)
    audit_record(user=user, action="events.session.create", obj=session)
    return session
