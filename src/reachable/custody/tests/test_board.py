"""The custody board as a shift uses it: sorted by any column on the server, the child's age,
and a flag on a child detained for over 24 hours with no release recorded."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from reachable.testing import make_child, make_detention, page, signed_in_client

pytestmark = pytest.mark.django_db


def _names(html: str) -> list[str]:
    return re.findall(r'href="/custody/detentions/\d+/">([^<]+)</a>', html)


def test_the_board_sorts_by_name_shows_ages_and_flags_a_day_in_custody(priya) -> None:
    now = timezone.now()
    young = make_child(
        given_name="Ada",
        family_name="Zed",
        date_of_birth=timezone.localdate() - dt.timedelta(days=13 * 366),
    )
    long_held = make_child(given_name="Bo", family_name="Young")
    make_detention(young, arrived=now - dt.timedelta(hours=1), custody_team_works=True)
    make_detention(long_held, arrived=now - dt.timedelta(hours=30), custody_team_works=True)
    client = signed_in_client(priya)

    newest_first = page(client.get("/custody/"))
    assert _names(newest_first) == ["Ada Zed", "Bo Young"]
    assert newest_first.count("Over 24 hours") == 1
    assert '<td class="govuk-table__cell" data-label="Age">13</td>' in newest_first

    by_name = page(client.get("/custody/?sort=child"))
    assert _names(by_name) == ["Bo Young", "Ada Zed"]  # Young before Zed
    assert 'aria-sort="ascending"' in by_name
    assert _names(page(client.get("/custody/?sort=-child"))) == ["Ada Zed", "Bo Young"]
    assert _names(page(client.get("/custody/?sort=nonsense"))) == ["Ada Zed", "Bo Young"]
