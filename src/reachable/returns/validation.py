"""Checking a return against its domain's specification, in DuckDB, without loading the file
into memory: every problem by row, column and value, with the fix.

The file is first turned into UTF-8 comma CSV on disk by the one upload reader (lib.tabular:
encodings, separators, XLSX/ODS), then read by DuckDB as text and checked column by column
in SQL. ``typed_select`` gives the same rows with proper types, for loading once nothing is wrong.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from reachable.lib.tabular import (
    TITLE_LOOKAHEAD,
    as_utf8_csv,
    header_problem,
    near_miss,
    normal_name,
    unreadable_problem,
)
from reachable.returns.models import Domain, Measure
from reachable.returns.spec import header_names

PROBLEM_LIMIT = 10_000
TOTALS = ("total", "totals", "grand total", "sum")
# Dates as people and spreadsheets write them: ISO, UK day/month/year, or an Excel serial number.
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")
EXCEL_EPOCH = "DATE '1899-12-30'"


@dataclass(frozen=True)
class Problem:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str
    value: str
    message: str


@dataclass
class Checked:
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # column in the file -> measure
    notes: list[str] = field(default_factory=list)
    csv_path: Path | None = None

    @property
    def ok(self) -> bool:
        return self.problem_count == 0


def _problem(
    checked: Checked, message: str, *, row: int = 1, column: str = "", value: str = ""
) -> Checked:
    checked.problems.append(Problem(row, column, value, message))
    checked.problem_count += 1
    return checked


# ---------------------------------------------------------------- the header


def _check_header(header: list[str], second: list[str], domain: Domain, checked: Checked) -> bool:
    names = header_names(domain)
    current = {m.name: m for m in domain.measures.all()}
    filled = [h for h in header if h.strip()]
    if not filled:
        _problem(checked, "The first row is empty. Put the column names on the first row.")
        return False
    if len(filled) < len(header) / 2 and sum(1 for s in second if normal_name(s) in names) > len(
        filled
    ):
        _problem(
            checked,
            "The first row looks like a title or a merged header, and the column names are on the "
            "second row. Delete the first row so the column names come first.",
            value=" ".join(filled)[:100],
        )
        return False
    seen: dict[str, str] = {}
    for i, raw in enumerate(header, start=1):
        key = normal_name(raw)
        column = raw or f"column {i}"
        if not key:
            _problem(checked, f"Column {i} has no name. Name it or delete it.", column=column)
            continue
        if key not in names:
            match = near_miss(key, current)
            hint = f" Did you mean '{match}'?" if match else ""
            _problem(
                checked,
                f"'{raw}' is not a column of the {domain.title} return {domain.version.version}."
                f"{hint} Rename or delete the column.",
                column=column,
                value=raw,
            )
            continue
        measure = names[key]
        if measure in seen:
            _problem(
                checked,
                f"'{raw}' and '{seen[measure]}' are the same column. Keep one.",
                column=column,
            )
            continue
        seen[measure] = raw
        checked.columns[raw] = measure
        if key != measure:
            checked.notes.append(
                f"'{raw}' was read as '{measure}' (renamed in {domain.version.version})."
            )
    missing = [m.name for m in current.values() if m.required and m.name not in seen]
    for name in missing:
        _problem(
            checked,
            f"The required column '{name}' is missing. Add it (see the template).",
            column=name,
        )
    return checked.problem_count == 0


# ---------------------------------------------------------------- rows, in SQL


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def date_sql(expr: str) -> str:
    """A text cell as a DATE, whichever accepted way it was written; NULL if it is none of them."""
    formats = ", ".join(f"TRY_STRPTIME({expr}, {_text(f)})::DATE" for f in DATE_FORMATS)
    serial = (
        f"CASE WHEN regexp_full_match({expr}, '[0-9]{{1,5}}(\\.0+)?') "
        f"AND TRY_CAST({expr} AS DOUBLE) BETWEEN 1 AND 80000 "
        f"THEN {EXCEL_EPOCH} + CAST(TRY_CAST({expr} AS DOUBLE) AS INTEGER) END"
    )
    return f"COALESCE({formats}, {serial})"


def _checks(m: Measure, raw: str, period: tuple[dt.date, dt.date]) -> list[tuple[str, str]]:
    """(SQL condition true for a bad cell, the message) for one column, over the prepared
    columns ``c_<name>`` (trimmed text, NULL when empty), ``n_<name>`` and ``d_<name>``."""
    c, n, d = (quoted(f"{p}_{m.name}") for p in ("c", "n", "d"))
    checks: list[tuple[str, str]] = []
    if m.required:
        checks.append((f"{c} IS NULL", f"{m.title} is required: fill it in."))
    if m.type == "integer":
        checks.append((f"{c} IS NOT NULL AND {n} IS NULL", "Write a whole number, for example 3."))
    elif m.type == "number":
        checks.append((f"{c} IS NOT NULL AND {n} IS NULL", "Write a number, for example 87.5."))
    elif m.type == "date":
        checks.append(
            (f"{c} IS NOT NULL AND {d} IS NULL", "Write a date as 2026-04-30 or 30/04/2026.")
        )
        if m.role != Measure.Role.IDENTIFIER:
            start, end = period
            checks.append(
                (
                    f"{d} NOT BETWEEN DATE '{start}' AND DATE '{end}'",
                    f"The date must be inside the return period ({start:%-d %b %Y} to {end:%-d %b %Y}).",
                )
            )
    elif m.type == "boolean":
        checks.append(
            (f"lower({c}) NOT IN ('y','n','yes','no','true','false','1','0')", "Write Y or N.")
        )
    if m.codes:
        allowed = ", ".join(_text(code) for code in m.codes)
        listed = ", ".join(m.codes[:12]) + ("..." if len(m.codes) > 12 else "")
        checks.append((f"{c} NOT IN ({allowed})", f"Use one of: {listed}."))
    if m.pattern:
        checks.append(
            (
                f"NOT regexp_full_match({c}, {_text(m.pattern)})",
                "Check the format (see the template).",
            )
        )
    if m.type in {"integer", "number"}:
        if m.minimum is not None:
            checks.append((f"{n} < {m.minimum}", f"Must be at least {m.minimum:g}."))
        if m.maximum is not None:
            checks.append((f"{n} > {m.maximum}", f"Must be at most {m.maximum:g}."))
    return checks


def _problems_sql(domain: Domain, columns: dict[str, str], period: tuple[dt.date, dt.date]) -> str:
    """One pass over the rows: every check of every cell, each failure a (row, column, value,
    message). Values are parsed once, in a prepared layer, and shared by the checks."""
    by_measure = {measure: raw for raw, measure in columns.items()}
    measures = [m for m in domain.measures.all() if m.name in by_measure]
    cells = [
        f"NULLIF(trim({quoted(by_measure[m.name])}), '') AS {quoted('c_' + m.name)}"
        for m in measures
    ]
    parsed: list[str] = []
    for m in measures:
        c = quoted("c_" + m.name)
        if m.type == "integer":
            parsed.append(f"TRY_CAST({c} AS BIGINT) AS {quoted('n_' + m.name)}")
        elif m.type == "number":
            parsed.append(f"TRY_CAST({c} AS DOUBLE) AS {quoted('n_' + m.name)}")
        elif m.type == "date":
            parsed.append(f"{date_sql(c)} AS {quoted('d_' + m.name)}")
    person = domain.level == Domain.Level.PERSON

    failures: list[str] = []
    conditions: list[str] = []

    def fail(condition: str, raw: str, value: str, message: str) -> None:
        conditions.append(f"coalesce({condition}, false)")
        failures.append(
            f"CASE WHEN {condition} THEN {{'col': {_text(raw)}, 'val': coalesce({value}, ''), "
            f"'msg': {_text(message)}}} END"
        )

    first = measures[0]
    fail(
        f"lower({quoted('c_' + first.name)}) IN ({', '.join(_text(t) for t in TOTALS)})",
        by_measure[first.name],
        quoted("c_" + first.name),
        "This looks like a totals row. Remove totals: Reachable adds up the rows itself.",
    )
    for m in measures:
        for condition, message in _checks(m, by_measure[m.name], period):
            fail(condition, by_measure[m.name], quoted("c_" + m.name), message)
    if person and "date_of_birth" in by_measure:
        start, end = period
        dob = '"d_date_of_birth"'
        fail(
            f"{dob} > DATE '{start}' - INTERVAL 8 YEAR OR {dob} < DATE '{end}' - INTERVAL 26 YEAR",
            by_measure["date_of_birth"],
            '"c_date_of_birth"',
            "The child would be under 8 or over 25 in this period: check the date of birth.",
        )
    return (
        f"WITH cells AS (SELECT _row, {', '.join(cells)} FROM raw), "
        f"parsed AS (SELECT *{''.join(', ' + p for p in parsed)} FROM cells), "
        "found AS (SELECT _row, unnest(list_filter(["
        + ", ".join(failures)
        + "], lambda x: x IS NOT NULL)) AS p FROM parsed "
        # Rows with nothing wrong (nearly all) are passed over before any list is built.
        + f"WHERE {' OR '.join(conditions)}) "
        "SELECT _row, p.col, p.val, p.msg FROM found"
        + (_repeated_sql(by_measure["local_id"]) if person and "local_id" in by_measure else "")
    )


def _repeated_sql(raw: str) -> str:
    """Every row after the first with the same agency reference (grouping the references costs
    far less than numbering each one's rows with a window)."""
    message = _text(
        "This child is already on an earlier row (same agency reference). Keep one row per child."
    )
    return (
        f" UNION ALL SELECT unnest(list_sort(rows)[2:]) AS _row, {_text(raw)}, id, {message} "
        f"FROM (SELECT NULLIF(trim({quoted(raw)}), '') AS id, list(_row) AS rows FROM raw "
        "GROUP BY id HAVING count(*) > 1 AND id IS NOT NULL)"
    )


def typed_select(
    domain: Domain, columns: dict[str, str], *, identifiers_as_text: bool = False
) -> str:
    """SELECT of the checked rows with proper types, named by measure (for loading). With
    ``identifiers_as_text``, identifiers stay the trimmed text as written, for pseudonymising."""
    parts = ["_row"]
    for raw, measure in columns.items():
        m = domain.measures.get(name=measure)
        v = f"NULLIF(trim({quoted(raw)}), '')"
        if identifiers_as_text and m.role == Measure.Role.IDENTIFIER:
            parts.append(f"{v} AS {quoted(measure)}")
            continue
        cast = {
            "integer": f"CAST({v} AS BIGINT)",
            "number": f"CAST({v} AS DOUBLE)",
            "date": date_sql(v),
            "boolean": f"lower({v}) IN ('y','yes','true','1')",
        }.get(m.type, v)
        parts.append(f"{cast} AS {quoted(measure)}")
    return f"SELECT {', '.join(parts)} FROM raw"


def check_return(
    path: Path,
    *,
    filename: str,
    domain: Domain,
    period: tuple[dt.date, dt.date],
    con: duckdb.DuckDBPyConnection | None = None,
    workdir: Path | None = None,
    limit: int = PROBLEM_LIMIT,
    progress: Callable[[str], None] | None = None,
) -> Checked:
    """Check one return file. Leaves the rows in DuckDB table ``raw`` of ``con`` for loading."""
    checked = Checked()
    if path.stat().st_size == 0:
        return _problem(checked, "The file is empty. Fill in the template and upload it again.")
    own_dir = tempfile.TemporaryDirectory() if workdir is None else None
    work = Path(own_dir.name) if own_dir else workdir
    assert work is not None
    con = con or duckdb.connect()
    try:
        try:
            csv_path, checked.notes = as_utf8_csv(path, filename, work)
        except Exception as exc:  # a damaged spreadsheet: say so, whatever the library raised
            unreadable = unreadable_problem(exc, save_as="XLSX, ODS or CSV")
            return _problem(
                checked, unreadable.message, row=unreadable.row, column=unreadable.column
            )
        checked.csv_path = csv_path
        with csv_path.open(encoding="utf-8", newline="") as f:
            try:
                first = list(itertools.islice(csv.reader(f), TITLE_LOOKAHEAD))
            except csv.Error as exc:
                return _problem(
                    checked,
                    f"The file is not a valid CSV ({exc}). Save it again from the spreadsheet.",
                )
        title = header_problem(first)
        if title:
            return _problem(checked, title.message)
        header, second = [*first, [], []][:2]
        if not header:
            return _problem(checked, "The file is empty. Fill in the template and upload it again.")
        if not _check_header(header, second, domain, checked):
            return checked
        if progress:
            progress("Reading the rows")
        con.execute("DROP VIEW IF EXISTS raw")
        con.execute("DROP TABLE IF EXISTS raw_lines")
        names = ", ".join(_text(h) for h in header)
        try:
            con.execute(
                # DuckDB keeps the file's order (preserve_insertion_order), so a row's rowid is
                # its line less two; a window over the rows would cost a tenth of the read.
                "CREATE TABLE raw_lines AS SELECT * FROM read_csv("
                f"{_text(str(csv_path))}, header = true, all_varchar = true, column_names = [{names}], "
                "null_padding = true, strict_mode = false)"
            )
        except duckdb.Error as exc:
            return _problem(
                checked,
                f"The rows could not be read ({str(exc).splitlines()[0]}). Save the file again as CSV.",
            )
        con.execute("CREATE OR REPLACE TEMP VIEW raw AS SELECT rowid + 2 AS _row, * FROM raw_lines")
        checked.rows = con.execute("SELECT count(*) FROM raw_lines").fetchone()[0]  # type: ignore[index]
        if checked.rows == 0:
            return _problem(
                checked, "There are column names but no rows. Add the rows and upload again."
            )
        if progress:
            progress(f"Checking {checked.rows:,} rows")
        con.execute(
            "CREATE OR REPLACE TEMP TABLE problems AS "
            + _problems_sql(domain, checked.columns, period)
        )
        checked.problem_count = con.execute("SELECT count(*) FROM problems").fetchone()[0]  # type: ignore[index]
        checked.problems = [
            Problem(int(r), str(c), "" if v is None else str(v), str(m))
            for r, c, v, m in con.execute(
                f"SELECT * FROM problems ORDER BY 1, 2 LIMIT {int(limit)}"
            ).fetchall()
        ]
        return checked
    finally:
        if own_dir is not None and checked.csv_path is not None and checked.csv_path.parent == work:
            checked.csv_path = None
        if own_dir is not None:
            own_dir.cleanup()
