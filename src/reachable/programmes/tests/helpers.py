"""Building programmes in tests, through the same services as the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from reachable.accounts.models import User
from reachable.programmes import services
from reachable.programmes.models import Programme
from reachable.programmes.periods import Quarter
from reachable.testing import person


def lead(username: str = "prog-lead") -> User:
    existing = User.objects.filter(username=username).first()
    return existing or person("programme_lead", "partnership-team", username=username)


def board_member(username: str = "board-member") -> User:
    """Holds the programme lead role but is not on the programme team: reads, never edits."""
    return lead(username)


def last_quarter() -> Quarter:
    return Quarter.containing(timezone.localdate()).previous()


def a_programme(by: User | None = None, **fields: Any) -> Programme:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "name": "Test Pathfinder",
        "funder": "Youth Justice Board",
        "grant_holder": "A county council",
        "starts_on": dt.date(today.year - 1, 4, 1),
        "ends_on": dt.date(today.year + 1, 3, 31),
    }
    values.update(fields)
    return services.programme_create(user=by or lead(), **values)


def a_deliverable(programme: Programme, by: User | None = None, **fields: Any) -> Any:
    values: dict[str, Any] = {
        "title": "Custody pilot launched",
        "owner": "Norfolk project lead",
        "due_on": programme.starts_on + dt.timedelta(days=200),
    }
    values.update(fields)
    return services.deliverable_add(user=by or lead(), programme=programme, **values)


def a_target(programme: Programme, by: User | None = None, **fields: Any) -> Any:
    values: dict[str, Any] = {
        "name": "Children engaged in custody",
        "measure": "custody.children_engaged",
        "unit": "children",
        "target": Decimal(100),
        "starts_on": programme.starts_on,
        "ends_on": programme.ends_on,
    }
    values.update(fields)
    return services.target_add(user=by or lead(), programme=programme, **values)
