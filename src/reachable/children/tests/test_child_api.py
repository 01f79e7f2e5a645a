from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from reachable.children.models import Child
from reachable.testing import involve, make_child

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(norfolk_worker) -> APIClient:
    client = APIClient()
    token = Token.objects.create(user=norfolk_worker)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_it_creates_a_child_with_a_token(api) -> None:
    response = api.post(
        "/api/children/",
        {
            "given_name": "Noah",
            "family_name": "Abara",
            "date_of_birth": "2009-06-01",
            "sex": "M",
            "home_la": "lambeth",
            "identifiers": [{"kind": "police", "value": "09/7654321B"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["home_la"] == "lambeth"
    assert Child.objects.get(family_name="Abara").identifiers.get().value == "09/7654321B"


def test_it_returns_field_errors_and_saves_nothing(api) -> None:
    response = api.post(
        "/api/children/",
        {"given_name": "", "family_name": "Abara", "date_of_birth": "2999-01-01", "sex": "Z"},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) >= {"given_name", "sex"}
    assert not Child.objects.filter(family_name="Abara").exists()


def test_service_rules_come_back_as_field_errors(api) -> None:
    response = api.post(
        "/api/children/",
        {"given_name": "Noah", "family_name": "Abara", "date_of_birth": "2999-01-01", "sex": "M"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"date_of_birth": ["Date of birth must be in the past."]}


def test_a_change_needs_a_reason(api, norfolk_worker) -> None:
    child = make_child(family_name="Osei")
    involve(child, "norfolk-mace", worker=norfolk_worker)
    response = api.patch(
        f"/api/children/{child.pk}/", {"family_name": "Osei-Mensah"}, format="json"
    )
    assert response.status_code == 400
    assert "reason" in response.json()
    response = api.patch(
        f"/api/children/{child.pk}/",
        {"family_name": "Osei-Mensah", "reason": "Name confirmed"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["family_name"] == "Osei-Mensah"


def test_search_needs_a_query(api) -> None:
    assert api.get("/api/children/").status_code == 400


def test_the_schema_describes_the_children_endpoints(api) -> None:
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert "/api/children/{id}/" in response.json()["paths"]
