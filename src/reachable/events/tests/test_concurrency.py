"""Places under load: a burst of registrations, two cancellations at once, one offer accepted
twice at once. One place each, one winner, no error. Real row locks: PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection

from reachable.events.models import Offer, Registration
from reachable.events.services import registration
from reachable.events.tests.helpers import a_session, sign_up
from reachable.testing import ON_POSTGRES, at_once

pytestmark = [ON_POSTGRES]


@pytest.fixture
def emptied(transactional_db) -> Iterator[None]:
    from reachable.audit import guard

    yield
    guard.drop(connection)  # the audit guard would refuse emptying the database afterwards


def test_a_burst_of_registrations_takes_exactly_the_places_there_are(emptied: None) -> None:
    session = a_session(capacity=5)
    results = at_once(*[lambda n=n: sign_up(session, f"person{n}") for n in range(20)])
    assert [r for r in results if isinstance(r, Exception)] == []
    states = list(session.registrations.values_list("state", flat=True))
    assert (states.count("confirmed"), states.count("waiting")) == (5, 15)
    waiting = session.registrations.filter(state="waiting")
    positions = sorted(p or 0 for p in waiting.values_list("waiting_position", flat=True))
    assert positions == list(range(1, 16))


def test_two_cancellations_at_once_offer_two_places_to_the_first_two(emptied: None) -> None:
    session = a_session(capacity=2)
    ann, bob = sign_up(session, "ann"), sign_up(session, "bob")
    waiting = [sign_up(session, w) for w in ["cat", "dan", "eve"]]
    results = at_once(
        lambda: registration.cancel(registration=ann),
        lambda: registration.cancel(registration=bob),
    )
    assert [r for r in results if isinstance(r, Exception)] == []
    offered = set(Offer.objects.filter(state="open").values_list("registration__email", flat=True))
    assert offered == {waiting[0].email, waiting[1].email}
    assert Registration.objects.get(pk=waiting[2].pk).state == "waiting"


def test_one_offer_accepted_twice_at_once_confirms_one_place(emptied: None) -> None:
    session = a_session(capacity=1)
    ann, bob = sign_up(session, "ann"), sign_up(session, "bob")
    registration.cancel(registration=ann)
    results = at_once(
        lambda: registration.offer_accept(registration=bob),
        lambda: registration.offer_accept(registration=bob),
    )
    assert [r for r in results if isinstance(r, Exception)] == []
    assert session.registrations.filter(state="confirmed").count() == 1
    assert Offer.objects.get().state == "accepted"
