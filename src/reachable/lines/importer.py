"""Importing lines, deal numbers, places of concern, sightings and disruption from a spreadsheet.

Through the one upload reader (``lib.tabular``: any encoding, separator, XLSX or ODS), row by row
through the same services as the pages, in one transaction: every row is written, or none. Each
problem names the row, the column, what it said and the fix; a later row may refer to a line an
earlier row of the same file recorded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from reachable.audit.services import audit_record
from reachable.core.models import Area, Place
from reachable.lib import row_import
from reachable.lib.row_import import (
    CellProblem,
    ImportResult,
    cell_choice,
    cell_date,
    cell_decimal,
    import_rows,
)
from reachable.lib.tabular import near_miss, normal_name
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


def template_csv(kind: str) -> str:
    return row_import.template_csv(COLUMNS[kind])


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
            raise CellProblem(column, f"{value!r} is not a town Reachable knows.{hint}")
        return found

    def county(self, value: str) -> Area:
        found = self.counties.get(value.strip().lower())
        if found is None:
            names = ", ".join(sorted(a.name for a in self.counties.values()))
            raise CellProblem(
                "county", f"{value!r} is not a county of the partnership: use one of {names}."
            )
        return found

    def line(self, row: dict[str, str]) -> Line:
        origin = self.town("origin", row["origin"])
        found = Line.objects.filter(
            name_key=services.line_name_key(row["line"]), origin=origin
        ).first()
        if found is None:
            raise CellProblem(
                "line",
                f"No line called {row['line']!r} from {origin} is recorded. Import the line first "
                "(or put it earlier in a lines file).",
            )
        return found


def _write_row(kind: str, row: dict[str, str], user: Any, names: _Resolver) -> None:
    grading = services.grading_from_codes(*(row[c] for c in GRADING))
    if kind == "lines":
        destinations = [d for d in row["destinations"].split(";") if d.strip()]
        flag = normal_name(row["crosses_force_boundary"])
        if flag not in {"yes", "no", "y", "n"}:
            raise CellProblem("crosses_force_boundary", "Write yes or no.")
        services.line_create(
            user=user,
            name=row["name"],
            origin=names.town("origin", row["origin"]),
            destinations=[names.town("destinations", d) for d in destinations],
            model=cell_choice(row, "model", Line.Model.choices),
            crosses_force_boundary=flag.startswith("y"),
            controlling_group=row.get("controlling_group", ""),
            first_seen_on=cell_date(row, "first_seen_on"),  # type: ignore[arg-type]
            first_seen_in=names.town("first_seen_in", row["first_seen_in"]),
            grading=grading,
        )
    elif kind == "numbers":
        services.number_add(
            user=user,
            line=names.line(row),
            number=row["number"],
            first_used=cell_date(row, "first_used"),  # type: ignore[arg-type]
            last_used=cell_date(row, "last_used"),
            grading=grading,
        )
    elif kind == "places":
        services.location_create(
            user=user,
            kind=cell_choice(row, "kind", Location.Kind.choices),
            description=row["description"],
            town=names.town("town", row["town"]),
            postcode_district=row.get("postcode_district", ""),
            latitude=cell_decimal(row, "latitude"),
            longitude=cell_decimal(row, "longitude"),
            grading=grading,
        )
    elif kind == "sightings":
        services.sighting_record(
            user=user,
            line=names.line(row),
            seen_on=cell_date(row, "seen_on"),  # type: ignore[arg-type]
            town=names.town("town", row["town"]),
            note=row.get("note", ""),
            grading=grading,
        )
    elif kind == "disruptions":
        count = row.get("children_safeguarded", "").strip() or "0"
        if not count.isdigit():
            raise CellProblem(
                "children_safeguarded", f"{count!r} is not a whole number of children."
            )
        services.disruption_record(
            user=user,
            kind=cell_choice(row, "kind", Disruption.Kind.choices),
            occurred_on=cell_date(row, "occurred_on"),  # type: ignore[arg-type]
            area=names.county(row["county"]),
            lines=[names.line(row)],
            outcome=row.get("outcome", ""),
            children_safeguarded=int(count),
            grading=grading,
        )


def lines_import(*, user: Any, kind: str, path: Path, filename: str) -> ImportResult:
    """Check and write every row of the file, all in one transaction, or write nothing."""
    write_check(user, "import county lines intelligence")
    if kind not in COLUMNS:
        raise ValidationError({"kind": "Choose what the file holds."})
    names = _Resolver()

    def audited(result: ImportResult) -> None:
        audit_record(
            user=user,
            action="lines.import",
            detail={"kind": kind, "rows": result.written, "file": filename},
        )

    return import_rows(
        kind=kind,
        columns=COLUMNS[kind],
        path=path,
        filename=filename,
        write_row=lambda row: _write_row(kind, row, user, names),
        on_success=audited,
    )
