"""The regional baseline: children counted once across agencies after linkage, tables that agree
with each other, disproportionality against the population reference, suppression on everything
a non-analyst or a download sees, and the population reference's bad input."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from reachable.returns.baseline import ETHNIC_GROUPS, baseline_build, shown
from reachable.returns.linkage_services import linkage_queue
from reachable.returns.models import PopulationReference, ReturnPeriod
from reachable.returns.population import population_load
from reachable.returns.synthetic_returns import returns_send
from reachable.testing import page, person, signed_in_client

pytestmark = pytest.mark.django_db

SUBMITTERS = [
    "suffolk-police",
    "suffolk-yjs",
    "suffolk-childrens",
    "norfolk-police",
    "norfolk-childrens",
    "norfolk-yjs",
    "norfolk-education",
]


@pytest.fixture
def period(returns_dir):
    chosen = ReturnPeriod.objects.get(label="April to September 2026")
    users = {s: person("data_submitter", s, username=f"sub-{s}") for s in SUBMITTERS}
    sent = returns_send(period=chosen, children_per_county=60, seed=11, users=users)
    assert {s.status for s in sent} == {"accepted"}
    return chosen


@pytest.fixture
def ana(db):
    return person("analyst", "partnership-team", username="ana.analyst")


def _table(baseline, key):
    return next(t for t in baseline.tables if t.key == key)


def test_linkage_counts_each_child_once_and_the_tables_agree(period, ana) -> None:
    unlinked = baseline_build(period)
    linkage_queue(user=ana, period=period)
    linked = baseline_build(period)
    assert linked.run_id is not None
    assert 0 < linked.distinct_children < unlinked.distinct_children
    trend = _table(linked, "trend")
    row = trend.rows.index(period.label)
    for key in ("age", "sex", "care"):
        table = _table(linked, key)
        for j in range(len(trend.cols)):
            assert sum(r[j] for r in table.cells) == trend.cells[row][j], (key, j)
    # Norfolk and Suffolk have returns; the other counties none.
    counties = dict(zip(trend.cols, trend.cells[row], strict=True))
    assert counties["Norfolk"] > 0
    assert counties["Suffolk"] > 0
    assert counties["Essex"] == counties["Cambridgeshire"] == 0


def test_rates_follow_the_returns(period, ana) -> None:
    linkage_queue(user=ana, period=period)
    found = baseline_build(period)
    nrm = _table(found, "nrm")
    positive, decided = sum(nrm.cells[0]), sum(map(sum, nrm.cells))
    # The synthetic returns decide positive 80 times in 92 (the seeds report 87%).
    assert 0.75 < positive / decided < 0.97
    class_a = _table(found, "class_a")
    outside, inside = sum(class_a.cells[0]), sum(class_a.cells[1])
    assert 0.1 < outside / (outside + inside) < 0.45  # a quarter live outside, by construction
    assert sum(map(sum, _table(found, "exclusion").cells)) > 0  # education linked in


def test_disproportionality_is_the_groups_share_over_its_population_share(period, ana) -> None:
    found = baseline_build(period)
    table = _table(found, "ethnicity")
    population = dict.fromkeys(ETHNIC_GROUPS.values(), 0)
    # Norfolk and Suffolk returned data; Essex and Cambridgeshire did not.
    for p in PopulationReference.objects.filter(county__slug__in=["norfolk", "suffolk"]):
        population[ETHNIC_GROUPS[p.ethnic_group]] += p.children
    at_risk = sum(map(sum, table.cells))
    for label, row in zip(table.rows, table.cells, strict=True):
        expected = (sum(row) / at_risk) / (population[label] / sum(population.values()))
        assert table.ratios[label] == pytest.approx(expected)


def test_published_tables_show_no_count_from_one_to_four(period) -> None:
    for table in shown(baseline_build(period), exact=False):
        for row in table.rows:
            for value in row[1:]:
                assert not (isinstance(value, int) and 1 <= value <= 4), (table.key, row)


def test_only_analysts_see_exact_figures_and_downloads_are_suppressed(period, ana) -> None:
    lead = person("programme_lead", "partnership-team", username="pat.lead")
    worker = person("exploitation_practitioner", "norfolk-childrens", "norfolk-mace")
    assert signed_in_client(worker).get("/returns/baseline/").status_code == 403
    exact = page(signed_in_client(ana).get(f"/returns/baseline/?period={period.pk}"))
    assert "Exact figures, for analysts only" in exact
    published = page(signed_in_client(lead).get(f"/returns/baseline/?period={period.pk}"))
    assert "Exact figures" not in published
    assert "[c]" in published
    client = signed_in_client(lead)
    rows = list(csv.DictReader(io.StringIO(client.get("/returns/baseline.csv").content.decode())))
    assert rows
    assert all(not (r["value"].isdigit() and 1 <= int(r["value"]) <= 4) for r in rows)
    book = load_workbook(io.BytesIO(client.get("/returns/baseline.xlsx").content))
    assert book.sheetnames[0] == "Cover"
    assert "trend" in book.sheetnames
    assert book["completeness"]["A1"].value.startswith("Minimum dataset completeness")
    ods = client.get("/returns/baseline.ods")
    assert ods["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert ods.content[:2] == b"PK"
    pdf = client.get("/returns/baseline.pdf")
    assert pdf.content[:5] == b"%PDF-"


def test_a_population_file_with_a_bad_row_changes_nothing() -> None:
    before = list(
        PopulationReference.objects.values_list("county__slug", "ethnic_group", "children")
    )
    text = "county,ethnic_group,children\nnorfolk,W,100\nrutland,W,5\nsuffolk,Q,x\n"
    with pytest.raises(ValidationError) as caught:
        population_load(text)
    messages = caught.value.messages
    assert any(m.startswith("Row 3, county: 'rutland'") for m in messages)
    assert any(m.startswith("Row 4, ethnic_group: 'Q'") for m in messages)
    assert any(m.startswith("Row 4, children: 'x'") for m in messages)
    after = list(
        PopulationReference.objects.values_list("county__slug", "ethnic_group", "children")
    )
    assert after == before


def test_a_period_on_the_trend_reads_the_same_whichever_period_is_viewed(returns_dir) -> None:
    later, earlier = ReturnPeriod.objects.order_by("-starts_on")[:2]
    for chosen, seed in ((earlier, 3), (later, 4)):
        users = {s: person("data_submitter", s, username=f"s{seed}-{s}") for s in SUBMITTERS}
        returns_send(period=chosen, children_per_county=25, seed=seed, users=users)

    def trend_row(viewing: ReturnPeriod) -> list:
        trend = next(t for t in shown(baseline_build(viewing), exact=False) if t.key == "trend")
        return next(r for r in trend.rows if r[0] == earlier.label)

    assert trend_row(earlier) == trend_row(later)
    exact = next(t for t in shown(baseline_build(later), exact=True) if t.key == "trend")
    exact_row = next(r for r in exact.rows if r[0] == earlier.label)
    assert exact_row[-1] == sum(exact_row[1:-1])  # the regional total is the counties' sum
    # The published total is that exact total (or hidden), never the sum of the cells shown.
    assert trend_row(later)[-1] in (exact_row[-1], "[c]")
