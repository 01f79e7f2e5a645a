"""The pilot's rules about time and age, shared by recording, import and the API."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import lru_cache

from django.conf import settings
from django.utils import timezone

YOUNGEST, OLDEST = 10, 17  # the service meets every detained child aged 10-17
CLOCK_TOLERANCE = dt.timedelta(minutes=5)  # custody clocks and phones disagree a little


def age_on(dob: dt.date, day: dt.date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def time_errors(
    *,
    arrested_at: dt.datetime,
    arrived_at: dt.datetime,
    released_at: dt.datetime | None,
    now: dt.datetime | None = None,
) -> dict[str, str]:
    """Field -> message for times that cannot be right."""
    now = now or timezone.now()
    errors: dict[str, str] = {}
    for field, value, label in (
        ("arrested_at", arrested_at, "Arrest time"),
        ("arrived_at", arrived_at, "Arrival time"),
        ("released_at", released_at, "Release time"),
    ):
        if value is not None and value > now + CLOCK_TOLERANCE:
            errors[field] = f"{label} cannot be in the future."
    if "arrived_at" not in errors and arrived_at < arrested_at:
        errors["arrived_at"] = "Arrival at the suite must be the same as or after the arrest."
    if released_at is not None and "released_at" not in errors and released_at < arrived_at:
        errors["released_at"] = "Release must be the same as or after arrival at the suite."
    return errors


def age_error(
    *, date_of_birth: dt.date, arrested_at: dt.datetime, override_reason: str
) -> str | None:
    age = age_on(date_of_birth, arrested_at.astimezone(local_zone()).date())
    if YOUNGEST <= age <= OLDEST or override_reason.strip():
        return None
    return (
        f"The child was {age} at arrest. The service is for children aged {YOUNGEST} to {OLDEST}; "
        "to record this detention anyway, give the reason."
    )


@lru_cache(maxsize=1)
def local_zone() -> zoneinfo.ZoneInfo:
    """The partnership's time zone (cheaper than timezone.localtime() inside tight import loops)."""
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def arrival_slot(arrived_at: dt.datetime) -> tuple[int, int]:
    """Local weekday (0 = Monday) and hour of an arrival, for the demand heatmap."""
    local = arrived_at.astimezone(local_zone())
    return local.weekday(), local.hour
