"""The regional baseline from linked returns: children at risk of criminal exploitation per county
and period, counted once each by partnership person ID, with who they are (age, sex, ethnicity
against the local 10-17 population, care) and what agencies saw (exclusion, Class A arrests of
children from outside the county, NRM decisions).

How a child counts as at risk (written on the page too): a youth justice or children's services
record with the exploitation concern marked Y, or a police arrest for Class A supply. Other
records (education, for instance) add what is known about a child but do not make them count.

Everything here is exact; ``lib.suppression`` makes the published version.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import duckdb

from reachable.core.models import Area
from reachable.lib.suppression import Grid, published
from reachable.returns.linkage_services import last_done
from reachable.returns.models import Domain, Measure, PopulationReference, ReturnPeriod, Submission

# Measures the baseline reads, by the name it uses; older names are followed through renames.
READS = {
    "sex": "sex",
    "ethnicity": "ethnicity",
    "care_status": "care_status",
    "cce_concern": "concern",
    "exploitation_concern": "concern",
    "cce_factor": "concern",
    "offence": "offence",
    "home_la_code": "home_la_code",
    "permanent_exclusion": "permanent_exclusion",
    "suspensions": "suspensions",
    "nrm_decision": "nrm_decision",
}
COLUMNS = sorted(set(READS.values()))
CLASS_A = ("pwits-a", "supply-a")
AT_RISK_NOTE = (
    "A child counts as at risk of criminal exploitation in a county and period when a youth "
    "justice or children's services return marks an exploitation concern, or a police return "
    "records their arrest for supplying Class A drugs there."
)
AT_RISK_SQL = (
    "(domain IN ('youth-justice', 'childrens-services') AND concern = 'Y') "
    f"OR (domain = 'police' AND offence IN {CLASS_A})"
)
ETHNIC_GROUPS = {
    "W": "White",
    "M": "Mixed or multiple ethnic groups",
    "A": "Asian or Asian British",
    "B": "Black, Black British, Caribbean or African",
    "O": "Other ethnic group",
}
AGE_BANDS = ["10 to 13", "14 to 15", "16 to 17", "Other ages"]
SEXES = {"F": "Girls", "M": "Boys", "X": "Other", "U": "Not known"}
CARE = {
    "cla": "Looked after or care leaver",
    "care-leaver": "Looked after or care leaver",
    "cp": "Child protection plan",
    "cin": "Child in need",
    "none": "No care history recorded",
}


@dataclass
class CountTable:
    """Counts with categories down and counties across (totals are added when published)."""

    key: str
    title: str
    rows: list[str]
    cols: list[str]
    cells: list[list[int]]
    note: str = ""
    ratios: dict[str, float | None] = field(default_factory=dict)


@dataclass
class Baseline:
    period: ReturnPeriod
    counties: list[Area]
    run_id: int | None
    tables: list[CountTable]
    distinct_children: int
    records: int


def _renames() -> dict[str, str]:
    """Every measure name ever used -> its newest name (a renamed measure is one measure)."""
    newest: dict[str, str] = {}
    for old, new in Measure.objects.exclude(renamed_from="").values_list("renamed_from", "name"):
        newest[old] = new
    return newest


def _facts_sql(submissions: list[Submission], persons_file: str | None) -> str:
    renames = _renames()
    selects = []
    for s in submissions:
        present = {m.name for m in s.domain.measures.all()}
        picked: dict[str, str] = {}
        for name in present:
            reads = READS.get(name) or READS.get(renames.get(name, ""), "")
            if reads:
                picked[reads] = f'CAST("{name}" AS VARCHAR)'
        columns = ", ".join(f"{picked.get(c, 'NULL::VARCHAR')} AS {c}" for c in COLUMNS)
        selects.append(
            f"SELECT {s.period_id} AS period_id, {s.county_id} AS county_id, "
            f"'{s.domain.key}' AS domain, person_key, dob_year, dob_month, {columns} "
            f"FROM read_parquet('{s.stored_as}')"
        )
    persons = (
        f"(SELECT person_key, person_id FROM read_parquet('{persons_file}'))"
        if persons_file
        else "(SELECT NULL::VARCHAR AS person_key, NULL::BIGINT AS person_id WHERE false)"
    )
    # Before any linkage each agency record counts as its own child (stated on the page).
    return (
        "CREATE OR REPLACE TEMP TABLE facts AS SELECT f.*, "
        "coalesce(p.person_id::VARCHAR, 'record:' || f.person_key) AS child, "
        f"({AT_RISK_SQL}) AS at_risk FROM ({' UNION ALL '.join(selects)}) AS f "
        f"LEFT JOIN {persons} AS p USING (person_key)"
    )


def baseline_build(period: ReturnPeriod) -> Baseline:
    counties = list(
        Area.objects.filter(kind=Area.Kind.COUNTY, partnership__isnull=False).order_by("name")
    )
    run = last_done()
    submissions = list(
        Submission.objects.filter(
            status=Submission.Status.ACCEPTED,
            domain__level=Domain.Level.PERSON,
            period__starts_on__lte=period.starts_on,
        )
        .select_related("domain")
        .prefetch_related("domain__measures")
    )
    periods = list(
        ReturnPeriod.objects.filter(starts_on__lte=period.starts_on).order_by("starts_on")
    )
    if not submissions:
        return Baseline(period, counties, run.pk if run else None, [], 0, 0)
    with duckdb.connect() as con:
        con.execute(_facts_sql(submissions, run.persons_file if run else None))
        tables = _tables(con, period, periods, counties)
        distinct, records = con.execute(
            "SELECT count(DISTINCT child) FILTER (at_risk), count(*) FROM facts "
            f"WHERE period_id = {period.pk}"
        ).fetchall()[0]
    return Baseline(period, counties, run.pk if run else None, tables, int(distinct), int(records))


def _by_county(
    con: duckdb.DuckDBPyConnection, sql: str, rows: list[str], counties: list[Area]
) -> list[list[int]]:
    """Run ``sql`` returning (row label, county id, count) into a rows x counties grid."""
    return _grid(con.execute(sql).fetchall(), rows, counties)


def _grid(found: list[Any], rows: list[str], counties: list[Area]) -> list[list[int]]:
    index = {c.pk: j for j, c in enumerate(counties)}
    cells = [[0] * len(counties) for _ in rows]
    for label, county_id, count in found:
        if label in rows and county_id in index:
            cells[rows.index(label)][index[county_id]] += int(count)
    return cells


def _tables(
    con: duckdb.DuckDBPyConnection,
    period: ReturnPeriod,
    periods: list[ReturnPeriod],
    counties: list[Area],
) -> list[CountTable]:
    names = [c.name for c in counties]
    here = f"period_id = {period.pk}"
    end_year, end_month = period.ends_on.year, period.ends_on.month
    # One row per child at risk in a county this period, with what all their records say.
    con.execute(
        "CREATE OR REPLACE TEMP TABLE children AS "
        "WITH risk AS (SELECT DISTINCT child, county_id FROM facts WHERE at_risk AND "
        + here
        + "), "
        "about AS (SELECT child, mode(sex) FILTER (sex NOT IN ('U')) AS sex, "
        "mode(left(ethnicity, 1)) FILTER (ethnicity <> 'NOBT') AS ethnic_group, "
        "mode(dob_year) AS dob_year, mode(dob_month) AS dob_month, "
        "list(DISTINCT care_status) FILTER (care_status IS NOT NULL) AS care, "
        "bool_or(permanent_exclusion = 'Y' OR TRY_CAST(suspensions AS INTEGER) > 0) AS excluded, "
        "bool_or(domain = 'education') AS in_education "
        f"FROM facts WHERE {here} GROUP BY child) "
        "SELECT risk.county_id, about.*, "
        f"{end_year} - dob_year - CASE WHEN dob_month > {end_month} THEN 1 ELSE 0 END AS age "
        "FROM risk JOIN about USING (child)"
    )
    tables = []
    labels = [p.label for p in periods]
    index = {p.pk: p.label for p in periods}
    trend_rows = con.execute(
        "SELECT period_id, county_id, count(DISTINCT child) FROM facts WHERE at_risk GROUP BY ALL"
    ).fetchall()
    trend = _grid([(index.get(p), c, n) for p, c, n in trend_rows], labels, counties)
    tables.append(
        CountTable(
            "trend",
            "Children at risk of criminal exploitation, by period and county",
            labels,
            names,
            trend,
            "A child known in two counties counts in each; the regional total is their sum.",
        )
    )
    band = (
        "CASE WHEN age BETWEEN 10 AND 13 THEN '10 to 13' WHEN age BETWEEN 14 AND 15 THEN "
        "'14 to 15' WHEN age BETWEEN 16 AND 17 THEN '16 to 17' ELSE 'Other ages' END"
    )
    tables.append(
        CountTable(
            "age",
            "Children at risk by age at the end of the period",
            AGE_BANDS,
            names,
            _by_county(
                con,
                f"SELECT {band}, county_id, count(*) FROM children GROUP BY ALL",
                AGE_BANDS,
                counties,
            ),
            "Age from year and month of birth (the day is not kept).",
        )
    )
    sex_rows = list(SEXES.values())
    tables.append(
        CountTable(
            "sex",
            "Children at risk by sex",
            sex_rows,
            names,
            _by_county(
                con,
                "SELECT CASE coalesce(sex, 'U') "
                + " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in SEXES.items())
                + " END, county_id, count(*) FROM children GROUP BY ALL",
                sex_rows,
                counties,
            ),
        )
    )
    tables.append(_ethnicity(con, counties, names))
    care_rows = list(dict.fromkeys(CARE.values()))
    care_case = (
        "CASE WHEN list_has_any(care, ['cla', 'care-leaver']) THEN '" + CARE["cla"] + "' "
        "WHEN list_contains(care, 'cp') THEN '" + CARE["cp"] + "' "
        "WHEN list_contains(care, 'cin') THEN '" + CARE["cin"] + "' "
        "ELSE '" + CARE["none"] + "' END"
    )
    tables.append(
        CountTable(
            "care",
            "Children at risk by care history (highest level recorded by any agency)",
            care_rows,
            names,
            _by_county(
                con,
                f"SELECT {care_case}, county_id, count(*) FROM children GROUP BY ALL",
                care_rows,
                counties,
            ),
        )
    )
    excl = ["Excluded or suspended", "In an education return, not excluded or suspended"]
    tables.append(
        CountTable(
            "exclusion",
            "Children at risk known to schools: exclusion or suspension in the period",
            excl,
            names,
            _by_county(
                con,
                f"SELECT CASE WHEN excluded THEN '{excl[0]}' ELSE '{excl[1]}' END, county_id, "
                "count(*) FROM children WHERE in_education GROUP BY ALL",
                excl,
                counties,
            ),
            "Only children linked to an education return: linkage is what makes this known.",
        )
    )
    tables.append(_class_a(con, here, counties, names))
    nrm = ["Positive reasonable grounds decision", "Negative reasonable grounds decision"]
    tables.append(
        CountTable(
            "nrm",
            "NRM reasonable grounds decisions for children (children's services returns)",
            nrm,
            names,
            _by_county(
                con,
                f"SELECT CASE nrm_decision WHEN 'positive' THEN '{nrm[0]}' ELSE '{nrm[1]}' END, "
                f"county_id, count(DISTINCT child) FROM facts WHERE {here} "
                "AND nrm_decision IN ('positive', 'negative') GROUP BY ALL",
                nrm,
                counties,
            ),
            "Pending decisions are left out. The positive rate is positive / all decided.",
        )
    )
    return tables


def _ethnicity(
    con: duckdb.DuckDBPyConnection, counties: list[Area], names: list[str]
) -> CountTable:
    rows = list(ETHNIC_GROUPS.values())
    cells = _by_county(
        con,
        "SELECT CASE ethnic_group "
        + " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in ETHNIC_GROUPS.items())
        + " END, county_id, count(*) FROM children WHERE ethnic_group IS NOT NULL GROUP BY ALL",
        rows,
        counties,
    )
    # Only the counties that returned data: their population is who the children come from.
    returned = [c for j, c in enumerate(counties) if any(row[j] for row in cells)]
    population: dict[str, int] = defaultdict(int)
    for group, children in PopulationReference.objects.filter(county__in=returned).values_list(
        "ethnic_group", "children"
    ):
        population[ETHNIC_GROUPS.get(group, group)] += children
    at_risk_total = sum(map(sum, cells))
    population_total = sum(population.values())
    ratios: dict[str, float | None] = {}
    for label, row in zip(rows, cells, strict=True):
        if at_risk_total and population_total and population.get(label):
            ratios[label] = (sum(row) / at_risk_total) / (population[label] / population_total)
        else:
            ratios[label] = None
    return CountTable(
        "ethnicity",
        "Children at risk by ethnic group, with disproportionality against the 10-17 population",
        rows,
        names,
        cells,
        "Ratio: the group's share of children at risk divided by its share of children aged "
        "10-17 in the counties with returns (1.0 = in proportion). Not known is left out.",
        ratios,
    )


def _class_a(
    con: duckdb.DuckDBPyConnection, here: str, counties: list[Area], names: list[str]
) -> CountTable:
    home = {
        c.pk: [code for code in c.children.exclude(gss_code="").values_list("gss_code", flat=True)]
        for c in counties
    }
    rows = ["From outside the county", "From the county", "Home area not recorded"]
    cases = " ".join(
        f"WHEN county_id = {pk} AND home_la_code IN ({', '.join(repr(c) for c in codes) or 'NULL'}) "
        f"THEN '{rows[1]}'"
        for pk, codes in home.items()
    )
    return CountTable(
        "class_a",
        "Arrests of children for Class A supply, by where the child lives",
        rows,
        names,
        _by_county(
            con,
            f"SELECT CASE WHEN home_la_code IS NULL THEN '{rows[2]}' {cases} ELSE '{rows[0]}' END, "
            f"county_id, count(*) FROM facts WHERE {here} AND domain = 'police' "
            f"AND offence IN {CLASS_A} GROUP BY ALL",
            rows,
            counties,
        ),
        "Counted as arrests (police return rows), not children.",
    )


def rate(part: Any, whole: Any) -> str:
    """A percentage for publication: only from figures that are themselves published."""
    if not isinstance(part, int) or not isinstance(whole, int) or whole == 0:
        return "[c]" if "[c]" in (part, whole) else ""
    return f"{100 * part / whole:.0f}%"


@dataclass
class ShownTable:
    """A baseline table as a page or a publication shows it: exact, or with ``[c]``."""

    key: str
    title: str
    note: str
    header: list[str]
    rows: list[list[Any]]


# Tables that show a share: the row whose share of its column is given, and the column's name.
SHARES = {
    "class_a": (0, "Share from outside the county"),
    "nrm": (0, "Positive rate"),
    "exclusion": (0, "Share excluded or suspended"),
}


def shown(baseline: Baseline, *, exact: bool) -> list[ShownTable]:
    """Every table with its totals; unless ``exact``, suppressed so nothing 1-4 can be read or
    worked out from the totals, and shares/ratios given only from published figures."""
    found = []
    for table in baseline.tables:
        over_time = table.key == "trend"
        # Over time there is no column total (a sum over periods would count a child once per
        # period), so each period's row is suppressed on its own, with its exact regional total:
        # a period reads the same whichever later period is being viewed.
        grid = Grid.of(table.cells, col_totals=not over_time)
        values: list[list[Any]] = [list(r) for r in grid.values] if exact else published(grid)
        header = ["Period" if over_time else "Group", *table.cols, "All counties"]
        labels = [*table.rows] if over_time else [*table.rows, "Total"]
        rows = [[label, *row] for label, row in zip(labels, values, strict=True)]
        if table.key == "ethnicity":
            header.append("Disproportionality ratio")
            for row, label in zip(rows, labels, strict=True):
                ratio = table.ratios.get(label)
                total = row[-1]
                row.append(
                    f"{ratio:.2f}" if ratio is not None and isinstance(total, int) and total else ""
                )
        if table.key in SHARES:
            index, name = SHARES[table.key]
            share_row = [name] + [
                rate(values[index][j], values[-1][j]) for j in range(len(values[0]))
            ]
            rows.append(share_row)
        found.append(ShownTable(table.key, table.title, table.note, header, rows))
    return found
