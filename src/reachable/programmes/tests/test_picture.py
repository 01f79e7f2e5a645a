"""The partnership picture: live figures by county, suppressed for all but analysts, each a link
to its source page only for those who may open it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from reachable.programmes.periods import Quarter
from reachable.programmes.tests.helpers import lead
from reachable.programmes.tests.test_measures import _engaged, _suite_in
from reachable.testing import page, person, signed_in_client

pytestmark = pytest.mark.django_db


def _rows(response) -> dict[str, list[str]]:
    picture = response.context["picture"]
    return {name: [str(c.value) for c in cells] for name, cells in picture.rows}


def test_small_counts_are_suppressed_except_for_analysts() -> None:
    quarter = Quarter.containing(timezone.localdate()).previous()
    for offset in range(7):
        _engaged(quarter.starts_on + dt.timedelta(days=offset))  # Norfolk: 7 children
    _engaged(quarter.starts_on, suite=_suite_in("suffolk"))  # Suffolk: 1 child
    url = reverse("programmes:picture") + f"?quarter={quarter.key()}"
    analyst = signed_in_client(person("analyst", "partnership-team", username="an"))
    exact = _rows(analyst.get(url))
    assert exact["Norfolk"][0] == "7"
    assert exact["Suffolk"][0] == "1"
    shown = _rows(signed_in_client(lead()).get(url))
    assert shown["Suffolk"][0] == "[c]"
    # The total row would give Suffolk's 1 away beside Norfolk's 7: something else is hidden too.
    column = [row[0] for row in shown.values()]
    assert column.count("[c]") >= 2
    assert "1" not in column


def test_figures_link_to_their_source_only_for_those_who_may_open_it() -> None:
    quarter = Quarter.containing(timezone.localdate()).previous()
    for offset in range(6):
        _engaged(quarter.starts_on + dt.timedelta(days=offset))
    url = reverse("programmes:picture") + f"?quarter={quarter.key()}"
    manager = page(
        signed_in_client(person("team_manager", "norfolk-childrens", "norfolk-mace")).get(url)
    )
    assert f'href="{reverse("custody:dashboard")}">6<' in manager
    # An analyst may not open the custody dashboard: the same figure, no link.
    analyst = page(signed_in_client(person("analyst", "partnership-team", username="a2")).get(url))
    assert reverse("custody:dashboard") not in analyst.split("<main")[1]


def test_a_quarter_that_has_not_started_is_refused_with_a_message() -> None:
    response = signed_in_client(lead()).get(reverse("programmes:picture") + "?quarter=2999-01-01")
    assert response.status_code == 400
    assert "has not started yet" in page(response)
    response = signed_in_client(lead()).get(reverse("programmes:picture") + "?quarter=2026-02-01")
    assert response.status_code == 400
    assert "Choose a quarter from the list" in page(response)
