"""No export hands a spreadsheet a formula, whatever a partner typed."""

from __future__ import annotations

import csv
import io

from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from reachable.lib.exports import FORMULA_STARTS, table_response, xlsx_text
from reachable.lib.publication import Publication, Sheet, to_csv, to_xlsx

ATTACKS = ['=HYPERLINK("http://example.invalid","click")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"]
texts = st.one_of(st.sampled_from(ATTACKS), st.text(max_size=30))


@settings(max_examples=150, deadline=None)
@given(st.lists(texts, min_size=1, max_size=4))
def test_csv_cells_never_start_like_a_formula_and_keep_the_text(values) -> None:
    response = table_response(filename="t", header=["a"] * len(values), rows=[values], fmt="csv")
    _header, row = list(csv.reader(io.StringIO(response.content.decode())))
    for typed, written in zip(values, row, strict=True):
        assert not written.startswith(FORMULA_STARTS)
        assert written in (typed, "'" + typed)  # the apostrophe is the only change


@settings(max_examples=60, deadline=None)
@example(values=["\r"])
@example(values=["a\r\nb"])
@given(st.lists(texts, min_size=1, max_size=4))
def test_xlsx_cells_are_text_exactly_as_typed(values) -> None:
    response = table_response(filename="t", header=["a"] * len(values), rows=[values], fmt="xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    for typed, cell in zip(values, sheet[2], strict=True):
        assert cell.data_type != "f"
        # Less the characters XLSX cannot hold; its XML stores any line ending as a line feed.
        expected = xlsx_text(typed).replace("\r\n", "\n").replace("\r", "\n")
        assert (cell.value or "") == expected


def test_published_tables_are_safe_in_every_format() -> None:
    publication = Publication("P", sheets=[Sheet("s", "S", ["Group", "n"], [["=cmd()", 5]])])
    assert "'=cmd()" in to_csv(publication)
    book = load_workbook(io.BytesIO(to_xlsx(publication)))
    cell = book["s"]["A4"]
    assert (cell.value, cell.data_type) == ("=cmd()", "s")
