from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from reachable.core.models import Code, Place
from reachable.custody import services
from reachable.testing import make_child, person


@pytest.fixture
def priya(db):
    """A custody practitioner at Wymondham."""
    return person(
        "custody_practitioner", "norfolk-yjs", "norfolk-custody-ei", username="priya.custody"
    )


@pytest.fixture
def wymondham(db) -> Place:
    return Place.objects.get(slug="wymondham-pic")


@pytest.fixture
def pwits_a(db) -> Code:
    return Code.objects.get(code_list__key="offence-category", code="pwits-a")


@pytest.fixture
def kai(db):
    """A 16-year-old from Lambeth, out of county in Norfolk."""
    from reachable.core.models import Area

    return make_child(
        given_name="Kai",
        family_name="Adeyemi",
        date_of_birth=timezone.localdate() - dt.timedelta(days=16 * 365 + 100),
        home_la=Area.objects.get(slug="lambeth"),
    )


@pytest.fixture
def an_hour_ago() -> dt.datetime:
    return timezone.now() - dt.timedelta(hours=1)


@pytest.fixture
def detention(priya, kai, wymondham, pwits_a):
    """Kai, arrested two hours ago and brought to Wymondham half an hour later."""
    arrested = timezone.now() - dt.timedelta(hours=2)
    return services.detention_record(
        user=priya,
        child=kai,
        suite=wymondham,
        arrested_at=arrested,
        arrived_at=arrested + dt.timedelta(minutes=30),
        offence=pwits_a,
    )
