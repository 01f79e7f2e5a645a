"""The one upload reader: whatever encoding, separator or workbook a partner's system writes, the
rows read back are the rows written."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from reachable.lib.tabular import (
    EXCEL_EPOCH,
    UnreadableUpload,
    date_from,
    near_miss,
    normal_name,
    rows_of,
    unreadable_problem,
)

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
    with rows_of(path, path.name) as (read_header, rows, notes):
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
    with rows_of(path, "u.xlsx") as (header, rows, notes):
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


def _read_all(path: Path, tmp_path: Path) -> list[list[str]]:
    with rows_of(path, path.name) as (header, rows, _notes):
        return [header, *rows]


def test_an_unclosed_quote_is_reported_at_the_row_it_opens(tmp_path: Path) -> None:
    path = tmp_path / "quote.csv"
    path.write_text('name,town\nKai,Ipswich\n"Zoe,Norwich\nJay,Ely\n', encoding="utf-8")
    with pytest.raises(UnreadableUpload) as refused:
        _read_all(path, tmp_path)
    assert refused.value.row == 3
    assert "quote marks" in refused.value.message


def test_a_title_above_the_column_names_is_refused_saying_where_they_start(tmp_path: Path) -> None:
    path = tmp_path / "titled.csv"
    path.write_text("Custody export November\n\nname,town\nKai,Ipswich\n", encoding="utf-8")
    with pytest.raises(UnreadableUpload) as refused:
        _read_all(path, tmp_path)
    assert "start on line 3" in refused.value.message
    one_column = tmp_path / "one.csv"
    one_column.write_text("name\nKai\n\nJay\n", encoding="utf-8")
    assert _read_all(one_column, tmp_path)[0] == ["name"]


def test_a_formula_instead_of_a_value_is_refused_naming_the_cell(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["name", "age"])
    sheet.append(["Kai", 15])
    sheet.append(["Jay", "=B2+1"])
    path = tmp_path / "formula.xlsx"
    book.save(path)
    with pytest.raises(UnreadableUpload) as refused:
        _read_all(path, tmp_path)
    assert (refused.value.row, refused.value.column) == (3, "B")
    assert "B3" in refused.value.message
    assert "paste it as values" in refused.value.message


def test_a_formula_in_an_ods_sheet_is_refused_too(tmp_path: Path) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="Sheet1")
    for cells in (["name", "age"], ["Kai", "15"]):
        row = TableRow()
        for text in cells:
            cell = TableCell()
            cell.addElement(P(text=text))
            row.addElement(cell)
        table.addElement(row)
    row = TableRow()
    cell = TableCell(formula="of:=[.B2]+1", valuetype="float", value="16")
    row.addElement(cell)
    table.addElement(row)
    doc.spreadsheet.addElement(table)
    path = tmp_path / "formula.ods"
    doc.save(str(path))
    with pytest.raises(UnreadableUpload) as refused:
        _read_all(path, tmp_path)
    assert refused.value.row == 3


def test_trailing_blank_rows_and_a_totals_row_are_rows_like_any_other(tmp_path: Path) -> None:
    # The reader hands them on; each import decides (a totals row fails its checks by name).
    path = tmp_path / "totals.csv"
    path.write_text("name,count\nKai,1\nTotal,1\n,\n,\n", encoding="utf-8")
    assert _read_all(path, tmp_path)[1:] == [["Kai", "1"], ["Total", "1"], ["", ""], ["", ""]]


def test_a_file_in_no_encoding_we_read_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(b"name,town\nKai,Ipswich\n\x81\x8d,\x90\n")  # not UTF-8, nor Windows-1252
    with pytest.raises(UnicodeDecodeError) as refused:
        _read_all(path, tmp_path)
    problem = unreadable_problem(refused.value)
    assert "'CSV UTF-8'" in problem.message


def test_a_formula_written_with_a_namespace_prefix_is_found(tmp_path: Path) -> None:
    # .NET's OpenXML SDK writes <x:c><x:f>...</x:f></x:c>: the same formula, another spelling.
    import zipfile

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["name", "age"])
    sheet.append(["Jay", "=1+1"])
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    prefixed = tmp_path / "prefixed.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(prefixed, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                main = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
                text = text.replace(main, main.replace("xmlns=", "xmlns:x="))
                text = re.sub(r"<(/?)(\w+)", r"<\1x:\2", text)
                data = text.encode()
            dst.writestr(item, data)
    with pytest.raises(UnreadableUpload) as refused:
        _read_all(prefixed, tmp_path)
    assert "B2" in refused.value.message


def test_a_formula_on_another_sheet_of_an_ods_file_is_not_the_first_sheets(tmp_path: Path) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    first, second = Table(name="Return"), Table(name="Workings")
    for cells in (["name", "age"], ["Kai", "15"]):
        row = TableRow()
        for text in cells:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=text))
            row.addElement(cell)
        first.addElement(row)
    row = TableRow()
    row.addElement(TableCell(formula="of:=1+1", valuetype="float", value="2"))
    second.addElement(row)
    doc.spreadsheet.addElement(first)
    doc.spreadsheet.addElement(second)
    path = tmp_path / "two-sheets.ods"
    doc.save(str(path))
    assert _read_all(path, tmp_path) == [["name", "age"], ["Kai", "15"]]
