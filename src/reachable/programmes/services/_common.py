"""What every programme service shares: date checks against the programme, and the audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError

from reachable.audit.services import audit_record
from reachable.programmes.models import (
    Programme,
)


def _within(programme: Programme, field: str, day: dt.date | None) -> None:
    if day is not None and not programme.starts_on <= day <= programme.ends_on:
        raise ValidationError(
            {
                field: f"Enter a date within the programme ({programme.starts_on:%d %B %Y} to "
                f"{programme.ends_on:%d %B %Y})."
            }
        )


def _ordered(start: dt.date, end: dt.date, start_field: str, end_field: str) -> None:
    if end < start:
        raise ValidationError({end_field: f"The end must be on or after the {start_field}."})


def _audit(user: Any, action: str, obj: Any, **detail: Any) -> None:
    audit_record(user=user, action=f"programmes.{action}", obj=obj, detail=detail)


def _of_programme(programme: Any, project: Any) -> None:
    """A project named on a change must be one of the programme's own (checked before access:
    the lead of a project elsewhere must not pass the project-level check)."""
    if project is not None and project.programme_id != programme.pk:
        raise ValidationError({"project": "Choose a project of this programme."})
