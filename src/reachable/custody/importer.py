"""Importing detentions from a custody system's CSV export: all rows or none, never twice.

Rows are matched to children by police identifier; rows without one by exact name and date of
birth; anyone else gets a new record. A detention already held for the same child and arrest time
is skipped, so re-importing a file changes nothing.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from reachable.audit.services import audit_record
from reachable.casework.chronology import CHRONOLOGY_COLUMNS, agency_of
from reachable.casework.models import ChronologyEntry
from reachable.children.identifiers import normalise_identifier
from reachable.children.matching import name_affixes, name_key
from reachable.children.models import CHILD_FIELDS, Child, ChildIdentifier, Involvement
from reachable.core.models import Code, Place, Team
from reachable.custody.access import (
    DETENTION_REASON,
    access_ends_on,
    grants_access,
    suites_for,
)
from reachable.custody.import_parse import (  # noqa: F401 (callers import these from here)
    COLUMNS,
    KNOWN,
    MAX_PROBLEMS_KEPT,
    PROGRESS_EVERY,
    ImportResult,
    Progress,
    RowError,
    _Row,
    parse,
    template_csv,
)
from reachable.custody.models import DETENTION_COLUMNS, Detention
from reachable.custody.rules import arrival_slot, local_zone
from reachable.custody.services import is_out_of_county
from reachable.lib.bulk import bulk_insert, reserve_ids
from reachable.lib.tabular import rows_of, unreadable_problem
from reachable.sharing.models import Restriction
from reachable.sharing.services import alert_data_protection_leads


def _resolve_children(rows: list[_Row]) -> None:
    police_kind = _police_kind()
    by_police: dict[str, int] = {}
    police_ids = sorted({normalise_identifier(r.police_id) for r in rows if r.police_id})
    for start in range(0, len(police_ids), 5000):
        chunk = police_ids[start : start + 5000]
        by_police.update(
            ChildIdentifier.objects.filter(
                kind_id=police_kind, value_normalised__in=chunk
            ).values_list("value_normalised", "child_id")
        )
    for row in rows:
        if row.police_id:
            row.child_id = by_police.get(normalise_identifier(row.police_id))
        else:
            row.child_id = (
                Child.objects.filter(
                    given_name__iexact=row.given,
                    family_name__iexact=row.family,
                    date_of_birth=row.dob,
                    merged_into__isnull=True,
                )
                .values_list("pk", flat=True)
                .first()
            )


def _read_upload(
    path: Path, filename: str, progress: Progress | None, suite_ids: list[int]
) -> tuple[list[_Row], list[RowError]]:
    """The upload through the one reader (any encoding, separator, XLSX or ODS), checked row by row."""
    try:
        with rows_of(path, filename) as (header, lines, _notes):
            return parse(header, lines, progress, suite_ids=suite_ids)
    except (ValueError, OSError) as exc:  # a damaged spreadsheet, whatever the library raised
        return [], [unreadable_problem(exc)]


def detentions_import(
    *,
    user: Any,
    path: Path | None = None,
    text: str | None = None,
    filename: str = "",
    progress: Progress | None = None,
) -> ImportResult:
    """Validate every row of an uploaded file (``path``), or of CSV ``text``, then write them all in
    one transaction, or write nothing.

    ``progress`` hears how many rows have been checked, every few thousand rows, before anything is
    written (so a caller can record it outside the import's transaction)."""
    with tempfile.TemporaryDirectory() as held:
        if path is None:
            path = Path(held) / "upload.csv"
            path.write_text(text or "", encoding="utf-8")
        rows, errors = _read_upload(path, filename or path.name, progress, suites_for(user))
    result = ImportResult(rows=len(rows) + len({e.row for e in errors if e.row > 1}), errors=errors)
    if errors:
        return result
    now = timezone.now()
    with transaction.atomic():
        _resolve_children(rows)
        existing: set[tuple[int, dt.datetime]] = set()
        known_ids = sorted({r.child_id for r in rows if r.child_id})
        for start in range(0, len(known_ids), 5000):
            existing.update(
                Detention.objects.filter(child_id__in=known_ids[start : start + 5000]).values_list(
                    "child_id", "arrested_at"
                )
            )
        new_children: dict[str, int] = {}
        child_rows, ident_rows = [], []
        # Ids from the table's sequence: a practitioner adding a child meanwhile cannot take one.
        people = list(dict.fromkeys(r.person_key for r in rows if not r.child_id))
        free_ids = iter(reserve_ids(Child, len(people)))
        police_kind = _police_kind()
        for row in rows:
            if row.child_id:
                continue
            person = row.person_key
            if person not in new_children:
                child_id = next(free_ids)
                new_children[person] = child_id
                g_pre, g_suf = name_affixes(row.given)
                f_pre, f_suf = name_affixes(row.family)
                child_rows.append(
                    (
                        child_id,
                        row.given,
                        row.family,
                        "",
                        row.dob,
                        row.sex_id,
                        None,
                        row.home.pk if row.home else None,
                        name_key(row.given),
                        name_key(row.family),
                        g_pre,
                        g_suf,
                        f_pre,
                        f_suf,
                        now,
                        now,
                        user.pk,
                    )
                )
                if row.police_id:
                    ident_rows.append(
                        (
                            child_id,
                            police_kind,
                            row.police_id,
                            normalise_identifier(row.police_id),
                        )
                    )
            row.child_id = new_children[person]

        bulk_insert(Child, CHILD_FIELDS, child_rows)
        bulk_insert(ChildIdentifier, ["child", "kind", "value", "value_normalised"], ident_rows)

        new_ids = set(new_children.values())
        # Records whose processing is restricted get the detention (the police system holds it
        # anyway) but open to nobody; the data protection lead is told.
        restricted = set(
            Restriction.objects.filter(child_id__in=known_ids, lifted_at__isnull=True).values_list(
                "child_id", flat=True
            )
        )
        detention_rows, involvement_keys = [], set()
        team_ids_by_suite = {
            s.pk: list(Team.objects.filter(places=s).values_list("pk", flat=True))
            for s in {r.suite for r in rows}
        }
        for row in rows:
            assert row.child_id is not None
            if (row.child_id, row.arrested_at) in existing:
                result.already_imported += 1
                continue
            detention_rows.append(
                (
                    row.child_id,
                    row.suite.pk,
                    row.arrested_at,
                    row.arrived_at,
                    row.released_at,
                    row.offence_id,
                    row.force_id,
                    is_out_of_county(row.home, row.suite),
                    row.home.pk if row.home else None,
                    *row.flags,
                    "",
                    Detention.Source.IMPORTED,
                    row.reference,
                    user.pk,
                    now,
                    *arrival_slot(row.arrived_at),
                    False,
                    False,
                    None,
                )
            )
            # A known child's record opens to the custody team only for a recent arrest
            # (custody.access); a child this import adds is held by the team that added them.
            opens = row.child_id in new_ids or grants_access(row.arrested_at, now=now)
            if opens and row.child_id not in restricted:
                until = access_ends_on(row.released_at)
                for team_id in team_ids_by_suite[row.suite.pk]:
                    involvement_keys.add(
                        (
                            row.child_id,
                            team_id,
                            row.arrived_at.astimezone(local_zone()).date(),
                            until,
                        )
                    )
        result.created = bulk_insert(
            Detention,
            DETENTION_COLUMNS,
            detention_rows,
        )
        agency = agency_of(user, "chronology.add").pk
        bulk_insert(
            ChronologyEntry,
            CHRONOLOGY_COLUMNS,
            detention_entries(
                detention_rows,
                author_id=user.pk,
                agency_of_suite=lambda _suite: agency,
                recorded_at=now,
                note="Imported from the custody system.",
            ),
        )
        # Children added by this import have no involvements yet: only look up the others.
        already_known = set(known_ids)
        involved = _involved_in_chunks({c for c, _, _, _ in involvement_keys if c in already_known})
        first_day: dict[tuple[int, int], dt.date] = {}
        last_days: dict[tuple[int, int], dt.date | None] = {}
        for c, t, day, until in involvement_keys:
            if (c, t) not in involved:
                first_day[(c, t)] = min(day, first_day.get((c, t), day))
                # Still detained (None) outlasts any date; otherwise the latest release counts.
                so_far = last_days.get((c, t), dt.date.min)
                last_days[(c, t)] = None if until is None or so_far is None else max(until, so_far)
        bulk_insert(
            Involvement,
            ["child", "team", "worker", "started_on", "ended_on", "reason"],
            (
                (c, t, None, day, last_days[(c, t)], f"{DETENTION_REASON} a custody suite")
                for (c, t), day in first_day.items()
            ),
        )
        # No sequence is reset: every id came from its table's sequence (a reset to the highest
        # id could move it back under a concurrent writer's uncommitted row).
        result.new_children = len(child_rows)
        audit_record(
            user=user,
            action="detention.import",
            detail={
                "file": filename,
                "rows": result.rows,
                "created": result.created,
                "already_imported": result.already_imported,
                "new_children": result.new_children,
                "children": sorted({r.child_id for r in rows if r.child_id}),
            },
        )
        if restricted:
            alert_data_protection_leads(
                f"A custody import by {user.display_name} held detentions for "
                f"{len(restricted)} record(s) whose processing is restricted: "
                f"{', '.join(str(c) for c in sorted(restricted))}. They were not opened to the team.",
                kind="restricted-import",
            )
    return result


def detention_entries(
    detention_rows: list[tuple[Any, ...]],
    *,
    author_id: int,
    agency_of_suite: Any,
    recorded_at: dt.datetime,
    note: str,
) -> list[tuple[Any, ...]]:
    """A chronology line for each detention written in bulk (rows in DETENTION_COLUMNS order).

    A list, not a generator: the lookups must run before a bulk COPY takes the connection."""
    suites = dict(Place.objects.filter(kind=Place.Kind.CUSTODY_SUITE).values_list("pk", "name"))
    offences = dict(
        Code.objects.filter(code_list__key="offence-category").values_list("pk", "label")
    )
    at = {name: i for i, name in enumerate(DETENTION_COLUMNS)}
    entries = []
    for row in detention_rows:
        suite = row[at["suite"]]
        out = ", out of county" if row[at["out_of_county"]] else ""
        summary = (
            f"Detained at {suites[suite]} ({offences[row[at['offence']]].lower()}){out}. {note}"
        )
        entries.append(
            (
                row[at["child"]],
                row[at["arrested_at"]],
                "detention",
                summary,
                False,
                "involved",
                author_id,
                agency_of_suite(suite),
                None,
                recorded_at,
            )
        )
    return entries


def _involved_in_chunks(child_ids: set[int]) -> set[tuple[int, int]]:
    ids = sorted(child_ids)
    out: set[tuple[int, int]] = set()
    for start in range(0, len(ids), 5000):
        out.update(
            Involvement.objects.filter(
                child_id__in=ids[start : start + 5000], ended_on__isnull=True
            ).values_list("child_id", "team_id")
        )
    return out


def _police_kind() -> int:
    return int(Code.objects.get(code_list__key="identifier-kind", code="police").pk)
