"""Tables as CSV, XLSX or ODS downloads: every table a page shows can be taken away.

Every cell of every export passes through here on its way out, because text that partners typed
can start with ``= + - @``: a spreadsheet opening the file would run it as a formula (CSV or
formula injection). In CSV such text gets a leading apostrophe, which Excel and LibreOffice read
as "this is text"; in XLSX the cell is written as a string, so it shows exactly as typed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# Tab and carriage return too: Excel strips them and reads what follows as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """A value for a CSV cell that no spreadsheet will run."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_rows(rows: Iterable[Sequence[Any]]) -> Iterator[list[Any]]:
    for row in rows:
        yield [csv_safe(v) for v in row]


def xlsx_text(value: Any) -> Any:
    """Control characters XLSX cannot hold (pasted from other systems) are dropped, not a 500."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def xlsx_append(sheet: Any, values: Sequence[Any]) -> None:
    """Append a row to an openpyxl sheet; text is always text, never a formula."""
    sheet.append([xlsx_text(v) for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.data_type == "f":
            cell.data_type = "s"


def table_response(
    *, filename: str, header: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str
) -> HttpResponse:
    if fmt == "ods":
        from reachable.lib.publication import Publication, Sheet, publication_response

        sheet = Sheet(filename[:31], filename, list(header), [list(r) for r in rows])
        return publication_response(
            Publication(filename, sheets=[sheet]), fmt="ods", filename=filename
        )
    if fmt == "xlsx":
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        xlsx_append(sheet, header)
        for row in rows:
            xlsx_append(sheet, row)
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows(csv_rows([header, *rows]))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response
