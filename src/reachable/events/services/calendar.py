"""Calendar files (RFC 5545, ``icalendar``): one session for a registrant, a series as a feed.

Times are written in Europe/London with its time zone definition, so a calendar shows the right
local time on either side of a clock change. The joining link goes only into a confirmed
registrant's file, never into the public feed.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, Timezone

from reachable.events.models import Session

LONDON = ZoneInfo("Europe/London")


def _event(session: Session, *, joining_link: str = "") -> Event:
    event = Event()
    event.add("uid", f"session-{session.pk}@reachable")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.starts_at.astimezone(LONDON))
    event.add("dtend", session.ends_at.astimezone(LONDON))
    event.add("summary", f"{session.series.title}: {session.title}")
    event.add("location", "Online" if session.online else session.venue)
    page = settings.REACHABLE_SITE_URL + reverse("events:session", args=[session.pk])
    event.add("url", page)
    description = session.description
    if joining_link:
        description = f"{description}\n\nJoin online: {joining_link}".strip()
    event.add("description", description)
    if session.cancelled:
        event.add("status", "CANCELLED")
    return event


@functools.lru_cache(maxsize=32)
def _london(first_year: int, last_year: int) -> Timezone:
    """Europe/London's rules for the years the calendar holds (one either side), not for 1970
    to 2038: 30 lines instead of 800. Building them takes tens of milliseconds, so they are
    built once per range of years (a component is only read when a calendar is written)."""
    return Timezone.from_tzinfo(
        LONDON,
        tzid="Europe/London",
        first_date=dt.date(first_year - 1, 1, 1),
        last_date=dt.date(last_year + 1, 12, 31),
    )


def calendar_bytes(sessions: Iterable[Session], *, name: str, joining_link: str = "") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Reachable//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    days = []
    for session in sessions:
        calendar.add_component(_event(session, joining_link=joining_link))
        days += [session.starts_at.date(), session.ends_at.date()]
    if days:
        calendar.add_component(_london(min(days).year, max(days).year))
    return bytes(calendar.to_ical())
