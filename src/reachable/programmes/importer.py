"""Importing a programme's spend from the finance system's spreadsheet, through the one reader
and the one all-or-nothing import loop (``lib.row_import``), row by row through
``services.spend_record``: spend for a budget line that does not exist is refused, naming it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reachable.audit.services import audit_record
from reachable.lib.row_import import (
    CellProblem,
    Column,
    ImportResult,
    cell_date,
    cell_decimal,
    import_rows,
    template_csv,
)
from reachable.programmes import services
from reachable.programmes.access import write_check
from reachable.programmes.models import Programme
from reachable.programmes.periods import Quarter

SPEND_COLUMNS: list[Column] = [
    ("budget_line", True, "the budget line's name, as on the budget"),
    ("quarter", True, "the quarter's first day, e.g. 2026-04-01"),
    ("amount", True, "pounds spent in the quarter, e.g. 41250.00"),
    ("source", True, "where the figure comes from"),
]


def spend_template() -> str:
    return template_csv(SPEND_COLUMNS)


def _write(
    programme: Programme, user: Any, row: dict[str, str], seen: set[tuple[int, Quarter]]
) -> None:
    day = cell_date(row, "quarter")
    assert day is not None  # required: the loop refuses an empty cell first
    try:
        quarter = Quarter.parse(day.isoformat())
    except ValueError:
        raise CellProblem(
            "quarter", "Enter the quarter's first day: 1 January, 1 April, 1 July or 1 October."
        ) from None
    line = services.budget_line_find(programme, row["budget_line"], quarter)
    if (line.pk, quarter) in seen:
        raise CellProblem(
            "quarter", f"{line.name} in {quarter.short} is already in this file: keep one row."
        )
    seen.add((line.pk, quarter))
    amount = cell_decimal(row, "amount", example="41250.00")
    assert amount is not None
    services.spend_record(
        user=user, budget_line=line, quarter=quarter, amount=amount, source=row["source"]
    )


def spend_import(*, user: Any, programme: Programme, path: Path, filename: str) -> ImportResult:
    write_check(user, programme, "import spend")
    seen: set[tuple[int, Quarter]] = set()

    def audited(result: ImportResult) -> None:
        audit_record(
            user=user,
            action="programmes.spend.import",
            obj=programme,
            detail={"rows": result.written, "file": filename},
        )

    return import_rows(
        kind="spend",
        columns=SPEND_COLUMNS,
        path=path,
        filename=filename,
        write_row=lambda row: _write(programme, user, row, seen),
        on_success=audited,
    )
