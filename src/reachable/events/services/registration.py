"""Registering, the waiting list and its offers, cancelling.

Every change to a session's places locks the session's row first, so two cancellations at once
offer two places, two clicks on one offer confirm it once, and a burst of registrations never
takes more places than there are. A place is taken by a confirmed registration or an open offer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from reachable.audit.services import audit_record
from reachable.events.models import Offer, Registration, Session
from reachable.events.services.calendar import calendar_bytes
from reachable.events.services.tokens import registration_token
from reachable.notifications.services import Attachment, notify

ACTIVE = [Registration.State.CONFIRMED, Registration.State.WAITING, Registration.State.OFFERED]
HOLDING = [Registration.State.CONFIRMED, Registration.State.OFFERED]


def places_taken(session: Session) -> int:
    return session.registrations.filter(state__in=HOLDING).count()


def _locked(session: Session) -> Session:
    return Session.objects.select_for_update().select_related("series").get(pk=session.pk)


def _open_for_registration(session: Session) -> None:
    if session.cancelled:
        raise ValidationError("This session has been cancelled.")
    if session.starts_at <= timezone.now():
        raise ValidationError(
            "This session has already taken place: choose another session of the series."
        )


class NotRegistered(ValidationError):
    """The address is already registered for the session, or has reached the day's cap. The page
    answers as if the registration had been made, so that nobody can find out from it whether an
    address is registered; the address's owner is told by email instead."""


def email_context(registration: Registration) -> dict[str, Any]:
    return {
        "registration": registration,
        "session": registration.session,
        "token": registration_token(registration),
    }


def _calendar_for_place(session: Session) -> bytes:
    return calendar_bytes([session], name=session.title, joining_link=session.online_link)


def _confirmation(registration: Registration, ics: bytes | None = None) -> None:
    session = registration.session
    ics = ics or _calendar_for_place(session)
    notify(
        "events.confirmation",
        to=registration.email,
        context=email_context(registration),
        attachment=Attachment(f"session-{session.pk}.ics", "text/calendar", ics),
    )


def _waiting_next(session: Session) -> int:
    last = session.registrations.filter(state=Registration.State.WAITING).aggregate(
        n=Max("waiting_position")
    )["n"]
    return (last or 0) + 1


def registration_count_today(email: str) -> int:
    return Registration.objects.filter(
        email=email, created_at__gte=timezone.now() - dt.timedelta(days=1)
    ).count()


def register(*, session: Session, email: str, **details: Any) -> Registration:
    """A place if there is one, else the waiting list; an email either way."""
    # The calendar file takes tens of milliseconds to build: built before the session's row is
    # locked, so a burst of registrations does not wait for each other's.
    ics = _calendar_for_place(session)
    made, already = _register(session=session, email=email, ics=ics, **details)
    if made is not None:
        return made
    if already is not None:  # told by email, outside the refused transaction
        notify(
            "events.already_registered",
            to=already.email,
            context=email_context(already),
            dedupe_key=f"events.already:{already.pk}:{timezone.localdate().isoformat()}",
        )
    raise NotRegistered("already registered, or the day's cap reached")


@transaction.atomic
def _register(
    *, session: Session, email: str, ics: bytes, **details: Any
) -> tuple[Registration | None, Registration | None]:
    """(the registration made, None), or (None, the one already made), or (None, None) when
    the address has reached the day's cap."""
    session = _locked(session)
    _open_for_registration(session)
    email = email.strip().lower()
    existing = session.registrations.filter(email=email).first()
    if existing and existing.state in ACTIVE:
        return None, existing
    if registration_count_today(email) >= settings.REACHABLE_EVENT_REGISTRATIONS_PER_EMAIL_DAY:
        return None, None
    full = places_taken(session) >= session.capacity
    state = Registration.State.WAITING if full else Registration.State.CONFIRMED
    registration = existing or Registration(session=session, email=email)
    for name, value in details.items():
        setattr(registration, name, value)
    registration.state = state
    registration.confirmed_at = None if full else timezone.now()
    registration.attended = None
    registration.waiting_position = _waiting_next(session) if full else None
    registration.save()
    if full:
        notify("events.waiting", to=email, context=email_context(registration))
    else:
        _confirmation(registration, ics)
    return registration, None


def _offer_places(session: Session) -> list[Offer]:
    """Offer every free place to the next on the waiting list (the session already locked)."""
    made: list[Offer] = []
    free = session.capacity - places_taken(session)
    hours = settings.REACHABLE_EVENT_OFFER_HOURS
    if free <= 0 or session.starts_at <= timezone.now():
        return made
    waiting = session.registrations.filter(state=Registration.State.WAITING).order_by(
        "waiting_position", "pk"
    )
    for registration in waiting[:free]:
        offer = Offer.objects.create(
            registration=registration, expires_at=timezone.now() + dt.timedelta(hours=hours)
        )
        registration.state, registration.waiting_position = Registration.State.OFFERED, None
        registration.save(update_fields=["state", "waiting_position", "updated_at"])
        notify(
            "events.offer",
            to=registration.email,
            context={**email_context(registration), "offer": offer, "hours": hours},
        )
        made.append(offer)
    return made


