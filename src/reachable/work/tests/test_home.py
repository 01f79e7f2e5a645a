"""The home page is each person's work queue: the queues their roles bring, each row the child a
practitioner may see, the names shown recorded in the audit log, and a number of queries that
does not grow with the rows."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reachable.audit.models import AuditEvent
from reachable.casework.models import Referral
from reachable.core.models import Agency, Team
from reachable.testing import involve, make_child, make_detention, page, person, signed_in_client

pytestmark = pytest.mark.django_db


def _home(user: Any) -> str:
    return page(signed_in_client(user).get(reverse("work:home")))


def _custody_worker() -> Any:
    return person("custody_practitioner", "norfolk-yjs", "norfolk-custody-ei", username="priya")


def test_a_custody_practitioner_sees_who_is_detained_and_not_yet_seen() -> None:
    priya = _custody_worker()
    kai = make_child(given_name="Kai", family_name="Testchild")
    make_detention(kai, custody_team_works=True, arrived=timezone.now() - dt.timedelta(hours=30))
    shown = _home(priya)
    assert "Detained now, not yet seen" in shown
    assert "Kai Testchild" in shown
    assert "over 24 h" in shown
    assert "Detained over 24 hours, no release recorded" in shown
    listed = AuditEvent.objects.filter(action="list.view", user=priya).last()
    assert listed is not None
    assert listed.detail["children"] == [kai.pk]
    assert "Referrals to triage" not in shown  # a MACE team's queue, not hers


def test_a_child_the_practitioner_may_not_see_is_never_in_a_queue() -> None:
    priya = _custody_worker()
    elsewhere = make_child(given_name="Unseen", family_name="Elsewhere")
    make_detention(elsewhere, suite="wymondham-pic")  # the team does not work with the child
    assert "Unseen Elsewhere" not in _home(priya)


def test_a_mace_practitioner_sees_referrals_to_triage_most_urgent_first() -> None:
    worker = person("exploitation_practitioner", "norfolk-childrens", "norfolk-mace")
    team = Team.objects.get(slug="norfolk-mace")
    referrer = person("partner_user", "norfolk-education", "northgate-safeguarding")
    for name, urgency in [("Routine", "routine"), ("Urgent", "urgent")]:
        child = make_child(given_name=name, family_name="Referred")
        involve(child, team)
        Referral.objects.create(
            child=child,
            to_team=team,
            referred_by=referrer,
            referring_agency=Agency.objects.get(slug="norfolk-education"),
            received_at=timezone.now(),
            concerns="Seen at the station late at night",
            urgency=urgency,
            consent="given",
        )
    shown = _home(worker)
    assert re.search(r"Referrals to triage <strong[^>]*>2</strong>", shown)
    assert shown.index("Urgent Referred") < shown.index("Routine Referred")
    assert "Seen at the station" not in shown  # the concern itself stays on the referral


@pytest.mark.parametrize(
    ("role", "agency", "team", "queue"),
    [
        ("data_submitter", "suffolk-yjs", None, "Returns due"),
        ("analyst", "partnership-team", None, "Pairs to review"),
        ("programme_lead", "partnership-team", None, "Deliverables at red or amber"),
        ("data_protection_lead", "partnership-team", None, "Subject access requests to answer"),
        ("team_manager", "norfolk-childrens", "norfolk-mace", "Closures waiting for your approval"),
        ("partner_user", "norfolk-education", "northgate-safeguarding", "Your referrals"),
        ("partnership_admin", "partnership-team", None, "Emails that could not be sent"),
    ],
)
def test_each_role_has_its_own_queues(role: str, agency: str, team: str | None, queue: str) -> None:
    shown = _home(person(role, agency, team))
    assert queue in shown


def test_the_queries_do_not_grow_with_the_rows() -> None:
    priya = _custody_worker()
    client = signed_in_client(priya)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("work:home")).status_code == 200
        return len(captured)

    make_detention(make_child(), custody_team_works=True)
    few = queries()
    for _ in range(8):
        make_detention(make_child(), custody_team_works=True)
    assert queries() == few
