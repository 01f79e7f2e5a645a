"""The programme board's API does what the pages do, through the same rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reachable.programmes import services
from reachable.programmes.models import Spend
from reachable.programmes.tests.helpers import (
    a_deliverable,
    a_programme,
    a_target,
    board_member,
    last_quarter,
    lead,
)
from reachable.programmes.tests.test_measures import _engaged
from reachable.testing import signed_in_client

pytestmark = pytest.mark.django_db


def _upload(client, programme, text: str):
    return client.post(
        f"/api/programmes/{programme.pk}/spend/",
        {"file": SimpleUploadedFile("spend.csv", text.encode(), "text/csv")},
        HTTP_ACCEPT="application/json",
    )


def test_spend_imports_through_the_api_with_the_pages_rules() -> None:
    programme = a_programme()
    quarter = last_quarter()
    services.budget_line_add(
        user=lead(),
        programme=programme,
        name="Staffing",
        year_starts_on=quarter.financial_year_starts_on,
        amount=Decimal(100000),
    )
    header = "budget_line,quarter,amount,source\n"
    refused = _upload(
        signed_in_client(lead()), programme, header + f"Stafing,{quarter.key()},10,L\n"
    )
    assert refused.status_code == 400
    [problem] = refused.json()["problems"]
    assert (problem["row"], problem["column"]) == (2, "budget_line")
    assert not Spend.objects.exists()
    done = _upload(signed_in_client(lead()), programme, header + f"Staffing,{quarter.key()},10,L\n")
    assert done.status_code == 200
    assert done.json()["written"] == 1
    # A board member reads the programme but cannot import.
    member = _upload(signed_in_client(board_member()), programme, header)
    assert member.status_code == 403


def test_the_programme_in_the_api_carries_the_figures_the_page_shows() -> None:
    programme = a_programme()
    a_deliverable(programme, title="Pilot launched")
    a_target(programme)
    for days in (3, 5, 7, 9, 11):
        _engaged(programme.starts_on + dt.timedelta(days=days))
    body = (
        signed_in_client(board_member())
        .get(f"/api/programmes/{programme.pk}/", HTTP_ACCEPT="application/json")
        .json()
    )
    assert [d["title"] for d in body["deliverables"]] == ["Pilot launched"]
    [target] = body["targets"]
    assert Decimal(target["to_date"]) == 5
    assert target["source"].startswith("Counted live")
