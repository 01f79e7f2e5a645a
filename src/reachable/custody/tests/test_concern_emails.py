"""Emails the casework sends: a concern shared from custody and a referral reach the receiving
team's members, and break-glass access reaches managers and the data protection lead. None of
them says who the child is."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from reachable.casework import services as casework
from reachable.core.models import Code, Team
from reachable.custody import services
from reachable.notifications.services import outbox_send
from reachable.sharing.services import break_glass_open
from reachable.testing import involve, make_child, person

pytestmark = pytest.mark.django_db


def _with_email(user: Any) -> Any:
    user.email = f"{user.username}@example.org"
    user.save(update_fields=["email"])
    return user


def _bodies() -> list[str]:
    outbox_send()
    return [f"{m.subject}\n{m.body}" for m in mail.outbox]


def test_a_concern_shared_from_custody_emails_the_team_without_naming_the_child(
    priya: Any, detention: Any, norfolk_worker: Any
) -> None:
    _with_email(norfolk_worker)
    services.concern_share(
        user=priya,
        detention=detention,
        to_team=Team.objects.get(slug="norfolk-mace"),
        method=Code.objects.get(code_list__key="share-method", code="phone"),
        summary="Said he owes money to older boys",
    )
    (body,) = _bodies()
    assert mail.outbox[0].to == [norfolk_worker.email]
    assert "A concern has been shared with" in body
    assert detention.child.family_name not in body
    assert "older boys" not in body


def test_a_referral_emails_the_receiving_team(norfolk_worker: Any) -> None:
    _with_email(norfolk_worker)
    referrer = person("custody_practitioner", "norfolk-yjs", "norfolk-custody-ei")
    child = make_child()
    involve(child, "norfolk-custody-ei", worker=referrer)
    casework.referral_make(
        user=referrer,
        child=child,
        to_team=Team.objects.get(slug="norfolk-mace"),
        concerns="Missing from school three times this month",
        urgency="urgent",
        consent="given",
    )
    bodies = _bodies()
    assert any("has received a referral" in b for b in bodies)
    assert norfolk_worker.email in {address for m in mail.outbox for address in m.to}
    assert all(child.family_name not in b and "Missing from school" not in b for b in bodies)


def test_break_glass_emails_the_data_protection_lead(norfolk_worker: Any) -> None:
    lead = _with_email(person("data_protection_lead", "partnership-team", username="the.dpl"))
    child = make_child()
    involve(child, "cambs-safe")
    break_glass_open(
        user=norfolk_worker, child_pk=child.pk, reason="Found at the station tonight, need it"
    )
    bodies = _bodies()
    assert lead.email in {address for m in mail.outbox for address in m.to}
    assert all("station" not in b and child.family_name not in b for b in bodies)
