"""Emails the product sends beyond events: a concern shared from custody and a referral reach the
receiving team's members; break-glass access reaches managers and the data protection lead; an
agreement ending reaches admins and the lead once; an action owner hears of overdue actions once a
day. None of them says who the child is or quotes the record."""

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


def test_an_agreement_ending_is_emailed_once_to_admins_and_the_data_protection_lead() -> None:
    import datetime as dt

    from django.utils import timezone

    from reachable.sharing.models import Agreement
    from reachable.sharing.services import agreement_expiry_alerts

    admin = _with_email(person("partnership_admin", "partnership-team", username="ada.admin"))
    Agreement.objects.filter(reference="pathways-mentoring-referrals").update(
        ends_on=timezone.localdate() + dt.timedelta(days=10)
    )
    agreement_expiry_alerts()
    agreement_expiry_alerts()  # the next day's run
    bodies = _bodies()
    assert len(bodies) == 1
    assert mail.outbox[0].to == [admin.email]
    assert "pathways-mentoring-referrals" in bodies[0]


def test_an_owner_of_overdue_actions_gets_one_email_a_day_with_the_count_only(
    norfolk_worker: Any,
) -> None:
    import datetime as dt

    from django.utils import timezone

    from reachable.casework.models import Action, Case
    from reachable.casework.services.reminders import overdue_actions_notify
    from reachable.core.models import Agency

    _with_email(norfolk_worker)
    child = make_child()
    team = Team.objects.get(slug="norfolk-mace")
    involve(child, team, worker=norfolk_worker)
    case = Case.objects.create(child=child, team=team, opened_at=timezone.now())
    for days in [3, 1]:
        Action.objects.create(
            case=case,
            description="Visit at school about the older boys",
            due_on=timezone.localdate() - dt.timedelta(days=days),
            owner=norfolk_worker,
            owner_agency=Agency.objects.get(slug="norfolk-childrens"),
            created_by=norfolk_worker,
        )
    assert overdue_actions_notify() == 1
    assert overdue_actions_notify() == 0  # once a day
    (body,) = _bodies()
    assert "You have 2 overdue actions" in body
    assert "older boys" not in body
    assert child.family_name not in body
