"""Importing a spreadsheet row by row through a module's own services, all or nothing.

Every module's import (county lines, programme spend and actuals, ...) is the same loop: the one
upload reader (``lib.tabular``) turns any file into rows; the header is checked against the
columns the import takes (unknown names get a near-miss suggestion, missing ones say what they
hold); each row goes through the same service the page uses, in a savepoint; and the whole file is
written in one transaction, or, if any row fails, nothing is. Each problem names the row, the
column, what it said and the fix.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from reachable.lib.tabular import (
    RowError,
    date_from,
    near_miss,
    normal_name,
    rows_of,
    unreadable_problem,
)

# (name, required, what it holds)
Column = tuple[str, bool, str]


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    written: int = 0
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class CellProblem(Exception):
    """Raised by a row writer: this column's value cannot be used, and why."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


def template_csv(columns: Iterable[Column]) -> str:
    return ",".join(name for name, _, _ in columns) + "\r\n"


def cell_date(row: dict[str, str], column: str) -> dt.date | None:
    text = row.get(column, "").strip()
    if not text:
        return None
    try:
        return date_from(text)
    except ValueError:
        raise CellProblem(
            column, f"{text!r} is not a date: write it as 2026-03-27 or 27/03/2026."
        ) from None


def cell_decimal(row: dict[str, str], column: str, example: str = "52.0567") -> Decimal | None:
    text = row.get(column, "").strip().replace(",", "").lstrip("£")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise CellProblem(column, f"{row[column]!r} is not a number: write it like {example}.")
    return value


def cell_choice(row: dict[str, str], column: str, choices: Any) -> str:
    """A value given as the stored value or the start of its label, in any case."""
    text = normal_name(row[column])
    for value, label in choices:
        if text in {value, normal_name(label.split(" (")[0])}:
            return str(value)
    raise CellProblem(column, f"{row[column]!r} is not one of: {', '.join(v for v, _ in choices)}.")


def header_problems(columns: list[Column], header: list[str]) -> list[RowError]:
    known = [name for name, _, _ in columns]
    given = [normal_name(h) for h in header]
    problems = []
    for name in given:
        if name and name not in known:
            guess = near_miss(name, known)
            fix = f"Did you mean {guess}?" if guess else f"The columns are: {', '.join(known)}."
            problems.append(RowError(1, name, name, f"Unknown column. {fix}"))
    for name, required, what in columns:
        if required and name not in given:
            problems.append(RowError(1, name, "", f"Add the column {name} ({what})."))
    return problems


class _Rollback(Exception):
    pass


def import_rows(
    *,
    kind: str,
    columns: list[Column],
    path: Path,
    filename: str,
    write_row: Callable[[dict[str, str]], None],
    on_success: Callable[[ImportResult], None],
) -> ImportResult:
    """Check and write every row of the file in one transaction, or write nothing.

    ``write_row`` gets each row as {column: text} and calls the module's service; it raises
    ``CellProblem`` or ``ValidationError`` for a row that cannot be written. ``on_success`` runs
    inside the transaction once every row is written (to audit the import).
    """
    result = ImportResult(kind)
    try:
        with rows_of(path, filename) as (header, rows, notes):
            result.notes = notes
            result.errors = header_problems(columns, header)
            if result.errors:
                return result
            names = [normal_name(h) for h in header]
            try:
                with transaction.atomic():
                    _write_all(columns, names, rows, write_row, result)
                    if result.errors or not result.rows:
                        raise _Rollback
                    on_success(result)
            except _Rollback:
                result.written = 0
    except (ValueError, OSError) as exc:  # rolled back: nothing of the file is kept
        result.written = 0
        result.errors = [unreadable_problem(exc)]
    if not result.rows and not result.errors:
        result.errors = [RowError(2, "", "", "The file has a header but no rows.")]
    return result


def _write_all(
    columns: list[Column],
    names: list[str],
    rows: Iterable[list[str]],
    write_row: Callable[[dict[str, str]], None],
    result: ImportResult,
) -> None:
    for number, values in enumerate(rows, start=2):
        if not any(v.strip() for v in values):
            continue
        result.rows += 1
        given = dict(zip(names, values, strict=False))
        row = {c: given.get(c, "") for c, _, _ in columns}
        missing = [
            RowError(number, name, "", f"Enter {what}.")
            for name, required, what in columns
            if required and not row[name].strip()
        ]
        if missing:
            result.errors += missing
            continue
        try:
            # A savepoint per row: a row the database refuses leaves the rest of the file usable
            # for checking (everything is rolled back at the end if any row failed).
            with transaction.atomic():
                write_row(row)
            result.written += 1
        except CellProblem as bad:
            result.errors.append(RowError(number, bad.column, row.get(bad.column, ""), bad.message))
        except ValidationError as exc:
            for column, message in _messages(exc):
                result.errors.append(RowError(number, column, row.get(column, ""), message))


def _messages(exc: ValidationError) -> list[tuple[str, str]]:
    if hasattr(exc, "error_dict"):
        return [(f, m) for f, errors in exc.message_dict.items() for m in errors]
    return [("", m) for m in exc.messages]
