"""The child header on every page about a child: who the child is, and what needs attention,
for this reader only (a partner reading a shared record never sees the team's risk judgement)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from reachable.casework.models import Case, MissingEpisode
from reachable.core.models import Agency, Code, Team
from reachable.testing import involve, make_child, page, person, share, signed_in_client

pytestmark = pytest.mark.django_db


def _case_with_alerts(child, team, by):
    case = Case.objects.create(
        child=child,
        team=team,
        opened_at=timezone.now(),
        review_due_on=timezone.localdate() - dt.timedelta(days=2),
        risk_level=Code.objects.filter(code_list__key="risk-level").order_by("order").last(),
    )
    MissingEpisode.objects.create(case=case, missing_from=timezone.now(), by=by)
    return case


def test_the_team_sees_the_alerts_and_a_partner_sees_none_of_the_case() -> None:
    team = Team.objects.get(slug="norfolk-mace")
    worker = person("exploitation_practitioner", "norfolk-childrens", "norfolk-mace")
    child = make_child(given_name="Jay", family_name="Headerchild")
    involve(child, team, worker=worker)
    case = _case_with_alerts(child, team, worker)
    for url in [
        reverse("children:profile", args=[child.pk]),
        reverse("casework:case", args=[case.pk]),
        reverse("casework:chronology", args=[child.pk]),
    ]:
        shown = page(signed_in_client(worker).get(url))
        assert "app-child-header" in shown, url
        assert f"age {child.age_on(timezone.localdate())}" in shown
        assert "Missing now" in shown
        assert "Review overdue since" in shown
        assert "Risk judged" in shown

    partner = person("partner_user", "norfolk-education", "northgate-safeguarding")
    share(child, Agency.objects.get(slug="norfolk-education"), by=worker)
    shown = page(signed_in_client(partner).get(reverse("children:profile", args=[child.pk])))
    assert "Jay Headerchild" in shown
    assert "Missing now" not in shown
    assert "Risk judged" not in shown
