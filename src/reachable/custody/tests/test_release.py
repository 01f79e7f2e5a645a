"""Recording a release asks for the time; a wrong time is corrected with a reason and kept in the history."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from reachable.audit.models import AuditEvent
from reachable.custody import services
from reachable.custody.models import Detention, ReleaseCorrection
from reachable.testing import page, signed_in_client

pytestmark = pytest.mark.django_db


def _time_fields(when: dt.datetime) -> dict[str, str]:
    local = timezone.localtime(when)
    return {
        "released_at_0": str(local.day),
        "released_at_1": str(local.month),
        "released_at_2": str(local.year),
        "released_at_3": f"{local:%H:%M}",
    }


def test_the_release_form_offers_no_time_of_its_own(priya, detention) -> None:
    text = page(signed_in_client(priya).get(f"/custody/detentions/{detention.pk}/release/"))
    assert "Released now" in text
    form = signed_in_client(priya).get(f"/custody/detentions/{detention.pk}/release/")
    assert b'name="released_at_3" value="' not in form.content  # the time box starts empty


def test_an_empty_release_form_asks_when_and_releases_nobody(priya, detention) -> None:
    response = signed_in_client(priya).post(f"/custody/detentions/{detention.pk}/release/", {})
    assert response.status_code == 400  # refused: nothing saved
    assert "Enter when the child was released" in page(response)
    detention.refresh_from_db()
    assert detention.released_at is None
    assert not AuditEvent.objects.filter(action="detention.release").exists()


def test_released_now_is_a_choice_the_practitioner_makes(priya, detention) -> None:
    before = timezone.now()
    response = signed_in_client(priya).post(
        f"/custody/detentions/{detention.pk}/release/", {"at_now": "1"}
    )
    assert response.status_code == 302
    detention.refresh_from_db()
    assert detention.released_at is not None
    assert detention.released_at >= before


def test_a_release_time_is_corrected_with_a_reason_and_the_earlier_time_kept(
    priya, detention
) -> None:
    client = signed_in_client(priya)
    typed = timezone.now() - dt.timedelta(hours=1)
    client.post(f"/custody/detentions/{detention.pk}/release/", _time_fields(typed))
    detention.refresh_from_db()
    first = detention.released_at
    assert first is not None

    # Without a reason nothing changes.
    right = typed - dt.timedelta(minutes=20)
    refused = client.post(f"/custody/detentions/{detention.pk}/release/", _time_fields(right))
    assert refused.status_code == 400
    assert "Say why the release time was wrong" in page(refused)
    assert Detention.objects.get(pk=detention.pk).released_at == first
    assert not ReleaseCorrection.objects.exists()

    done = client.post(
        f"/custody/detentions/{detention.pk}/release/",
        {**_time_fields(right), "reason": "Typed the custody record's print time, not release"},
    )
    assert done.status_code == 302
    detention.refresh_from_db()
    assert detention.released_at.replace(second=0, microsecond=0) == right.replace(
        second=0, microsecond=0
    )
    correction = ReleaseCorrection.objects.get()
    assert correction.was == first
    assert correction.by == priya
    shown = page(client.get(f"/custody/detentions/{detention.pk}/"))
    assert "Typed the custody record's print time" in shown
    assert "Corrected" in shown
    assert AuditEvent.objects.filter(action="detention.release.correct").count() == 1


def test_a_correction_still_checks_the_times_make_sense(priya, detention) -> None:
    services.detention_release(user=priya, detention=detention, released_at=timezone.now())
    before_arrest = detention.arrested_at - dt.timedelta(hours=1)
    response = signed_in_client(priya).post(
        f"/custody/detentions/{detention.pk}/release/",
        {**_time_fields(before_arrest), "reason": "wrong day"},
    )
    assert response.status_code == 400
    assert not ReleaseCorrection.objects.exists()


def test_the_detention_form_makes_the_practitioner_choose_the_offence(priya) -> None:
    html = signed_in_client(priya).get("/custody/detentions/new/").content.decode()
    options = re.search(r'<select name="offence"[^>]*>(.*?)</select>', html, re.S)
    assert options
    first = re.search(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', options.group(1))
    assert first
    assert first.groups() == ("", "Select")
    assert not re.search(r'<option value="[^"]+"[^>]*selected', options.group(1))


def test_a_visit_time_is_not_filled_in_and_seen_just_now_is_a_button(priya, detention) -> None:
    client = signed_in_client(priya)
    url = f"/custody/detentions/{detention.pk}/engagement/"
    assert 'name="attempted_at_0" value=' not in page(client.get(url))  # no time pre-filled
    refused = client.post(url, {"engaged": "yes"})
    assert refused.status_code == 400
    assert "Seen just now" in page(refused)
    assert not detention.engagements.exists()
    before = timezone.now()
    assert client.post(url, {"engaged": "yes", "at_now": "1"}).status_code == 302
    assert detention.engagements.get().attempted_at >= before
