from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from reachable.audit.models import AuditEvent
from reachable.children import services
from reachable.children.merge import child_merge
from reachable.children.models import Child, ChildMerge
from reachable.children.selectors import child_get_for_user
from reachable.core.models import Code
from reachable.testing import involve, make_child, page, person, signed_in_client

pytestmark = pytest.mark.django_db


def _code(key: str, code: str) -> Code:
    return Code.objects.get(code_list__key=key, code=code)


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "given_name": "Kai",
        "family_name": "Lindqvist",
        "date_of_birth_0": "2",
        "date_of_birth_1": "5",
        "date_of_birth_2": "2010",
        "sex": str(_code("sex", "M").pk),
        "team": "",
    }
    data.update(overrides)
    return data


def test_a_practitioner_adds_a_child_and_can_then_see_them(norfolk_worker) -> None:
    client = signed_in_client(norfolk_worker)
    response = client.post(
        "/children/new/", _form(team=str(norfolk_worker.active_memberships[0].team_id))
    )
    child = Child.objects.get(family_name="Lindqvist")
    assert response["Location"] == f"/children/{child.pk}/"
    assert client.get(f"/children/{child.pk}/").status_code == 200
    assert AuditEvent.objects.filter(action="child.create", child_id=child.pk).exists()


def test_it_rejects_a_date_of_birth_in_the_future_and_saves_nothing(norfolk_worker) -> None:
    client = signed_in_client(norfolk_worker)
    next_year = str(timezone.localdate().year + 1)
    team = str(norfolk_worker.active_memberships[0].team_id)
    response = client.post("/children/new/", _form(date_of_birth_2=next_year, team=team))
    assert response.status_code == 200
    text = page(response)
    assert "There is a problem" in text
    assert 'href="#id_date_of_birth_0"' in text
    assert "Date of birth must be in the past." in text
    assert not Child.objects.filter(family_name="Lindqvist").exists()


def test_it_names_each_missing_field(norfolk_worker) -> None:
    response = signed_in_client(norfolk_worker).post("/children/new/", {})
    text = page(response)
    for message in (
        "Enter the child's first name.",
        "Enter the child's last name.",
        "Enter the child's date of birth.",
    ):
        assert message in text


def test_it_rejects_an_impossible_date(norfolk_worker) -> None:
    team = str(norfolk_worker.active_memberships[0].team_id)
    response = signed_in_client(norfolk_worker).post(
        "/children/new/", _form(date_of_birth_0="31", date_of_birth_1="2", team=team)
    )
    assert "Enter a real date" in page(response)


def test_it_warns_of_a_possible_duplicate_before_creating(norfolk_worker) -> None:
    existing = make_child(
        given_name="Kai", family_name="Lindquist", date_of_birth=dt.date(2010, 5, 2)
    )
    client = signed_in_client(norfolk_worker)
    team = str(norfolk_worker.active_memberships[0].team_id)
    first = client.post("/children/new/", _form(team=team))
    assert first.status_code == 200
    assert f"record {existing.pk}" in page(first)
    assert Child.objects.filter(date_of_birth=dt.date(2010, 5, 2)).count() == 1
    confirmed = client.post(
        "/children/new/", _form(team=team, duplicates_shown="1", not_a_duplicate="on")
    )
    assert confirmed.status_code == 302
    assert Child.objects.filter(date_of_birth=dt.date(2010, 5, 2)).count() == 2


def test_it_refuses_an_identifier_already_on_another_record(norfolk_worker) -> None:
    police = _code("identifier-kind", "police")
    services.child_create(
        user=norfolk_worker,
        given_name="Ava",
        family_name="Stone",
        date_of_birth=dt.date(2010, 1, 1),
        sex=_code("sex", "F"),
        identifiers=[services.IdentifierInput(police, "10/555A")],
    )
    with pytest.raises(ValidationError) as error:
        services.child_create(
            user=norfolk_worker,
            given_name="Eve",
            family_name="Stone",
            date_of_birth=dt.date(2011, 1, 1),
            sex=_code("sex", "F"),
            identifiers=[services.IdentifierInput(police, "10 555 a")],
        )
    assert "already belongs to another child's record" in str(error.value)
    assert not Child.objects.filter(given_name="Eve").exists()


def test_a_change_keeps_before_and_after_in_the_audit_log(norfolk_worker) -> None:
    child = make_child(given_name="Mia", family_name="Rowe")
    involve(child, "norfolk-mace", worker=norfolk_worker)
    services.child_update(
        user=norfolk_worker, child=child, reason="Spelling confirmed with carer", family_name="Roe"
    )
    event = AuditEvent.objects.filter(action="child.update", child_id=child.pk).latest("seq")
    assert event.detail == {"family_name": {"from": "Rowe", "to": "Roe"}}
    assert event.reason == "Spelling confirmed with carer"
    child.refresh_from_db()
    assert child.family_name_key == "R000"


def test_a_manager_merges_a_duplicate_and_history_is_kept(norfolk_worker) -> None:
    manager = person("team_manager", "norfolk-childrens", "norfolk-mace", username="grace.manager")
    keep = make_child(given_name="Leo", family_name="Marsh")
    duplicate = make_child(given_name="Leo", family_name="Marsh")
    involve(keep, "norfolk-mace", worker=norfolk_worker)
    # The manager's team works with both records (a manager cannot merge a record they cannot see).
    involve(duplicate, "norfolk-mace")
    services.carer_add(
        user=norfolk_worker,
        child=duplicate,
        name="Jo Marsh",
        relationship=_code("carer-relationship", "mother"),
        parental_responsibility=True,
    )
    child_merge(
        user=manager, keep=keep, duplicate=duplicate, reason="Same child: same school and carer"
    )

    duplicate.refresh_from_db()
    assert duplicate.merged_into == keep
    assert keep.carers.filter(name="Jo Marsh").exists()
    assert keep.involvements.count() == 2
    merge = ChildMerge.objects.get(merged=duplicate)
    assert merge.snapshot["carers"] == [["Jo Marsh", "mother"]] or merge.snapshot["carers"] == [
        ("Jo Marsh", "mother")
    ]
    # Opening the old record number leads to the record that was kept.
    assert child_get_for_user(manager, duplicate.pk) == keep
    assert AuditEvent.objects.filter(action="child.merge", child_id=duplicate.pk).exists()


def test_a_practitioner_cannot_merge(norfolk_worker) -> None:
    a, b = make_child(), make_child()
    with pytest.raises(ValidationError):
        child_merge(user=norfolk_worker, keep=a, duplicate=b, reason="same")
    b.refresh_from_db()
    assert b.merged_into is None


def test_the_caseload_list_uses_a_fixed_number_of_queries(
    norfolk_worker, django_assert_max_num_queries
) -> None:
    for _ in range(30):
        involve(make_child(), "norfolk-mace")
    client = signed_in_client(norfolk_worker)
    # Twelve to read the page and two to audit which children it listed (chain head, event).
    with django_assert_max_num_queries(14):
        response = client.get("/children/")
    assert response.context["page_obj"].paginator.count == 30
