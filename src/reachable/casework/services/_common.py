"""What every casework service shares: capability checks, date rules, error collection, case events."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from reachable.accounts.permissions import can
from reachable.casework.models import (
    Case,
    CaseEvent,
    ChronologyEntry,
)
from reachable.children.models import Child

V = ChronologyEntry.Visibility


def _require(user: Any, capability: str, doing: str) -> None:
    if not can(user, capability):
        raise ValidationError(f"Your role cannot {doing}.")


def _not_future(value: dt.datetime | dt.date, field: str, errors: dict[str, list[str]]) -> None:
    now: dt.datetime | dt.date
    if isinstance(value, dt.datetime):
        now = timezone.now() + dt.timedelta(minutes=5)
    else:
        now = timezone.localdate()
    if value > now:
        errors.setdefault(field, []).append("The date cannot be in the future.")


def _not_before_birth(
    child: Child, value: dt.datetime | dt.date, field: str, errors: dict[str, list[str]]
) -> None:
    day = timezone.localtime(value).date() if isinstance(value, dt.datetime) else value
    if day < child.date_of_birth:
        errors.setdefault(field, []).append("The date cannot be before the child was born.")


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _blank(value: str, field: str, message: str, errors: dict[str, list[str]]) -> None:
    if not value.strip():
        errors.setdefault(field, []).append(message)


def _event(case: Case, kind: str, user: Any, reason: str = "", **extra: Any) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, kind=kind, at=timezone.now(), by=user, reason=reason, **extra
    )


def _touch_contact(case: Case, at: dt.datetime) -> None:
    if case.last_contact_at is None or at > case.last_contact_at:
        case.last_contact_at = at
        case.save(update_fields=["last_contact_at"])


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
