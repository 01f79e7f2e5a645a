"""The network picture on a small network whose answers are known by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from reachable.lib.suppression import SUPPRESSED
from reachable.lines import network, services
from reachable.lines.models import Disruption, Line
from reachable.lines.tests.helpers import a_line, county, days_ago, grading, officer, town

pytestmark = pytest.mark.django_db


def _last_year() -> network.Filters:
    return network.Filters(network.period_of("", today=timezone.localdate()))


@pytest.fixture
def small_network() -> dict[str, Line]:
    """London -> Ipswich (two lines), Ipswich -> Cambridge, Ipswich -> Bury St Edmunds (local),
    Liverpool -> Norwich. Ipswich is the only town that receives and sends."""
    return {
        "a": a_line("A", "Lambeth", ("Ipswich",), first_seen=50),
        "b": a_line("B", "Hackney", ("Ipswich",), first_seen=50),
        "c": a_line("C", "Ipswich", ("Cambridge",), first_seen=40, model="satellite"),
        "d": a_line(
            "D", "Ipswich", ("Bury St Edmunds",), first_seen=40, model="local", crosses=False
        ),
        "e": a_line("E", "Liverpool", ("Norwich",), first_seen=30),
    }


def test_flows_hubs_and_betweenness(small_network) -> None:
    net = network.network(_last_year())
    assert net.lines == 5
    flows = {(f.origin, f.destination): f.lines for f in net.flows}
    assert flows == {
        ("Lambeth", "Ipswich"): 1,
        ("Hackney", "Ipswich"): 1,
        ("Ipswich", "Cambridge"): 1,
        ("Ipswich", "Bury St Edmunds"): 1,
        ("Liverpool", "Norwich"): 1,
    }
    assert [t.name for t in net.hubs] == ["Ipswich"]
    ipswich = next(t for t in net.towns if t.name == "Ipswich")
    assert (ipswich.receives, ipswich.sends) == (2, 2)
    # 7 towns; 4 ordered pairs (Lambeth or Hackney to Cambridge or Bury) pass through Ipswich, of
    # (7 - 1) x (7 - 2) = 30 possible: networkx's normalised betweenness is 4 / 30.
    assert ipswich.betweenness == round(4 / 30, 4)
    assert all(t.betweenness == 0 for t in net.towns if t.name != "Ipswich")


def test_county_flows_add_up_the_town_flows(small_network) -> None:
    counties = {
        (f.origin, f.destination): f.lines for f in network.network(_last_year()).county_flows
    }
    assert counties == {
        ("London", "Suffolk"): 2,
        ("Suffolk", "Cambridgeshire"): 1,
        ("Suffolk", "Suffolk"): 1,
        ("North West England", "Norfolk"): 1,
    }


def test_filters_by_model_and_scope(small_network) -> None:
    period = _last_year().period
    satellite = network.network(network.Filters(period, model="satellite"))
    assert [(f.origin, f.destination) for f in satellite.flows] == [("Ipswich", "Cambridge")]
    within = network.network(network.Filters(period, scope="within"))
    assert [(f.origin, f.destination) for f in within.flows] == [("Ipswich", "Bury St Edmunds")]


def test_status_is_the_status_on_the_periods_last_day(small_network) -> None:
    services.disruption_record(
        user=officer(),
        kind=Disruption.Kind.CLOSURE_TYPE_1,
        occurred_on=days_ago(10),
        area=county("Norfolk"),
        lines=[small_network["e"]],
        grading=grading(),
    )
    closed = network.network(network.Filters(_last_year().period, status="closed"))
    assert [(f.origin, f.destination) for f in closed.flows] == [("Liverpool", "Norwich")]


def test_change_against_the_period_before() -> None:
    a_line("Old", "Lambeth", ("Norwich",), first_seen=500)
    a_line("New", "Croydon", ("Norwich",), first_seen=20)
    net = network.network(_last_year())
    # Only "New" was seen in the last 12 months; "Old" was seen (once) in the year before.
    flows = {(f.origin, f.destination): (f.lines, f.before, f.change) for f in net.flows}
    assert flows == {("Croydon", "Norwich"): (1, 0, 1)}
    county = {(f.origin, f.destination): (f.lines, f.before) for f in net.county_flows}
    assert county == {("London", "Norfolk"): (1, 1)}


def test_a_period_is_a_year_a_quarter_or_the_last_twelve_months() -> None:
    today = dt.date(2026, 12, 2)
    assert network.period_of("2026-Q3", today=today) == network.Period(
        dt.date(2026, 7, 1), dt.date(2026, 9, 30), "2026 Q3"
    )
    assert network.period_of("2025-q4", today=today).end == dt.date(2025, 12, 31)
    assert network.period_of("2025", today=today).start == dt.date(2025, 1, 1)
    last = network.period_of("", today=today)
    assert (last.start, last.end) == (dt.date(2025, 12, 1), today)
    for bad in ("2027", "1999", "2026-Q5", "soon"):
        with pytest.raises(ValueError, match=r"year|quarter"):
            network.period_of(bad, today=today)


def test_county_figures_count_lines_and_suppress_small_numbers_of_children(small_network) -> None:
    services.disruption_record(
        user=officer(),
        kind=Disruption.Kind.CLOSURE_TYPE_2,
        occurred_on=days_ago(5),
        area=county("Suffolk"),
        lines=[small_network["a"]],
        children_safeguarded=2,
        grading=grading(),
    )
    services.disruption_record(
        user=officer(),
        kind=Disruption.Kind.SAFEGUARDING_REFERRAL,
        occurred_on=days_ago(5),
        area=county("Norfolk"),
        lines=[small_network["e"]],
        children_safeguarded=7,
        grading=grading(),
    )
    period = _last_year().period
    exact = {c.county: c for c in network.county_figures(period, exact_children=True)}
    suffolk = exact["Suffolk"]
    # Lines A, B (Ipswich), C, D (first seen in Bury St Edmunds) were seen in Suffolk; C was first
    # seen in Cambridge, so it opened there.
    assert (suffolk.active, suffolk.opened, suffolk.closed_type_2) == (3, 3, 1)
    assert (exact["Cambridgeshire"].active, exact["Cambridgeshire"].opened) == (1, 1)
    assert suffolk.children_safeguarded == 2
    assert exact["Norfolk"].children_safeguarded == 7
    shown = {c.county: c for c in network.county_figures(period, exact_children=False)}
    assert shown["Suffolk"].children_safeguarded == SUPPRESSED
    assert shown["Norfolk"].children_safeguarded == 7


def test_map_data_carries_the_same_figures_as_the_tables(small_network) -> None:
    net = network.network(_last_year())
    data = net.map_data()
    assert {(f["from"], f["to"], f["lines"]) for f in data["flows"]} == {
        (f.origin, f.destination, f.lines) for f in net.flows
    }
    ipswich = next(t for t in data["towns"] if t["name"] == "Ipswich")
    assert ipswich["hub"] is True
    assert ipswich["lat"] == float(town("Ipswich").latitude or 0)
