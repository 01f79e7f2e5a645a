"""Webhooks to partner systems, against a real HTTP server on loopback: signed, retried when the
system does not answer 2xx, sent only to systems whose account could read the thing, and
carrying references, never a child's details."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reachable.accounts.api_clients import client_register
from reachable.core.models import Agency, Code, Team
from reachable.custody import services as custody
from reachable.notifications.models import Delivery
from reachable.notifications.webhooks import deliveries_send, sign, webhook_add
from reachable.testing import (
    make_child,
    make_detention,
    page,
    person,
    person_once,
    signed_in_client,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver() -> Any:
    """A partner system's endpoint: records what arrives, answers with the status queued."""
    got: list[dict[str, Any]] = []
    answers: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            got.append({"headers": dict(self.headers), "body": body})
            self.send_response(answers.pop(0) if answers else 200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{server.server_port}/hook", "got": got, "answers": answers}
    server.shutdown()


def _admin() -> Any:
    return person_once("partnership_admin", "partnership-team", username="the.admin")


def _share_concern(team_slug: str = "norfolk-mace") -> Any:
    priya = person("custody_practitioner", "norfolk-yjs", "norfolk-custody-ei", username="priya")
    child = make_child(given_name="Kai", family_name="Hookchild")
    detention = make_detention(child, custody_team_works=True)
    return custody.concern_share(
        user=priya,
        detention=detention,
        to_team=Team.objects.get(slug=team_slug),
        method=Code.objects.get(code_list__key="share-method", code="phone"),
        summary="Says he owes money to older boys",
    )


def _system(team: str, agency: str) -> Any:
    return client_register(
        by=_admin(),
        name=f"System in {team}",
        agency=Agency.objects.get(slug=agency),
        role="exploitation_practitioner",
        team=Team.objects.get(slug=team),
    )


def test_a_concern_reaches_the_receiving_teams_system_signed_and_with_references_only(
    receiver: Any,
) -> None:
    ours = _system("norfolk-mace", "norfolk-childrens")
    theirs = _system("cambs-safe", "cambs-yss")
    _, secret = webhook_add(
        by=_admin(), client=ours, url=receiver["url"], events=["custody.concern_shared"]
    )
    webhook_add(by=_admin(), client=theirs, url=receiver["url"], events=["custody.concern_shared"])
    share = _share_concern()
    assert deliveries_send() == (1, 0)  # one system works in the team; the other does not
    (arrived,) = receiver["got"]
    headers, body = arrived["headers"], arrived["body"]
    assert headers["X-Reachable-Event"] == "custody.concern_shared"
    assert headers["X-Reachable-Signature"] == sign(secret, headers["X-Reachable-Timestamp"], body)
    payload = json.loads(body)
    assert payload["concern"] == share.pk
    text = body.decode()
    assert "Hookchild" not in text
    assert "older boys" not in text
    assert set(payload) == {"event", "at", "concern", "team", "detention"}


def test_a_system_that_does_not_answer_2xx_is_retried_then_shown_as_failed(
    receiver: Any,
) -> None:
    from django.utils import timezone

    ours = _system("norfolk-mace", "norfolk-childrens")
    webhook_add(by=_admin(), client=ours, url=receiver["url"], events=["custody.concern_shared"])
    receiver["answers"].extend([500, 503])
    _share_concern()
    assert deliveries_send() == (0, 1)
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("pending", 1, 500)
    assert deliveries_send() == (0, 0)  # not due yet: backoff
    Delivery.objects.update(next_attempt_at=timezone.now())
    assert deliveries_send() == (0, 1)
    Delivery.objects.update(next_attempt_at=timezone.now())
    assert deliveries_send() == (1, 0)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("delivered", 3)
    shown = page(signed_in_client(_admin()).get(reverse("accounts:api_client", args=[ours.pk])))
    assert "Delivered (3 attempts)" in shown


def test_a_webhook_needs_a_secure_address_in_production_and_known_events(settings: Any) -> None:
    ours = _system("norfolk-mace", "norfolk-childrens")
    with pytest.raises(ValidationError):
        webhook_add(by=_admin(), client=ours, url="https://x.example.org/", events=["nothing"])
    settings.PRODUCTION = True
    with pytest.raises(ValidationError, match="secure address"):
        webhook_add(
            by=_admin(), client=ours, url="http://127.0.0.1/hook", events=["returns.checked"]
        )


def test_a_triage_decision_reaches_the_referring_agencys_system_only(receiver: Any) -> None:
    from django.utils import timezone

    from reachable.casework import services as casework
    from reachable.casework.models import Referral

    school = client_register(
        by=_admin(),
        name="Northgate safeguarding tool",
        agency=Agency.objects.get(slug="norfolk-education"),
        role="partner_user",
        team=Team.objects.get(slug="northgate-safeguarding"),
    )
    webhook_add(
        by=_admin(), client=school, url=receiver["url"], events=["casework.referral_triaged"]
    )
    mace = Team.objects.get(slug="norfolk-mace")
    child = make_child(given_name="Sam", family_name="Triagechild")
    from reachable.testing import involve

    involve(child, mace)
    referral = Referral.objects.create(
        child=child,
        to_team=mace,
        referred_by=person("partner_user", "norfolk-education", "northgate-safeguarding"),
        referring_agency=Agency.objects.get(slug="norfolk-education"),
        received_at=timezone.now(),
        concerns="Missing from school three times",
        urgency="urgent",
        consent="given",
    )
    manager = person("team_manager", "norfolk-childrens", "norfolk-mace", username="grace")
    casework.referral_triage(
        user=manager, referral=referral, decision="nfa", reason="Known to another service"
    )
    assert deliveries_send() == (1, 0)
    payload = json.loads(receiver["got"][0]["body"])
    assert (payload["referral"], payload["decision"]) == (referral.pk, "nfa")
    assert "Triagechild" not in receiver["got"][0]["body"].decode()
