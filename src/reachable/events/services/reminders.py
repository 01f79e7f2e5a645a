"""Reminders before a session and feedback requests after it, each sent once.

A job that runs twice (or two at once) writes each email once: the outbox's ``dedupe_key`` is
unique. A reminder goes only to people whose place was confirmed before it fell due (``confirmed_at``),
so a registration made the day before does not get the week-before reminder straight after its
confirmation. Online sessions' joining instructions go only to confirmed places.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from reachable.events.models import Registration, Session
from reachable.events.services.registration import email_context
from reachable.notifications.models import Email
from reachable.notifications.services import compose, notify, notify_many

OFFSET = re.compile(r"^(\d+)([dh])$")
FEEDBACK_WITHIN = dt.timedelta(days=7)


def reminder_offsets() -> list[tuple[str, dt.timedelta]]:
    """The configured reminders ("7d", "1h"), longest first."""
    offsets = []
    for raw in settings.REACHABLE_EVENT_REMINDERS:
        found = OFFSET.match(raw.strip())
        if not found:
            raise ImproperlyConfigured(
                f"REACHABLE_EVENT_REMINDERS: {raw!r} is not a number of days or hours, like 7d "
                "or 2h."
            )
        number, unit = int(found[1]), found[2]
        span = dt.timedelta(days=number) if unit == "d" else dt.timedelta(hours=number)
        offsets.append((raw.strip(), span))
    return sorted(offsets, key=lambda pair: -pair[1])


def _already(prefix: str) -> set[str]:
    keys = Email.objects.filter(dedupe_key__startswith=prefix).values_list("dedupe_key", flat=True)
    return {key for key in keys if key}


def reminders_send() -> int:
    """Write the reminders now due; returns how many were written."""
    now = timezone.now()
    offsets = reminder_offsets()
    if not offsets:
        return 0
    sessions = Session.objects.filter(
        cancelled=False, starts_at__gt=now, starts_at__lte=now + offsets[0][1]
    )
    confirmed = (
        Registration.objects.filter(session__in=sessions, state=Registration.State.CONFIRMED)
        .select_related("session", "session__series")
        .order_by("pk")
    )
    written = _already("events.reminder:")
    count = 0
    batch: list[Email] = []
    for registration in confirmed.iterator(chunk_size=2000):
        starts = registration.session.starts_at
        due = [
            label
            for label, before in offsets
            if starts - before <= now
            and (registration.confirmed_at or registration.created_at) < starts - before
        ]
        if not due:
            continue
        # Only the nearest reminder now due: once the hour-before one is due, the week-before
        # one (if it was missed) is no longer worth sending.
        label = due[-1]
        key = f"events.reminder:{registration.pk}:{label}"
        if key not in written:
            email = compose(
                "events.reminder",
                to=registration.email,
                context={**email_context(registration), "when": label},
                dedupe_key=key,
            )
            batch.append(email)
        if len(batch) >= 1000:
            count += notify_many(batch)
            batch = []
    return count + (notify_many(batch) if batch else 0)


def feedback_requests_send() -> int:
    """After a session, ask those who attended for feedback (once each)."""
    now = timezone.now()
    attended = Registration.objects.filter(
        session__ends_at__lte=now,
        session__ends_at__gt=now - FEEDBACK_WITHIN,
        attended=True,
    ).select_related("session", "session__series")
    written = _already("events.feedback:")
    count = 0
    for registration in attended.iterator(chunk_size=2000):
        key = f"events.feedback:{registration.pk}"
        if key in written:
            continue
        sent = notify(
            "events.feedback",
            to=registration.email,
            context=email_context(registration),
            dedupe_key=key,
        )
        count += sent is not None
    return count
