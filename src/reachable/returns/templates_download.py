"""Blank return templates for a domain, as CSV and as a spreadsheet with the guidance beside it."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from reachable.returns.models import Domain, Measure

GUIDANCE_COLUMNS = ["Column", "Title", "Required", "Type", "Unit", "Allowed values", "Meaning"]


def _allowed(measure: Measure) -> str:
    if measure.codes:
        return ", ".join(measure.codes)
    bounds = [
        f"{label} {value:g}"
        for label, value in (("at least", measure.minimum), ("at most", measure.maximum))
        if value is not None
    ]
    return "; ".join(bounds + ([f"pattern {measure.pattern}"] if measure.pattern else []))


def guidance_rows(domain: Domain) -> list[list[str]]:
    return [
        [
            m.name,
            m.title,
            "yes" if m.required else "no",
            m.type,
            m.unit,
            _allowed(m),
            m.description,
        ]
        for m in domain.measures.all()
    ]


def template_csv(domain: Domain) -> str:
    out = io.StringIO()
    csv.writer(out).writerow([m.name for m in domain.measures.all()])
    return out.getvalue()


def template_xlsx(domain: Domain) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Return"
    sheet.append([m.name for m in domain.measures.all()])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    guide = book.create_sheet("Guidance")
    guide.append(GUIDANCE_COLUMNS)
    for row in guidance_rows(domain):
        guide.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
