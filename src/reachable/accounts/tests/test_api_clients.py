"""Partner systems as API clients: a token is shown once and stored hashed, acts as the client's
account (so its agency and role decide what it sees), is audited on every call, stops at expiry
or revocation, and is limited per minute."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reachable.accounts.api_clients import client_register, token_issue
from reachable.accounts.models import ApiClient, ApiToken
from reachable.audit.models import AuditEvent
from reachable.core.models import Agency, Team
from reachable.testing import involve, make_child, page, person_once, signed_in_client

pytestmark = pytest.mark.django_db


def _admin():
    return person_once("partnership_admin", "partnership-team", username="the.admin")


def _client_of(agency: str = "norfolk-childrens", team: str | None = "norfolk-mace") -> ApiClient:
    return client_register(
        by=_admin(),
        name=f"System of {agency}",
        agency=Agency.objects.get(slug=agency),
        role="exploitation_practitioner",
        team=Team.objects.get(slug=team) if team else None,
    )


def _call(secret: str, path: str = "/api/children/?q=Apitest") -> Any:
    return Client().get(path, HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT="application/json")


def test_an_admin_registers_a_system_and_its_token_is_shown_once_and_kept_hashed() -> None:
    admin = _admin()
    client = signed_in_client(admin)
    made = client.post(
        reverse("accounts:api_client_new"),
        {
            "name": "Northgate safeguarding tool",
            "role": "partner_user",
            "agency": str(Agency.objects.get(slug="norfolk-education").pk),
            "team": str(Team.objects.get(slug="northgate-safeguarding").pk),
        },
    )
    assert made.status_code == 302
    system = ApiClient.objects.get()
    issued = client.post(reverse("accounts:api_client", args=[system.pk]), {"days": "30"})
    shown = re.search(r"rk_[0-9a-f]{8}_[A-Za-z0-9_-]{40,}", page(issued))
    assert shown
    secret = shown[0]
    token = ApiToken.objects.get()
    assert secret not in {token.digest, token.prefix}
    assert secret.split("_")[1] == token.prefix
    assert issued["Cache-Control"] == "no-store"
    again = page(client.get(reverse("accounts:api_client", args=[system.pk])))
    assert secret not in again  # never shown again


def test_a_token_acts_as_its_agency_and_every_call_is_audited() -> None:
    system = _client_of()
    _, secret = token_issue(by=_admin(), client=system, days=30)
    ours = make_child(given_name="Ours", family_name="Apitest")
    theirs = make_child(given_name="Theirs", family_name="Apitest")
    involve(ours, "norfolk-mace")
    involve(theirs, "cambs-safe")
    response = _call(secret)
    assert response.status_code == 200
    names = {hit["child"]["given_name"] for hit in response.json()}
    assert names == {"Ours"}  # another area's child is not this system's to see
    event = AuditEvent.objects.filter(action="api.call").last()
    assert event is not None
    assert event.user_id == system.account_id
    assert event.detail["client"] == system.name


def test_an_expired_revoked_or_wrong_token_is_refused() -> None:
    system = _client_of()
    admin = _admin()
    token, secret = token_issue(by=admin, client=system, days=30)
    assert _call(secret).status_code == 200
    assert _call(secret[:-2] + "xx").status_code == 401
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    expired = _call(secret)
    assert expired.status_code == 401
    assert "expired or been revoked" in expired.json()["detail"]
    other, other_secret = token_issue(by=admin, client=system, days=30)
    signed_in_client(admin).post(reverse("accounts:api_token_revoke", args=[other.pk]))
    assert _call(other_secret).status_code == 401
    assert ApiToken.objects.get(pk=other.pk).revoked_at is not None


def test_a_client_is_limited_per_minute() -> None:
    cache.clear()
    system = _client_of()
    ApiClient.objects.filter(pk=system.pk).update(calls_per_minute=3)
    _, secret = token_issue(by=_admin(), client=system, days=30)
    answers = [_call(secret) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert int(answers[-1]["Retry-After"]) <= 60
    cache.clear()


def test_the_token_length_of_validity_is_checked() -> None:
    system = _client_of()
    response = signed_in_client(_admin()).post(
        reverse("accounts:api_client", args=[system.pk]), {"days": "1000"}
    )
    assert response.status_code == 400
    assert "Choose from 1 to 366 days" in page(response)
    assert not ApiToken.objects.exists()
