"""The caseload sorts by any column on the server, says so to screen readers (aria-sort), keeps
its filters while sorting, and flags no contact for 14 days and reviews overdue."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from reachable.casework.models import Case
from reachable.core.models import Team
from reachable.testing import involve, make_child, page, person, signed_in_client

pytestmark = pytest.mark.django_db


def _cases() -> tuple[Any, list[Case]]:
    worker = person("exploitation_practitioner", "norfolk-childrens", "norfolk-mace")
    team = Team.objects.get(slug="norfolk-mace")
    made = []
    for family, review_in, contact_ago in [("Adams", 5, 1), ("Zephyr", -3, 30), ("Moss", 10, None)]:
        child = make_child(given_name="Sortable", family_name=family)
        involve(child, team, worker=worker)
        made.append(
            Case.objects.create(
                child=child,
                team=team,
                worker=worker,
                opened_at=timezone.now(),
                review_due_on=timezone.localdate() + dt.timedelta(days=review_in),
                last_contact_at=timezone.now() - dt.timedelta(days=contact_ago)
                if contact_ago is not None
                else None,
            )
        )
    return worker, made


def _order(body: str) -> list[str]:
    return re.findall(r"Sortable (Adams|Zephyr|Moss)", body)


def test_the_caseload_sorts_by_a_column_both_ways_and_says_so() -> None:
    worker, _ = _cases()
    client = signed_in_client(worker)
    url = reverse("casework:caseload")
    default = page(client.get(url))
    assert _order(default) == ["Zephyr", "Adams", "Moss"]  # review due, soonest first
    assert 'aria-sort="ascending"' in default
    by_name = page(client.get(url + "?sort=child"))
    assert _order(by_name) == ["Adams", "Moss", "Zephyr"]
    reverse_name = page(client.get(url + "?sort=-child"))
    assert _order(reverse_name) == ["Zephyr", "Moss", "Adams"]
    assert 'aria-sort="descending"' in reverse_name
    nonsense = page(client.get(url + "?sort=password"))
    assert _order(nonsense) == _order(default)
    kept = page(client.get(url + "?mine=1&sort=child"))
    toggle = re.search(r'href="(\?[^"]*sort=-child[^"]*)"', kept)
    assert toggle
    assert "mine=1" in toggle[1]


def test_the_caseload_flags_no_contact_and_overdue_reviews() -> None:
    worker, _ = _cases()
    shown = page(signed_in_client(worker).get(reverse("casework:caseload")))
    assert shown.count("No contact 14+ days") == 2  # Zephyr (30 days) and Moss (never)
    assert shown.count("Review overdue") == 1  # Zephyr


def _referrals(mo: Any, sam: Any) -> None:
    from reachable.casework import services
    from reachable.testing import share

    for family, urgency in [("Adams", "routine"), ("Zephyr", "immediate"), ("Moss", "urgent")]:
        child = make_child(given_name="Sortable", family_name=family)
        share(child, "norfolk-education", by=mo, categories=("identity", "casework"))
        services.referral_make(
            user=sam,
            child=child,
            to_team=Team.objects.get(slug="norfolk-mace"),
            concerns="Seen with older boys.",
            urgency=urgency,
            consent="given",
        )


def test_triage_and_my_referrals_sort_by_any_column_most_urgent_first_by_default(mo, sam) -> None:
    _referrals(mo, sam)
    triage = signed_in_client(mo)
    url = reverse("casework:triage_list")
    assert _order(page(triage.get(url))) == ["Zephyr", "Moss", "Adams"]  # immediate first
    by_child = page(triage.get(url + "?sort=child"))
    assert _order(by_child) == ["Adams", "Moss", "Zephyr"]
    assert 'aria-sort="ascending"' in by_child
    mine = signed_in_client(sam)
    url = reverse("casework:my_referrals")
    assert _order(page(mine.get(url + "?sort=-urgency"))) == ["Adams", "Moss", "Zephyr"]
    assert _order(page(mine.get(url + "?sort=child"))) == ["Adams", "Moss", "Zephyr"]
