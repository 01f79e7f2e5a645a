"""Writing emails to the outbox and sending them.

``notify`` renders a kind's template (its first line is the subject) and writes the row in the
caller's transaction. ``outbox_send`` claims due rows (a lease, so two runs never send the same
row), sends each through Django's configured email backend and records the outcome: a refusal
is retried after 1, 5, 30 minutes, 2 and 12 hours, then shown as failed. ``digest_send`` gathers
the day's held emails into one per person.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from reachable.notifications.kinds import KINDS
from reachable.notifications.models import Email, Preference

BACKOFF_MINUTES = [1, 5, 30, 120, 720]
LEASE = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    content: bytes


def frequency_for(user: Any, kind: str) -> str:
    if user is None or KINDS[kind].must_send:
        return Preference.Frequency.IMMEDIATELY
    chosen = Preference.objects.filter(user=user, kind=kind).values_list("frequency", flat=True)
    return chosen.first() or Preference.Frequency.IMMEDIATELY


def compose(
    kind: str,
    *,
    to: str,
    context: dict[str, Any],
    user: Any = None,
    dedupe_key: str | None = None,
    attachment: Attachment | None = None,
) -> Email:
    """The email, rendered and not yet saved. Templates are plain text:
    ``notifications/<kind>.txt``, the first line the subject."""
    if kind not in KINDS:
        raise ValueError(f"Unknown kind of email {kind!r}: add it to notifications.kinds.")
    rendered = render_to_string(
        f"notifications/{kind}.txt", {**context, "site_url": settings.REACHABLE_SITE_URL}
    )
    subject, _, body = rendered.strip().partition("\n")
    states: dict[str, str] = {
        Preference.Frequency.IMMEDIATELY: Email.State.PENDING,
        Preference.Frequency.DAILY: Email.State.DIGEST,
        Preference.Frequency.OFF: Email.State.OFF,
    }
    state = states[frequency_for(user, kind)]
    email = Email(
        kind=kind,
        to=to,
        user=user,
        subject=subject.strip()[:200],
        body=body.strip() + "\n",
        dedupe_key=dedupe_key,
        state=state,
        next_attempt_at=timezone.now(),
    )
    if attachment:
        email.attachment_name = attachment.name
        email.attachment_type = attachment.content_type
        email.attachment = attachment.content
    return email


def notify(
    kind: str,
    *,
    to: str,
    context: dict[str, Any],
    user: Any = None,
    dedupe_key: str | None = None,
    attachment: Attachment | None = None,
) -> Email | None:
    """Write one email to the outbox; None when ``dedupe_key`` was already written (sent once)."""
    email = compose(
        kind, to=to, context=context, user=user, dedupe_key=dedupe_key, attachment=attachment
    )
    if dedupe_key is None:
        email.save()
        return email
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction goes on
            email.save()
    except IntegrityError:
        return None
    return email


def notify_many(emails: list[Email]) -> int:
    """Write many composed emails at once; any whose ``dedupe_key`` is already written (another
    run got there first) is skipped. Returns how many were written."""
    keys = [e.dedupe_key for e in emails if e.dedupe_key]
    before = Email.objects.filter(dedupe_key__in=keys).count() if keys else 0
    Email.objects.bulk_create(emails, batch_size=1000, ignore_conflicts=True)
    after = Email.objects.filter(dedupe_key__in=keys).count() if keys else len(emails)
    return after - before if keys else len(emails)


def _claim(limit: int) -> tuple[list[int], dt.datetime]:
    """Take a lease on due rows so that a second run at the same time skips them."""
    now = timezone.now()
    lease_ends = now + LEASE
    with transaction.atomic():
        due = (
            Email.objects.select_for_update(skip_locked=True)
            .filter(state=Email.State.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        claimed = list(due)
        Email.objects.filter(pk__in=claimed).update(next_attempt_at=lease_ends)
    return claimed, lease_ends


def _message(email: Email, connection: Any) -> EmailMessage:
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        connection=connection,
    )
    if email.attachment_name:
        message.attach(email.attachment_name, bytes(email.attachment), email.attachment_type)
    return message


def outbox_send(limit: int = 500) -> tuple[int, int]:
    """Send what is due; returns (sent, refused)."""
    sent = refused = 0
    claimed, lease_ends = _claim(limit)
    if not claimed:
        return 0, 0
    connection = get_connection(fail_silently=False)
    # Only rows still under this run's lease; and stop a minute before it ends, so that no row
    # this run has not yet sent is claimed and sent by the next run as well.
    ours = Email.objects.filter(
        pk__in=claimed, state=Email.State.PENDING, next_attempt_at=lease_ends
    )
    for email in ours.order_by("pk"):
        if timezone.now() > lease_ends - dt.timedelta(minutes=1):
            Email.objects.filter(pk=email.pk, next_attempt_at=lease_ends).update(
                next_attempt_at=timezone.now()
            )
            continue
        try:
            _message(email, connection).send()
        except Exception as exc:  # any transport error: kept, retried, shown; never lost
            refused += 1
            email.attempts += 1
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if email.attempts > len(BACKOFF_MINUTES):
                email.state = Email.State.FAILED
            else:
                wait = BACKOFF_MINUTES[email.attempts - 1]
                email.next_attempt_at = timezone.now() + dt.timedelta(minutes=wait)
            email.save(update_fields=["attempts", "last_error", "state", "next_attempt_at"])
        else:
            sent += 1
            email.state, email.sent_at = Email.State.SENT, timezone.now()
            email.attempts += 1
            email.save(update_fields=["state", "sent_at", "attempts"])
    return sent, refused


@transaction.atomic
def digest_send() -> int:
    """One summary email per person for what they asked to receive daily; returns how many."""
    held = (
        Email.objects.select_for_update(of=("self",))
        .filter(state=Email.State.DIGEST)
        .select_related("user")
    )
    by_user: dict[int, list[Email]] = {}
    for email in held.order_by("created_at", "pk"):
        if email.user_id is not None:
            by_user.setdefault(email.user_id, []).append(email)
    for items in by_user.values():
        user = items[0].user
        notify(
            "notifications.digest",
            to=items[0].to,
            user=user,
            context={"items": items, "person": user},
        )
        Email.objects.filter(pk__in=[e.pk for e in items]).update(state=Email.State.DIGESTED)
    return len(by_user)


def people_notify(
    kind: str,
    people: Iterable[Any],
    *,
    context: dict[str, Any],
    link: str,
    once_per: str = "",
) -> int:
    """One email each to people in the partnership (their preferences apply); returns how many
    were written. ``context`` must not name a child: the link leads to the page that may. With
    ``once_per``, each person gets the email about that thing once, however often it is called."""
    written = 0
    for person in {p.pk: p for p in people}.values():
        if person.email and person.is_active:
            made = notify(
                kind,
                to=person.email,
                user=person,
                context={**context, "link": link},
                dedupe_key=_key(kind, once_per, person.pk) if once_per else None,
            )
            written += made is not None
    return written


def _key(kind: str, about: str, person_pk: int) -> str:
    """A dedupe key of bounded length, whatever ``about`` holds (an agreement's reference can
    be long)."""
    digest = hashlib.sha256(about.encode()).hexdigest()[:32]
    return f"{kind}:{digest}:{person_pk}"


def team_notify(kind: str, team: Any, *, link: str) -> int:
    """Everyone working in the team."""
    from reachable.accounts.models import User

    members = User.objects.filter(
        memberships__team=team, memberships__active=True, is_active=True
    ).distinct()
    return people_notify(kind, members, context={"team": team.name}, link=link)


def outbox_tidy(days: int | None = None) -> int:
    """Sent emails hold people's addresses (event registrants are the public): once old, their
    address, subject, body and attachment are removed. The row and its ``dedupe_key`` stay, so
    "sent once" still holds for a reminder whose job runs again later. Failed ones stay whole
    until the admin has seen them. Returns how many were emptied."""
    keep = days if days is not None else settings.REACHABLE_OUTBOX_KEEP_DAYS
    cutoff = timezone.now() - dt.timedelta(days=keep)
    done = [Email.State.SENT, Email.State.DIGESTED, Email.State.OFF]
    return (
        Email.objects.filter(Q(state__in=done), created_at__lt=cutoff)
        .exclude(to="")
        .update(to="", subject="", body="", attachment=b"", attachment_name="", user=None)
    )


def preference_set(*, user: Any, kind: str, frequency: str) -> Preference | None:
    if KINDS[kind].must_send:
        return None
    preference, _ = Preference.objects.update_or_create(
        user=user, kind=kind, defaults={"frequency": frequency}
    )
    return preference
