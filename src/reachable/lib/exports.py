"""Tables as CSV, XLSX or ODS downloads: every table a page shows can be taken away."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook


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
        sheet.append(list(header))
        for row in rows:
            sheet.append(list(row))
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
    writer.writerow(header)
    writer.writerows(rows)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response
