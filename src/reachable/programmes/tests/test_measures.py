"""Live measures against hand-built records: the number on the board is the number on the
source page, by county and period."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from reachable.custody.dashboard import pilot_figures
from reachable.lines.tests.helpers import a_line, county, grading, officer
from reachable.programmes.measures import MEASURES, measure_value
from reachable.programmes.models import Target
from reachable.programmes.tests.helpers import a_programme, a_target, lead
from reachable.testing import make_child, make_detention, page, person, signed_in_client

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON)


def _engaged(day: dt.date, suite: str = "wymondham-pic", hours: float = 5, child=None) -> None:
    arrested = _at(day)
    make_detention(
        child or make_child(),
        arrived=arrested + dt.timedelta(minutes=30),
        suite=suite,
        arrested_at=arrested,
        was_approached=True,
        was_engaged=True,
        first_intervention_at=arrested + dt.timedelta(hours=hours),
    )


def _suite_in(county_slug: str) -> str:
    """A custody suite in the county (suites sit in a local authority of it)."""
    from reachable.core.models import Place

    suite = Place.objects.filter(
        kind=Place.Kind.CUSTODY_SUITE, area__parent__slug=county_slug
    ).order_by("slug")[0]
    return suite.slug


def test_children_engaged_counts_each_child_once_by_county_and_date() -> None:
    year = timezone.localdate().year - 1
    twice = make_child()
    _engaged(dt.date(year, 2, 3), child=twice)
    _engaged(dt.date(year, 5, 3), child=twice)
    _engaged(dt.date(year, 5, 4), hours=9)
    _engaged(dt.date(year, 6, 1), suite=_suite_in("suffolk"), hours=20)
    _engaged(dt.date(year - 1, 12, 31))  # the year before: not counted
    whole_year = (dt.date(year, 1, 1), dt.date(year, 12, 31))
    norfolk, suffolk = county("Norfolk"), county("Suffolk")
    assert measure_value("custody.children_engaged", *whole_year) == 3
    assert measure_value("custody.children_engaged", *whole_year, norfolk) == 2
    assert measure_value("custody.children_engaged", *whole_year, suffolk) == 1
    assert measure_value("custody.children_seen", dt.date(year, 5, 1), dt.date(year, 5, 31)) == 2
    # Median of 5, 5, 9 and 20 hours.
    assert measure_value("custody.median_hours", *whole_year) == Decimal("7.0")
    # The pilot dashboard, the source page, shows the same number for the same year.
    assert pilot_figures(year=year).children_engaged == 3


def test_the_board_shows_the_number_the_source_page_shows() -> None:
    year = timezone.localdate().year - 1
    for day in (4, 10, 16, 22, 28, 34):
        _engaged(dt.date(year, 4, 1) + dt.timedelta(days=day))
    programme = a_programme(starts_on=dt.date(year, 1, 1))
    target = a_target(programme, starts_on=dt.date(year, 1, 1), ends_on=dt.date(year, 12, 31))
    board = page(signed_in_client(lead()).get(reverse("programmes:target", args=[target.pk])))
    dashboard = signed_in_client(person("team_manager", "norfolk-childrens", "norfolk-mace"))
    source = dashboard.get(reverse("custody:dashboard") + f"?year={year}")
    assert source.context["f"].children_engaged == 6
    assert 'To date</dt><dd class="govuk-summary-list__value">6</dd>' in board.replace("\n", "")
    assert "Counted live: Custody early intervention" in board


def test_lines_closed_and_children_safeguarded_come_from_disruption() -> None:
    from reachable.lines import services as line_services

    today = timezone.localdate()
    blue, red = a_line("Blue"), a_line("Red", origin="Hackney")
    for kind, lines, safeguarded in (
        ("arrest", [blue, red], 0),
        ("closure_1", [blue], 2),
        ("closure_2", [red], 1),
    ):
        line_services.disruption_record(
            user=officer(),
            kind=kind,
            occurred_on=today - dt.timedelta(days=5),
            area=county("Suffolk"),
            lines=lines,
            outcome="",
            children_safeguarded=safeguarded,
            grading=grading(),
        )
    week = (today - dt.timedelta(days=7), today)
    assert measure_value("lines.closed", *week) == 2  # the arrest closes nothing
    assert measure_value("lines.children_safeguarded", *week) == 3
    assert measure_value("lines.closed", *week, county("Essex")) == 0


def test_every_measure_counts_on_an_empty_partnership_and_names_its_source() -> None:
    today = timezone.localdate()
    for key, measure in MEASURES.items():
        value = measure.compute(today - dt.timedelta(days=90), today, None)
        assert value in {None, Decimal(0)}, key
        assert measure.source
        assert reverse(measure.page)
    # A measure unknown to the registry cannot be set on a target.
    programme = a_programme()
    with pytest.raises(Exception, match="Choose a measure"):
        a_target(programme, measure="custody.made_up")
    assert not Target.objects.exists()
