from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from reachable.core.models import Code
from reachable.custody.dashboard import pilot_figures
from reachable.custody.models import CommunityOffer, Detention
from reachable.custody.services import engagement_record
from reachable.testing import make_child, make_detention, person, signed_in_client

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")


def _detention(child, arrived: dt.datetime, out_of_county: bool = False) -> Detention:
    return make_detention(
        child, arrived=arrived, out_of_county=out_of_county, custody_team_works=True
    )


@pytest.fixture
def year_of_detentions(priya):
    """Three children, four detentions in 2025: two in hours, two outside."""
    a, b, c = make_child(), make_child(), make_child()
    monday_11 = dt.datetime(2025, 3, 3, 11, 0, tzinfo=LONDON)
    d1 = _detention(a, monday_11, out_of_county=True)
    d2 = _detention(a, dt.datetime(2025, 3, 8, 20, 0, tzinfo=LONDON))  # Saturday evening: closed
    d3 = _detention(b, dt.datetime(2025, 4, 2, 15, 0, tzinfo=LONDON))
    _detention(
        c, dt.datetime(2025, 4, 6, 3, 0, tzinfo=LONDON)
    )  # Sunday night: closed, never approached
    declined = Code.objects.get(code_list__key="engagement-not-reason", code="declined")
    engagement_record(
        user=priya, detention=d1, attempted_at=d1.arrested_at + dt.timedelta(hours=2), engaged=True
    )
    engagement_record(
        user=priya,
        detention=d2,
        attempted_at=d2.arrested_at + dt.timedelta(hours=10),
        engaged=False,
        reason_not_engaged=declined,
    )
    engagement_record(
        user=priya, detention=d3, attempted_at=d3.arrested_at + dt.timedelta(hours=4), engaged=True
    )
    CommunityOffer.objects.create(
        detention=d3,
        offered_at=d3.arrived_at + dt.timedelta(days=1),
        offered_by=priya,
        accepted=True,
    )


def test_reach_and_targets(year_of_detentions) -> None:
    f = pilot_figures(year=2025)
    assert (f.detentions, f.approached, f.engaged_detentions) == (4, 3, 2)
    assert (f.children_engaged, f.children_offered) == (2, 1)
    assert f.target.children_engaged == 100
    assert f.target.offered_community_support == 50
    assert f.engagement_rate == pytest.approx(2 / 3)
    assert f.approached_share == pytest.approx(3 / 4)
    assert f.out_of_county_share == pytest.approx(1 / 4)
    assert (f.children_detained, f.children_detained_again) == (3, 1)


def test_time_from_arrest_to_first_intervention(year_of_detentions) -> None:
    f = pilot_figures(year=2025)
    assert f.median_hours == pytest.approx(3.0)  # 2 h and 4 h
    assert f.p90_hours is not None
    assert 2.0 <= f.p90_hours <= 4.0
    # Every month of a past year is a row; months without an intervention show 0, not a gap.
    assert [(m.month, n) for m, _, n in f.trend] == [
        (month, 1 if month in (3, 4) else 0) for month in range(1, 13)
    ]
    assert [h for m, h, _ in f.trend if m.month == 5] == [None]


def test_this_year_runs_to_this_month_with_empty_months_as_zero(db) -> None:
    f = pilot_figures(year=2026, today=dt.date(2026, 11, 15))
    assert [m.month for m, _, _ in f.trend] == list(range(1, 12))  # November included
    assert {n for _, _, n in f.trend} == {0}


@pytest.mark.parametrize("asked", ["1900", "1999", "2999", "20x5", "-2025"])
def test_a_year_outside_the_service_is_refused_not_replaced(db, asked) -> None:
    lead = person("programme_lead", "partnership-team", username="ruth.lead")
    client = signed_in_client(lead)
    response = client.get(f"/custody/dashboard/?year={asked}")
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text
    assert "Pilot dashboard 2000" not in text
    assert "Enter " in text
    assert client.get(f"/custody/dashboard/summary.csv?year={asked}").status_code == 400


def test_demand_by_hour_and_outside_service_hours(year_of_detentions) -> None:
    f = pilot_figures(year=2025)
    assert f.heatmap[0][11] == 1  # Monday 11:00
    assert f.heatmap[5][20] == 1  # Saturday 20:00
    assert (0, 11) in f.in_hours
    assert (5, 20) not in f.in_hours
    assert (6, 3) not in f.in_hours
    assert f.outside_hours_share == pytest.approx(2 / 4)
    assert sum(map(sum, f.heatmap)) == 4


def test_an_empty_year_shows_no_data_rather_than_failing(db) -> None:
    f = pilot_figures(year=2019)
    assert f.detentions == 0
    assert f.median_hours is None
    assert f.engagement_rate is None


def test_the_programme_lead_downloads_every_figure(year_of_detentions) -> None:
    lead = person("programme_lead", "partnership-team", username="ruth.lead")
    client = signed_in_client(lead)
    page = client.get("/custody/dashboard/?year=2025")
    assert page.status_code == 200
    for figure in ("summary", "heatmap", "suites", "trend", "feedback"):
        csv = client.get(f"/custody/dashboard/{figure}.csv?year=2025")
        assert csv.status_code == 200
        assert csv["Content-Type"].startswith("text/csv")
        xlsx = client.get(f"/custody/dashboard/{figure}.xlsx?year=2025")
        assert xlsx.content[:2] == b"PK"  # a zip container, as XLSX files are
    summary = client.get("/custody/dashboard/summary.csv?year=2025").content.decode()
    assert "children engaged,2,100" in summary


def test_the_trend_and_suites_are_drawn_as_charts_with_their_figures_as_text(
    year_of_detentions,
) -> None:
    import base64
    import re

    lead = person("programme_lead", "partnership-team", username="ruth.charts")
    body = signed_in_client(lead).get("/custody/dashboard/?year=2025").content.decode()
    images = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)"', body)
    assert len(images) == 2
    trend_svg = base64.b64decode(images[0][0]).decode()
    assert ">Mar 2025<" in trend_svg
    # March's engaged detention took 2 hours and April's 4: the description says so in words.
    assert "from 2 (Mar 2025) to 4 (Apr 2025)" in images[0][1]
    assert "Detentions of children by custody suite" in images[1][1]
