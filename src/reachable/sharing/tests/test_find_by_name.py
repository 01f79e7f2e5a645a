"""Emergency access and the data protection lead's tasks find a record by the child's name and
date of birth, as a practitioner knows them, showing nothing of a record before it is opened."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from reachable.audit.models import AuditEvent
from reachable.sharing.models import BreakGlass
from reachable.testing import involve, make_child, page, person, signed_in_client

pytestmark = pytest.mark.django_db
BORN = dt.date(2011, 5, 3)
REASON = "Found at the station tonight and says he cannot go home"


def _form(**changes: str) -> dict[str, str]:
    data = {
        "given_name": "Ashley",
        "family_name": "Findme",
        "date_of_birth_0": str(BORN.day),
        "date_of_birth_1": str(BORN.month),
        "date_of_birth_2": str(BORN.year),
        "record": "",
        "reason": REASON,
        "understood": "on",
    }
    data.update(changes)
    return data


def _practitioner():
    return person("exploitation_practitioner", "norfolk-childrens", "norfolk-mace", username="tom")


def test_one_match_by_name_and_date_of_birth_opens_it_names_either_way_round() -> None:
    child = make_child(given_name="Ashley", family_name="Findme", date_of_birth=BORN)
    involve(child, "cambs-safe")
    client = signed_in_client(_practitioner())
    response = client.post(
        reverse("sharing:break_glass"), _form(given_name="FINDME", family_name="ashley")
    )
    assert response.status_code == 302
    assert BreakGlass.objects.get().child_id == child.pk
    found = AuditEvent.objects.get(action="child.find")
    assert found.detail["matches"] == 1
    assert "Ashley" not in str(found.detail)  # the names typed are not kept in the log


def test_two_matches_are_listed_with_nothing_of_the_records_and_none_opened() -> None:
    first = make_child(given_name="Ashley", family_name="Findme", date_of_birth=BORN)
    second = make_child(given_name="Ashley", family_name="Findme", date_of_birth=BORN)
    for child in (first, second):
        involve(child, "cambs-safe")
    client = signed_in_client(_practitioner())
    response = client.post(reverse("sharing:break_glass"), _form())
    assert response.status_code == 400
    shown = page(response)
    assert "2 records match" in shown
    assert str(first.pk) in shown
    assert str(second.pk) in shown
    assert not BreakGlass.objects.exists()
    chosen = client.post(reverse("sharing:break_glass"), _form(record=str(second.pk)))
    assert chosen.status_code == 302
    assert BreakGlass.objects.get().child_id == second.pk


def test_no_match_says_what_to_try_and_opens_nothing() -> None:
    make_child(given_name="Ashley", family_name="Findme", date_of_birth=BORN)
    client = signed_in_client(_practitioner())
    response = client.post(reverse("sharing:break_glass"), _form(date_of_birth_2="2012"))
    assert response.status_code == 400
    assert "No record matches that name and date of birth" in page(response)
    missing = client.post(
        reverse("sharing:break_glass"),
        _form(
            given_name="",
            family_name="",
            date_of_birth_0="",
            date_of_birth_1="",
            date_of_birth_2="",
        ),
    )
    assert "Enter the child's given name, or their record number" in page(missing)
    assert not BreakGlass.objects.exists()


def test_the_data_protection_lead_finds_a_record_by_name_and_date_of_birth() -> None:
    child = make_child(given_name="Ashley", family_name="Findme", date_of_birth=BORN)
    lead = person("data_protection_lead", "partnership-team", username="the.dpl")
    query = {k: v for k, v in _form().items() if k not in {"reason", "understood"}}
    response = signed_in_client(lead).get(reverse("sharing:governance"), query)
    assert response.status_code == 302
    assert response["Location"] == reverse("sharing:child_governance", args=[child.pk])
