"""Importing lines, deal numbers, places of concern, sightings and disruption from a spreadsheet.

Through the one upload reader (``lib.tabular``: any encoding, separator, XLSX or ODS), row by row
through the same services as the pages, in one transaction: every row is written, or none. Each
problem names the row, the column, what it said and the fix; a later row may refer to a line an
earlier row of the same file recorded.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from reachable.audit.services import audit_record
from reachable.core.models import Area, Place
from reachable.lib.tabular import RowError, date_from, near_miss, normal_name, rows_of
from reachable.lines import services
from reachable.lines.access import write_check
from reachable.lines.models import Disruption, Line, Location

GRADING = ["source", "source_grade", "information_grade", "handling"]
# Columns per kind of file: (name, required, what it holds).
COLUMNS: dict[str, list[tuple[str, bool, str]]] = {
    "lines": [
        ("name", True, "the line's name or brand"),
        ("origin", True, "the town or borough it runs from"),
        ("destinations", True, "towns it runs to, separated by semicolons"),
        ("model", True, "traditional, satellite or local"),
        ("crosses_force_boundary", True, "yes or no"),
        ("controlling_group", False, "free text"),
        ("first_seen_on", True, "date"),
        ("first_seen_in", True, "town"),
    ],
    "numbers": [
        ("line", True, "line name"),
        ("origin", True, "the line's origin town"),
        ("number", True, "UK mobile number, 07..."),
        ("first_used", True, "date"),
        ("last_used", False, "date"),
    ],
    "places": [
        ("kind", True, ", ".join(Location.Kind.values)),
        ("description", True, "address or description"),
        ("town", True, "town"),
        ("postcode_district", False, "e.g. IP1"),
        ("latitude", False, "decimal degrees"),
        ("longitude", False, "decimal degrees"),
    ],
    "sightings": [
        ("line", True, "line name"),
        ("origin", True, "the line's origin town"),
        ("seen_on", True, "date"),
        ("town", True, "town"),
        ("note", False, "free text"),
    ],
    "disruptions": [
        ("kind", True, ", ".join(Disruption.Kind.values)),
        ("occurred_on", True, "date"),
        ("county", True, "county in the partnership"),
        ("line", True, "line name"),
        ("origin", True, "the line's origin town"),
        ("outcome", False, "free text"),
        ("children_safeguarded", False, "whole number"),
    ],
}
for _columns in COLUMNS.values():
    _columns += [
        ("source", True, "where it came from"),
        ("source_grade", True, "1, 2 or 3"),
        ("information_grade", True, "A to E"),
        ("handling", True, "P or C"),
    ]


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    written: int = 0
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def template_csv(kind: str) -> str:
    return ",".join(name for name, _, _ in COLUMNS[kind]) + "\r\n"


class _Bad(Exception):
    def __init__(self, column: str, message: str) -> None:
        self.column, self.message = column, message


class _Resolver:
    """Names in a file as records: towns, counties and lines, with suggestions for near misses."""

    def __init__(self) -> None:
        self.towns = {p.name.lower(): p for p in Place.objects.filter(kind=Place.Kind.TOWN)}
        self.counties = {
            a.name.lower(): a
            for a in Area.objects.filter(kind=Area.Kind.COUNTY, partnership__isnull=False)
        }

    def town(self, column: str, value: str) -> Place:
        found = self.towns.get(value.strip().lower())
        if found is None:
            guess = near_miss(value, self.towns)
            hint = f" Did you mean {self.towns[guess].name}?" if guess else ""
            raise _Bad(column, f"{value!r} is not a town Reachable knows.{hint}")
        return found

    def county(self, value: str) -> Area:
        found = self.counties.get(value.strip().lower())
        if found is None:
            names = ", ".join(sorted(a.name for a in self.counties.values()))
            raise _Bad(
                "county", f"{value!r} is not a county of the partnership: use one of {names}."
            )
        return found

    def line(self, row: dict[str, str]) -> Line:
        origin = self.town("origin", row["origin"])
        found = Line.objects.filter(
            name_key=services.line_name_key(row["line"]), origin=origin
        ).first()
        if found is None:
            raise _Bad(
                "line",
                f"No line called {row['line']!r} from {origin} is recorded. Import the line first "
                "(or put it earlier in a lines file).",
            )
        return found


def _date(row: dict[str, str], column: str) -> dt.date | None:
    text = row.get(column, "").strip()
    if not text:
        return None
    try:
        return date_from(text)
    except ValueError:
        raise _Bad(
            column, f"{text!r} is not a date: write it as 2026-03-27 or 27/03/2026."
        ) from None


def _choice(row: dict[str, str], column: str, choices: Any) -> str:
    text = normal_name(row[column])
    for value, label in choices:
        if text in {value, normal_name(label.split(" (")[0])}:
            return str(value)
    raise _Bad(column, f"{row[column]!r} is not one of: {', '.join(v for v, _ in choices)}.")


def _decimal(row: dict[str, str], column: str) -> Decimal | None:
    text = row.get(column, "").strip()
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise _Bad(
            column, f"{text!r} is not a number: write decimal degrees, like 52.0567."
        ) from None


def _write_row(kind: str, row: dict[str, str], user: Any, names: _Resolver) -> None:
    grading = services.grading_from_codes(*(row[c] for c in GRADING))
    if kind == "lines":
        destinations = [d for d in row["destinations"].split(";") if d.strip()]
        flag = normal_name(row["crosses_force_boundary"])
        if flag not in {"yes", "no", "y", "n"}:
            raise _Bad("crosses_force_boundary", "Write yes or no.")
        services.line_create(
            user=user,
            name=row["name"],
            origin=names.town("origin", row["origin"]),
            destinations=[names.town("destinations", d) for d in destinations],
            model=_choice(row, "model", Line.Model.choices),
            crosses_force_boundary=flag.startswith("y"),
            controlling_group=row.get("controlling_group", ""),
            first_seen_on=_date(row, "first_seen_on"),  # type: ignore[arg-type]
            first_seen_in=names.town("first_seen_in", row["first_seen_in"]),
            grading=grading,
        )
    elif kind == "numbers":
        services.number_add(
            user=user,
            line=names.line(row),
            number=row["number"],
            first_used=_date(row, "first_used"),  # type: ignore[arg-type]
            last_used=_date(row, "last_used"),
            grading=grading,
        )
    elif kind == "places":
        services.location_create(
            user=user,
            kind=_choice(row, "kind", Location.Kind.choices),
            description=row["description"],
            town=names.town("town", row["town"]),
            postcode_district=row.get("postcode_district", ""),
            latitude=_decimal(row, "latitude"),
            longitude=_decimal(row, "longitude"),
            grading=grading,
        )
    elif kind == "sightings":
        services.sighting_record(
            user=user,
            line=names.line(row),
            seen_on=_date(row, "seen_on"),  # type: ignore[arg-type]
            town=names.town("town", row["town"]),
            note=row.get("note", ""),
            grading=grading,
        )
    elif kind == "disruptions":
        count = row.get("children_safeguarded", "").strip() or "0"
        if not count.isdigit():
            raise _Bad("children_safeguarded", f"{count!r} is not a whole number of children.")
        services.disruption_record(
            user=user,
            kind=_choice(row, "kind", Disruption.Kind.choices),
            occurred_on=_date(row, "occurred_on"),  # type: ignore[arg-type]
            area=names.county(row["county"]),
            lines=[names.line(row)],
            outcome=row.get("outcome", ""),
            children_safeguarded=int(count),
            grading=grading,
        )


def _header_problems(kind: str, header: list[str]) -> list[RowError]:
    known = [name for name, _, _ in COLUMNS[kind]]
    given = [normal_name(h) for h in header]
    problems = []
    for name in given:
        if name and name not in known:
            guess = near_miss(name, known)
            fix = f"Did you mean {guess}?" if guess else f"The columns are: {', '.join(known)}."
            problems.append(RowError(1, name, name, f"Unknown column. {fix}"))
    for name, required, what in COLUMNS[kind]:
        if required and name not in given:
            problems.append(RowError(1, name, "", f"Add the column {name} ({what})."))
    return problems


class _Rollback(Exception):
    pass


def lines_import(*, user: Any, kind: str, path: Path, filename: str) -> ImportResult:
    """Check and write every row of the file, all in one transaction, or write nothing."""
    write_check(user, "import county lines intelligence")
    if kind not in COLUMNS:
        raise ValidationError({"kind": "Choose what the file holds."})
    result = ImportResult(kind)
    names = _Resolver()
    with tempfile.TemporaryDirectory() as work:
        try:
            with rows_of(path, filename, Path(work)) as (header, rows, notes):
                result.notes = notes
                result.errors = _header_problems(kind, header)
                if result.errors:
                    return result
                columns = [normal_name(h) for h in header]
                try:
                    with transaction.atomic():
                        _write_all(kind, columns, rows, user, names, result)
                        if result.errors or not result.rows:
                            raise _Rollback
                        audit_record(
                            user=user,
                            action="lines.import",
                            detail={"kind": kind, "rows": result.written, "file": filename},
                        )
                except _Rollback:
                    result.written = 0
        except (ValueError, OSError) as exc:
            result.errors = [
                RowError(0, "", "", f"The file could not be read ({exc}). Save it as CSV or XLSX.")
            ]
    if not result.rows and not result.errors:
        result.errors = [RowError(2, "", "", "The file has a header but no rows.")]
    return result


def _write_all(
    kind: str,
    columns: list[str],
    rows: Any,
    user: Any,
    names: _Resolver,
    result: ImportResult,
) -> None:
    for number, values in enumerate(rows, start=2):
        if not any(v.strip() for v in values):
            continue
        result.rows += 1
        row = dict(zip(columns, values, strict=False))
        row = {c: row.get(c, "") for c, _, _ in COLUMNS[kind]}
        for name, required, what in COLUMNS[kind]:
            if required and not row[name].strip():
                result.errors.append(RowError(number, name, "", f"Enter {what}."))
        if any(e.row == number for e in result.errors):
            continue
        try:
            # A savepoint per row: a row the database refuses leaves the rest of the file usable
            # for checking (everything is rolled back at the end if any row failed).
            with transaction.atomic():
                _write_row(kind, row, user, names)
            result.written += 1
        except _Bad as bad:
            result.errors.append(RowError(number, bad.column, row.get(bad.column, ""), bad.message))
        except ValidationError as exc:
            for column, message in _messages(exc):
                result.errors.append(RowError(number, column, row.get(column, ""), message))


def _messages(exc: ValidationError) -> list[tuple[str, str]]:
    if hasattr(exc, "error_dict"):
        return [(f, m) for f, errors in exc.message_dict.items() for m in errors]
    return [("", m) for m in exc.messages]
