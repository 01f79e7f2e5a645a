"""Statistical tables in a publication layout, as XLSX, ODS or CSV.

Layout (after the government analysis function's spreadsheet guidance): a cover sheet with the
title, notes and what ``[c]`` means; then one sheet per table, its title in the first cell, a note,
then a single header row and the data, with no merged cells or blank rows inside the table. The
CSV is long ("tidy"): one row per table, row, column and value.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P
from openpyxl import Workbook
from openpyxl.styles import Font

from reachable.lib.exports import csv_rows, xlsx_append

TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "csv": "text/csv; charset=utf-8",
}


@dataclass
class Sheet:
    name: str
    title: str
    header: list[str]
    rows: list[list[Any]]
    note: str = ""


@dataclass
class Publication:
    title: str
    notes: list[str] = field(default_factory=list)
    sheets: list[Sheet] = field(default_factory=list)

    def cover(self) -> list[list[Any]]:
        return [[self.title], *[[n] for n in self.notes], ["Tables in this file:"]] + [
            [f"{s.name}: {s.title}"] for s in self.sheets
        ]


def _sheet_lines(sheet: Sheet) -> list[Sequence[Any]]:
    return [[sheet.title], [sheet.note] if sheet.note else [""], sheet.header, *sheet.rows]


def to_xlsx(publication: Publication) -> bytes:
    book = Workbook()
    cover = book.active
    assert cover is not None
    cover.title = "Cover"
    for line in publication.cover():
        xlsx_append(cover, line)
    cover["A1"].font = Font(bold=True, size=14)
    for sheet in publication.sheets:
        out = book.create_sheet(sheet.name[:31])
        for values in _sheet_lines(sheet):
            xlsx_append(out, values)
        out["A1"].font = Font(bold=True, size=13)
        for cell in out[3]:
            cell.font = Font(bold=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _ods_row(values: Sequence[Any]) -> TableRow:
    row = TableRow()
    for value in values:
        if isinstance(value, int | float) and not isinstance(value, bool):
            cell = TableCell(valuetype="float", value=value)
        else:
            cell = TableCell(valuetype="string")
        cell.addElement(P(text="" if value is None else str(value)))
        row.addElement(cell)
    return row


def to_ods(publication: Publication) -> bytes:
    doc = OpenDocumentSpreadsheet()
    for name, lines in [("Cover", publication.cover())] + [
        (s.name[:31], _sheet_lines(s)) for s in publication.sheets
    ]:
        table = Table(name=name)
        for line in lines:
            table.addElement(_ods_row(line))
        doc.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    doc.write(buffer)
    return buffer.getvalue()


def to_csv(publication: Publication) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["table", "row", "column", "value"])
    for sheet in publication.sheets:
        for row in sheet.rows:
            writer.writerows(
                csv_rows(
                    [sheet.name, row[0], column, value]
                    for column, value in zip(sheet.header[1:], row[1:], strict=False)
                )
            )
    return out.getvalue()


def publication_response(publication: Publication, *, fmt: str, filename: str) -> HttpResponse:
    if fmt == "xlsx":
        body: bytes | str = to_xlsx(publication)
    elif fmt == "ods":
        body = to_ods(publication)
    else:
        fmt, body = "csv", to_csv(publication)
    response = HttpResponse(body, content_type=TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
