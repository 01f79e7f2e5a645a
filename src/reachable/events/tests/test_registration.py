"""Registering without an account, the waiting list and its offers, cancelling by the link in
the email, and what bad input gets. Emails go through the outbox to a real SMTP server."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from reachable.audit.models import AuditEvent
from reachable.events.models import Offer, Registration
from reachable.events.services import registration
from reachable.events.services.calendar import calendar_bytes
from reachable.events.services.tokens import registration_token
from reachable.events.tests.helpers import a_session, form_data, sign_up
from reachable.notifications.models import Email
from reachable.notifications.services import outbox_send
from reachable.testing import page, person

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def _sent(smtp_server: list[Any]) -> list[Any]:
    outbox_send()
    return smtp_server


def _link_in(message: Any, name: str) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    found = re.search(r"http://127\.0\.0\.1:8000(/events/place/[^/\s]+/)", body)
    assert found, body
    return found[1]


def test_registering_confirms_a_place_by_email_with_a_calendar_file(smtp_server: Any) -> None:
    session = a_session(capacity=2)
    response = Client().post(reverse("events:session", args=[session.pk]), form_data("ann"))
    assert response.status_code == 200
    assert "Your place is confirmed" in page(response)
    (message,) = _sent(smtp_server)
    assert message["To"] == "ann@example.org"
    assert message["Subject"].startswith("Your place is confirmed")
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "https://meet.example.org/workshop" in body  # the joining link: she has a place
    (ics,) = [part for part in message.iter_attachments()]
    assert ics.get_content_type() == "text/calendar"
    event = Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]
    assert event.decoded("dtstart") == session.starts_at
    assert event.decoded("dtstart").tzinfo.key == "Europe/London"


def test_a_full_session_offers_the_waiting_list_and_a_freed_place_goes_to_the_first(
    smtp_server: Any,
) -> None:
    session = a_session(capacity=1)
    first = sign_up(session, "ann")
    shown = page(Client().get(reverse("events:session", args=[session.pk])))
    assert "This session is full" in shown
    second, third = sign_up(session, "bob"), sign_up(session, "cat")
    assert [r.state for r in (first, second, third)] == ["confirmed", "waiting", "waiting"]
    assert (second.waiting_position, third.waiting_position) == (1, 2)
    _sent(smtp_server)
    waiting_body = smtp_server[1].get_body(preferencelist=("plain",)).get_content()
    assert "meet.example.org" not in waiting_body  # no joining link without a place
    smtp_server.clear()

    # Ann cancels with the link in her email; Bob (first on the list) is offered the place.
    cancel_page = reverse("events:place_cancel", args=[registration_token(first)])
    assert Client().post(cancel_page).status_code == 302
    second.refresh_from_db()
    assert second.state == "offered"
    offer = Offer.objects.get(registration=second)
    assert offer.state == "open"
    hours = (offer.expires_at - offer.offered_at).total_seconds() / 3600
    assert round(hours) == 48
    sent = _sent(smtp_server)
    assert {m["To"] for m in sent} == {"ann@example.org", "bob@example.org"}
    offer_email = next(m for m in sent if m["To"] == "bob@example.org")
    place = _link_in(offer_email, "place")
    assert "Accept the place" in page(Client().get(place))
    assert Client().post(place + "accept/").status_code == 302
    second.refresh_from_db()
    offer.refresh_from_db()
    assert (second.state, offer.state) == ("confirmed", "accepted")
    third.refresh_from_db()
    assert third.state == "waiting"


def test_an_offer_not_accepted_in_time_lapses_and_goes_to_the_next() -> None:
    session = a_session(capacity=1)
    first = sign_up(session, "ann")
    second, third = sign_up(session, "bob"), sign_up(session, "cat")
    registration.cancel(registration=first)
    Offer.objects.filter(registration=second).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    with pytest.raises(ValidationError, match="The offer ran out"):
        registration.offer_accept(registration=second)
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.state, third.state) == ("lapsed", "offered")
    states = dict(Offer.objects.values_list("registration__email", "state"))
    assert states == {"bob@example.org": "expired", "cat@example.org": "open"}
    Offer.objects.filter(registration=third).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert registration.offers_expire() == 1  # the timed job does the same without a click
    third.refresh_from_db()
    assert third.state == "lapsed"


def test_accepting_twice_or_cancelling_twice_is_harmless() -> None:
    session = a_session(capacity=1)
    first, second = sign_up(session, "ann"), sign_up(session, "bob")
    registration.cancel(registration=first)
    registration.offer_accept(registration=second)
    registration.offer_accept(registration=second)  # a double click
    assert Registration.objects.filter(state="confirmed").count() == 1
    with pytest.raises(ValidationError, match="already cancelled"):
        registration.cancel(registration=first)
    client = Client()
    link = reverse("events:place_cancel", args=[registration_token(first)])
    shown = page(client.post(link, follow=True))
    assert "Your place is already cancelled" in shown


def test_a_tampered_link_says_so_and_changes_nothing() -> None:
    session = a_session()
    ann = sign_up(session, "ann")
    token = registration_token(ann)
    bad = token[:-2] + ("aa" if not token.endswith("aa") else "bb")
    for url in [
        reverse("events:place", args=[bad]),
        reverse("events:place_cancel", args=[bad]),
        reverse("events:place_feedback", args=[bad]),
    ]:
        response = Client().post(url) if url.endswith("cancel/") else Client().get(url)
        assert response.status_code == 400
        assert "This link is not valid" in page(response)
    ann.refresh_from_db()
    assert ann.state == "confirmed"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"email": "not-an-email"}, "Enter an email address in the right format"),
        ({"name": ""}, "Enter your name"),
        ({"audience": ""}, "Choose which describes you"),
        ({"website": "http://spam.example"}, "could not be accepted"),
    ],
)
def test_bad_registrations_are_refused_with_a_message_and_nothing_saved(
    change: dict[str, str], message: str
) -> None:
    session = a_session()
    response = Client().post(
        reverse("events:session", args=[session.pk]), form_data("ann", **change)
    )
    assert response.status_code == 400
    assert message in page(response)
    assert not Registration.objects.exists()
    assert not Email.objects.exists()


def test_the_same_email_twice_makes_one_registration_and_the_page_gives_nothing_away() -> None:
    session = a_session(capacity=5)
    sign_up(session, "ann")
    url = reverse("events:session", args=[session.pk])
    again = page(Client().post(url, form_data("ann", email="ANN@example.org")))
    fresh = page(Client().post(url, form_data("bob")))
    # The same answer as for someone new: the page never says whether an address is registered.
    assert again.replace("ann@example.org", "X") == fresh.replace("bob@example.org", "X")
    assert Registration.objects.filter(email="ann@example.org").count() == 1
    told = Email.objects.get(kind="events.already_registered")
    assert (told.to, told.subject.startswith("You are already registered")) == (
        "ann@example.org",
        True,
    )


def test_a_name_with_a_link_or_a_line_break_is_refused() -> None:
    session = a_session()
    url = reverse("events:session", args=[session.pk])
    for name in ["Win a prize https://spam.example", "Ann\nVisit www.spam.example"]:
        response = Client().post(url, form_data("ann", name=name))
        assert response.status_code == 400
        assert "Enter your name only" in page(response)
    assert not Registration.objects.exists()


def test_a_past_session_is_refused() -> None:
    past = a_session(starts_in=-dt.timedelta(days=1))
    shown = page(Client().get(reverse("events:session", args=[past.pk])))
    assert "already taken place" in shown
    with pytest.raises(ValidationError, match="already taken place"):
        sign_up(past, "bob")


@override_settings(
    REACHABLE_EVENT_REGISTRATIONS_PER_EMAIL_DAY=2, REACHABLE_EVENT_REGISTRATIONS_PER_IP_HOUR=3
)
def test_registrations_are_capped_per_email_per_day_and_per_address_per_hour() -> None:
    from django.core.cache import cache

    cache.clear()
    sessions = [a_session() for _ in range(4)]
    sign_up(sessions[0], "ann")
    sign_up(sessions[1], "ann")
    with pytest.raises(registration.NotRegistered):
        sign_up(sessions[2], "ann")
    assert Registration.objects.filter(email="ann@example.org").count() == 2
    client = Client()
    codes = [
        client.post(reverse("events:session", args=[s.pk]), form_data(who)).status_code
        for s, who in zip(sessions, ["bob", "cat", "dan", "eve"], strict=True)
    ]
    assert codes == [200, 200, 200, 400]
    assert not Registration.objects.filter(email="eve@example.org").exists()
    cache.clear()


def test_moving_someone_on_the_waiting_list_needs_a_reason_and_is_audited() -> None:
    session = a_session(capacity=1)
    sign_up(session, "ann")
    bob, cat = sign_up(session, "bob"), sign_up(session, "cat")
    lead = person("programme_lead", "partnership-team", username="events.lead")
    with pytest.raises(ValidationError):
        registration.waiting_move(user=lead, registration=cat, position=1, reason=" ")
    registration.waiting_move(
        user=lead, registration=cat, position=1, reason="A speaker's colleague"
    )
    bob.refresh_from_db()
    cat.refresh_from_db()
    assert (cat.waiting_position, bob.waiting_position) == (1, 2)
    event = AuditEvent.objects.get(action="events.waiting.move")
    assert event.reason == "A speaker's colleague"


def test_calendar_times_are_right_on_both_sides_of_the_clock_change() -> None:
    # The clocks go forward on Sunday 28 March 2027: 10:00 in London is 10:00 UTC before, 09:00
    # UTC after.
    before = a_session(starts_in=dt.timedelta(days=1))
    after = a_session(starts_in=dt.timedelta(days=2))
    before.starts_at = dt.datetime(2027, 3, 26, 10, 0, tzinfo=LONDON)
    before.ends_at = before.starts_at + dt.timedelta(hours=2)
    after.starts_at = dt.datetime(2027, 3, 29, 10, 0, tzinfo=LONDON)
    after.ends_at = after.starts_at + dt.timedelta(hours=2)
    feed = Calendar.from_ical(calendar_bytes([before, after], name="Series"))
    starts = [event.decoded("dtstart") for event in feed.walk("VEVENT")]
    assert [s.hour for s in starts] == [10, 10]
    assert [s.astimezone(dt.UTC).hour for s in starts] == [10, 9]
    assert feed.walk("VTIMEZONE")[0]["TZID"] == "Europe/London"
    assert "meet.example.org" not in feed.to_ical().decode()  # the public feed has no link


@override_settings(REACHABLE_EVENT_REGISTRATIONS_PER_IP_HOUR=2, REACHABLE_TRUSTED_PROXIES=1)
def test_behind_a_proxy_each_visitor_is_counted_by_their_own_address() -> None:
    from django.core.cache import cache

    cache.clear()
    session = a_session(capacity=10)
    url = reverse("events:session", args=[session.pk])
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    for n, visitor in enumerate(["203.0.113.7", "203.0.113.7", "198.51.100.9"]):
        response = proxy.post(url, form_data(f"p{n}"), HTTP_X_FORWARDED_FOR=visitor)
        assert response.status_code == 200
    # A visitor cannot dodge the limit by writing their own X-Forwarded-For: the proxy appends
    # the address it saw, and that is the one counted.
    third = proxy.post(url, form_data("p3"), HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    assert third.status_code == 400
    assert "Too many registrations" in page(third)
    cache.clear()


def test_an_offer_cannot_be_taken_once_the_session_has_started() -> None:
    session = a_session(capacity=1)
    ann, bob = sign_up(session, "ann"), sign_up(session, "bob")
    registration.cancel(registration=ann)
    session.starts_at = timezone.now() - dt.timedelta(minutes=5)
    session.save()
    with pytest.raises(ValidationError, match="has started or been cancelled"):
        registration.offer_accept(registration=bob)
    bob.refresh_from_db()
    assert bob.state == "offered"
