"""Building series, sessions and registrations for the events' tests (synthetic people only)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from reachable.events.models import Registration, Series, Session
from reachable.events.services import registration

_numbers = itertools.count(1)


def a_session(
    *, capacity: int = 2, starts_in: dt.timedelta = dt.timedelta(days=10), **fields: Any
) -> Session:
    number = next(_numbers)
    series, _ = Series.objects.get_or_create(
        slug="safe-workshops", defaults={"title": "SAFE workshops"}
    )
    starts = (timezone.now() + starts_in).replace(second=0, microsecond=0)
    values: dict[str, Any] = {
        "series": series,
        "title": f"Workshop {number}: the reachable moment",
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=2),
        "online_link": "https://meet.example.org/workshop",
        "capacity": capacity,
    }
    values.update(fields)
    return Session.objects.create(**values)


def sign_up(session: Session, who: str, **fields: Any) -> Registration:
    details: dict[str, Any] = {
        "name": f"Person {who.title()}",
        "email": f"{who}@example.org",
        "organisation": "Northgate Youth Justice",
        "role": "Case worker",
        "audience": "practitioner",
        "access_needs": "",
    }
    details.update(fields)
    return registration.register(session=session, **details)


def form_data(who: str, **fields: str) -> dict[str, str]:
    data = {
        "name": f"Person {who.title()}",
        "email": f"{who}@example.org",
        "organisation": "Northgate Youth Justice",
        "role": "Case worker",
        "audience": "practitioner",
        "access_needs": "",
        "website": "",
    }
    data.update(fields)
    return data
