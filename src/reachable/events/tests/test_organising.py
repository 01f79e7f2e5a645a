"""Organisers set up sessions in UK time; bad input names the field and saves nothing."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from reachable.events.models import Series, Session
from reachable.testing import page, person, signed_in_client

pytestmark = pytest.mark.django_db


def _form(**changes: str) -> dict[str, str]:
    series, _ = Series.objects.get_or_create(slug="safe-workshops", defaults={"title": "SAFE"})
    day = timezone.localdate() + dt.timedelta(days=200)
    data = {
        "series": str(series.pk),
        "title": "Workshop 9: mentoring",
        "description": "",
        "themes": "mentoring",
        "audiences": "Practitioners",
        "day_0": str(day.day),
        "day_1": str(day.month),
        "day_2": str(day.year),
        "starts": "09:30",
        "ends": "12:00",
        "online_link": "https://meet.example.org/nine",
        "venue": "",
        "accessibility": "Live captions",
        "capacity": "40",
        "speakers": "Speaker One, Northgate YJS, Practice lead\nSpeaker Two",
    }
    data.update(changes)
    return data


def test_an_organiser_sets_up_a_session_in_uk_time_with_its_speakers() -> None:
    lead = person("programme_lead", "partnership-team", username="events.lead")
    response = signed_in_client(lead).post(reverse("events:session_new"), _form())
    assert response.status_code == 302
    session = Session.objects.get()
    local = session.starts_at.astimezone(ZoneInfo("Europe/London"))
    assert (local.hour, local.minute) == (9, 30)
    speakers = list(session.speakers.values_list("name", "organisation", "role"))
    assert speakers == [
        ("Speaker One", "Northgate YJS", "Practice lead"),
        ("Speaker Two", "", ""),
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ends": "09:00"}, "The end time must be after the start time"),
        ({"online_link": "", "venue": ""}, "Give a venue, or an online joining link"),
        ({"capacity": "0"}, "A session needs at least one place"),
        ({"starts": "half nine"}, "Enter a time like 09:30"),
        ({"day_2": "2020"}, "Enter a date and start time in the future"),
        ({"speakers": ", Northgate"}, "Line 1: start with the speaker's name"),
    ],
)
def test_bad_session_details_are_refused_and_nothing_saved(
    changes: dict[str, str], message: str
) -> None:
    lead = person("programme_lead", "partnership-team", username="events.lead")
    response = signed_in_client(lead).post(reverse("events:session_new"), _form(**changes))
    assert response.status_code == 400
    assert message in page(response)
    assert not Session.objects.exists()


def test_only_organisers_set_up_sessions() -> None:
    worker = person("exploitation_practitioner", "norfolk-childrens", "norfolk-mace")
    response = signed_in_client(worker).post(reverse("events:session_new"), _form())
    assert response.status_code == 403
    assert not Session.objects.exists()