def _lapse(offer: Offer) -> None:
    offer.state, offer.decided_at = Offer.State.EXPIRED, timezone.now()
    offer.save(update_fields=["state", "decided_at"])
    registration = offer.registration
    registration.state = Registration.State.LAPSED
    registration.save(update_fields=["state", "updated_at"])
    notify("events.offer_lapsed", to=registration.email, context=email_context(registration))


@transaction.atomic
def cancel(*, registration: Registration) -> Registration:
    """The registrant gives up their place (or leaves the waiting list); a freed place is
    offered on."""
    session = _locked(registration.session)
    registration = session.registrations.get(pk=registration.pk)
    if registration.state in {Registration.State.CANCELLED, Registration.State.LAPSED}:
        raise ValidationError("Your place is already cancelled: there is nothing more to do.")
    held = registration.state in HOLDING
    registration.offers.filter(state=Offer.State.OPEN).update(
        state=Offer.State.DECLINED, decided_at=timezone.now()
    )
    registration.state, registration.waiting_position = Registration.State.CANCELLED, None
    registration.save(update_fields=["state", "waiting_position", "updated_at"])
    notify("events.cancelled", to=registration.email, context=email_context(registration))
    if held:
        _offer_places(session)
    return registration


def offer_accept(*, registration: Registration) -> Registration:
    """Take the offered place. An offer past its time lapses (and the place goes to the next
    person) in its own transaction before the refusal is raised, so the refusal undoes nothing."""
    accepted, refusal = _accept(registration)
    if refusal:
        raise ValidationError(refusal)
    return accepted


@transaction.atomic
def _accept(registration: Registration) -> tuple[Registration, str]:
    session = _locked(registration.session)
    registration = session.registrations.get(pk=registration.pk)
    if registration.state == Registration.State.CONFIRMED:
        return registration, ""  # a second click: the place is already theirs
    if session.cancelled or session.starts_at <= timezone.now():
        return (
            registration,
            "The session has started or been cancelled: the place can no longer be taken.",
        )
    offer = registration.offers.filter(state=Offer.State.OPEN).first()
    if offer is None or registration.state != Registration.State.OFFERED:
        raise ValidationError(
            "There is no open offer of a place for you. Join the waiting list again from the "
            "session's page."
        )
    if offer.expires_at <= timezone.now():
        _lapse(offer)
        _offer_places(session)
        return registration, (
            f"The offer ran out at {timezone.localtime(offer.expires_at):%H:%M on %d %B} and the "
            "place was offered to the next person. Join the waiting list again from the session's "
            "page."
        )
    offer.state, offer.decided_at = Offer.State.ACCEPTED, timezone.now()
    offer.save(update_fields=["state", "decided_at"])
    registration.state, registration.confirmed_at = Registration.State.CONFIRMED, timezone.now()
    registration.save(update_fields=["state", "confirmed_at", "updated_at"])
    _confirmation(registration)
    return registration, ""


def offers_expire() -> int:
    """Lapse offers past their time and offer the places on; returns how many lapsed."""
    lapsed = 0
    due = Offer.objects.filter(state=Offer.State.OPEN, expires_at__lte=timezone.now())
    for session_pk in set(due.values_list("registration__session", flat=True)):
        with transaction.atomic():
            session = _locked(Session(pk=session_pk))
            for offer in due.filter(registration__session=session).select_related("registration"):
                _lapse(offer)
                lapsed += 1
            _offer_places(session)
    return lapsed


@transaction.atomic
def waiting_move(*, user: Any, registration: Registration, position: int, reason: str) -> None:
    """An organiser moves someone on the waiting list (for example, a speaker's colleague or an
    access need); the reason is required and audited."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why this person moves on the waiting list."})
    session = _locked(registration.session)
    waiting = list(
        session.registrations.filter(state=Registration.State.WAITING).order_by(
            "waiting_position", "pk"
        )
    )
    if registration.pk not in {r.pk for r in waiting}:
        raise ValidationError("Only someone on the waiting list can be moved.")
    if not 1 <= position <= len(waiting):
        raise ValidationError({"position": f"Enter a position from 1 to {len(waiting)}."})
    before = next(i for i, r in enumerate(waiting, 1) if r.pk == registration.pk)
    moved = [r for r in waiting if r.pk != registration.pk]
    moved.insert(position - 1, next(r for r in waiting if r.pk == registration.pk))
    for number, entry in enumerate(moved, 1):
        if entry.waiting_position != number:
            Registration.objects.filter(pk=entry.pk).update(waiting_position=number)
    audit_record(
        user=user,
        action="events.waiting.move",
        obj=registration,
        reason=reason.strip(),
        detail={"from": before, "to": position},
    )
