"""The 10-17 population by county and ethnic group, loaded as reference data from a CSV file
(``county,ethnic_group,children``). A file with any bad row changes nothing."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from reachable.core.models import Area
from reachable.returns.models import PopulationReference

BUNDLED = Path(__file__).parent / "data" / "population-10-17.csv"
GROUPS = {"W", "M", "A", "B", "O"}


def population_load(text: str, *, source: str = "") -> int:
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    counties = {
        a.slug: a for a in Area.objects.filter(kind=Area.Kind.COUNTY, partnership__isnull=False)
    }
    problems = []
    found: dict[tuple[str, str], int] = {}
    if not rows or set(rows[0]) != {"county", "ethnic_group", "children"}:
        raise ValidationError("The file needs exactly the columns county, ethnic_group, children.")
    for line, row in enumerate(rows, start=2):
        county, group, children = (
            row["county"].strip(),
            row["ethnic_group"].strip(),
            row["children"],
        )
        if county not in counties:
            problems.append(
                f"Row {line}, county: '{county}' is not a county of the partnership "
                f"(use one of {', '.join(sorted(counties))})."
            )
        if group not in GROUPS:
            problems.append(f"Row {line}, ethnic_group: '{group}' is not one of W, M, A, B, O.")
        if not children.strip().isdigit():
            problems.append(
                f"Row {line}, children: '{children}' is not a whole number of children."
            )
        elif (county, group) in found:
            problems.append(f"Row {line}: {county} {group} is already given on an earlier row.")
        else:
            found[(county, group)] = int(children)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        PopulationReference.objects.all().delete()
        PopulationReference.objects.bulk_create(
            PopulationReference(county=counties[c], ethnic_group=g, children=n, source=source)
            for (c, g), n in found.items()
        )
    return len(found)


def population_load_bundled() -> int:
    return population_load(
        BUNDLED.read_text(encoding="utf-8"),
        source="Illustrative figures bundled with Reachable (replace with ONS estimates)",
    )
