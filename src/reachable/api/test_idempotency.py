"""A partner system may retry a write with the same Idempotency-Key and nothing is done twice;
the key is the caller's own, tied to one request, and forgotten after a day."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from reachable.accounts.idempotency import idempotency_tidy
from reachable.accounts.models import IdempotentRequest
from reachable.custody.models import Detention
from reachable.testing import ON_POSTGRES, at_once, system_client

pytestmark = pytest.mark.django_db


def _system(name: str = "Custody system") -> Client:
    return system_client("custody_practitioner", "norfolk-yjs", "norfolk-custody-ei", name=name)


def _detention(family_name: str = "Retryson") -> str:
    arrested = timezone.now() - dt.timedelta(hours=2)
    return json.dumps(
        {
            "given_name": "Idem",
            "family_name": family_name,
            "date_of_birth": (timezone.localdate() - dt.timedelta(days=15 * 365)).isoformat(),
            "sex": "M",
            "suite": "wymondham-pic",
            "arrested_at": arrested.isoformat(),
            "arrived_at": (arrested + dt.timedelta(minutes=20)).isoformat(),
            "offence": "pwits-a",
        }
    )


def _send(client: Client, body: str, key: str | None) -> Any:
    headers: dict[str, Any] = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post("/api/detentions/", body, content_type="application/json", **headers)


def test_a_retry_with_the_same_key_gets_the_first_answer_and_records_nothing_twice() -> None:
    system, body = _system(), _detention()
    first = _send(system, body, "3f1c2a9e-retry-1")
    retry = _send(system, body, "3f1c2a9e-retry-1")
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry["Location"] == first["Location"]
    assert retry["Idempotent-Replayed"] == "true"
    assert Detention.objects.count() == 1
    # Without a key, the same body is a second request: refused by the rule, not recorded.
    again = _send(system, body, None)
    assert again.status_code == 400
    assert "arrested_at" in again.json()
    assert Detention.objects.count() == 1


def test_the_same_key_for_a_different_request_is_refused() -> None:
    system = _system()
    _send(system, _detention(), "key-reused-0001")
    other = _send(system, _detention("Otherson"), "key-reused-0001")
    assert other.status_code == 422
    assert "different request" in other.json()["detail"]
    assert Detention.objects.count() == 1


def test_a_key_belongs_to_its_caller_and_a_refusal_is_replayed_as_it_was() -> None:
    mine, theirs, body = _system(), _system("Second custody system"), _detention()
    assert _send(mine, body, "shared-key-0001").status_code == 201
    # Another system using the same key is not replayed my answer: its request runs, and is
    # refused by the rules (the same arrest is already recorded).
    refused = _send(theirs, body, "shared-key-0001")
    assert refused.status_code == 400
    replayed = _send(theirs, body, "shared-key-0001")
    assert replayed.status_code == 400
    assert replayed["Idempotent-Replayed"] == "true"
    assert replayed.json() == refused.json()


def test_a_malformed_key_is_refused_before_anything_runs() -> None:
    refused = _send(_system(), _detention(), "short")
    assert refused.status_code == 400
    assert "Idempotency-Key" in refused.json()["detail"]
    assert Detention.objects.count() == 0


def test_answers_are_forgotten_after_the_configured_hours(settings) -> None:
    system = _system()
    _send(system, _detention(), "old-key-000001")
    later = timezone.now() + dt.timedelta(hours=settings.REACHABLE_IDEMPOTENCY_HOURS + 1)
    assert idempotency_tidy(now=later) == 1
    assert not IdempotentRequest.objects.exists()


@pytest.fixture
def committed(transactional_db) -> Iterator[None]:
    """Real commits, so two threads race on the key's unique row (the partnership reloaded, as
    a transactional test starts from an empty database)."""
    from django.db import connection

    from reachable.audit import guard
    from reachable.core.services import partnership_load

    partnership_load()
    yield
    guard.drop(connection)  # the audit guard would refuse emptying the database afterwards


@ON_POSTGRES
def test_two_retries_at_once_record_one_detention(committed: None) -> None:
    system, body = _system(), _detention()
    answers = at_once(
        lambda: _send(system, body, "at-once-key-01"), lambda: _send(system, body, "at-once-key-01")
    )
    codes = sorted(a.status_code for a in answers)
    assert codes in ([201, 201], [201, 409]), codes
    assert Detention.objects.count() == 1


def test_a_replay_reads_the_record_again_so_lost_access_is_a_404() -> None:
    from reachable.children.models import Involvement

    system, body = _system(), _detention()
    first = _send(system, body, "lost-access-01")
    assert first.status_code == 201
    Involvement.objects.filter(child_id=first.json()["child"]).update(
        ended_on=timezone.localdate() - dt.timedelta(days=1)
    )
    assert IdempotentRequest.objects.get().body is None  # the record is not kept, its id is
    assert _send(system, body, "lost-access-01").status_code == 404


def test_a_body_that_is_not_an_object_is_refused_not_a_server_error() -> None:
    refused = _system().post(
        "/api/detentions/",
        "[1]",
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="list-body-01",
    )
    assert refused.status_code == 400


def test_a_first_request_that_never_answered_is_given_up_after_a_while() -> None:
    from reachable.accounts.idempotency import STALE

    system, body = _system(), _detention()
    _send(system, body, "abandoned-01")
    IdempotentRequest.objects.update(
        status_code=None, object_id=None, created_at=timezone.now() - STALE * 2
    )
    retried = _send(system, body, "abandoned-01")
    assert retried.status_code == 400  # run afresh: the rule refuses the same arrest twice
    assert Detention.objects.count() == 1
