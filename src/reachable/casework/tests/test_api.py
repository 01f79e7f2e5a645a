from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from reachable.casework.models import Referral
from reachable.testing import make_child

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _body(child_id: int, **changes):
    body = {
        "child": child_id,
        "to_team": "norfolk-mace",
        "concerns": "Found with two phones and cash after a missing episode.",
        "urgency": "urgent",
        "consent": "given",
    }
    body.update(changes)
    return body


def test_a_partner_system_refers_a_child_it_can_see(sam, jay) -> None:
    response = _client(sam).post(reverse("api:referral-list"), _body(jay.pk), format="json")
    assert response.status_code == 201, response.content
    referral = Referral.objects.get()
    assert referral.source == Referral.Source.API
    assert response.json()["decision"] == "pending"
    listed = _client(sam).get(reverse("api:referral-list")).json()
    assert [r["id"] for r in listed] == [referral.pk]


def test_a_referral_about_a_child_out_of_sight_is_404_and_saves_nothing(sam) -> None:
    stranger = make_child()
    response = _client(sam).post(reverse("api:referral-list"), _body(stranger.pk), format="json")
    assert response.status_code == 404
    assert not Referral.objects.exists()


def test_a_referral_without_agreement_or_basis_names_the_field(sam, jay) -> None:
    response = _client(sam).post(
        reverse("api:referral-list"), _body(jay.pk, consent="refused"), format="json"
    )
    assert response.status_code == 400
    assert "lawful_basis" in response.json()
    assert not Referral.objects.exists()


def test_the_team_lists_its_cases(mo, case) -> None:
    rows = _client(mo).get(reverse("api:case-list")).json()["results"]
    assert [r["id"] for r in rows] == [case.pk]
