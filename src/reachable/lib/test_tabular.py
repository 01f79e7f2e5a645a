"""The one upload reader: whatever encoding, separator or workbook a partner's system writes, the
rows read back are the rows written."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from reachable.lib.tabular import EXCEL_EPOCH, date_from, near_miss, normal_name, rows_of

# Text Windows-1252 can hold (so every encoding below can write it), without line breaks (a
# spreadsheet would keep them, but a sniffer looks at the first line).
cells = st.text(
    alphabet=st.characters(
        codec="cp1252", exclude_characters="\r\n\x00", exclude_categories=("Cs", "Cc")
    ),
    max_size=12,
)
tables = st.integers(min_value=1, max_value=4).flatmap(
    lambda width: st.lists(st.lists(cells, min_size=width, max_size=width), min_size=1, max_size=6)
)
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1252"]


def _header(width: int) -> list[str]:
    return [f"column {i}" for i in range(width)]


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(tables, st.sampled_from(ENCODINGS), st.sampled_from([",", ";", "\t"]))
def test_any_encoding_and_separator_reads_back_the_same_rows(tmp_path, table, encoding, sep):
    header = _header(len(table[0]))
    out = io.StringIO()
    csv.writer(out, delimiter=sep).writerows([header, *table])
    path = tmp_path / f"upload-{encoding}-{ord(sep)}.csv"
    path.write_bytes(out.getvalue().encode(encoding))
    with rows_of(path, path.name, tmp_path) as (read_header, rows, notes):
        assert read_header == header
        assert [r + [""] * (len(header) - len(r)) for r in rows] == table
    if encoding == "cp1252" and any(ord(c) > 127 for row in table for c in "".join(row)):
        assert any("Windows-1252" in n for n in notes)


def test_an_xlsx_workbook_reads_its_first_sheet(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["name", "born"])
    sheet.append(["Zoë", dt.date(2010, 5, 1)])
    sheet.append(["Kai", 7])
    path = tmp_path / "u.xlsx"
    book.save(path)
    with rows_of(path, "u.xlsx", tmp_path) as (header, rows, notes):
        assert header == ["name", "born"]
        assert list(rows) == [["Zoë", "2010-05-01"], ["Kai", "7"]]
    assert notes == ["Read the first sheet of u.xlsx."]


@given(st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 12, 31)))
def test_a_date_reads_the_same_as_iso_uk_or_an_excel_serial(day: dt.date) -> None:
    serial = (day - EXCEL_EPOCH).days
    for written in (day.isoformat(), f"{day:%d/%m/%Y}", f"{day:%d.%m.%Y}", str(serial)):
        assert date_from(written) == day


def test_column_names_are_compared_without_case_or_spacing_and_near_misses_are_named() -> None:
    assert normal_name("  Arrested-At ") == normal_name("arrested_at") == "arrested_at"
    assert near_miss("arested at", ["arrested_at", "suite"]) == "arrested_at"
    assert near_miss("shoe size", ["arrested_at", "suite"]) is None
