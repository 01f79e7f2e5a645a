"""Importing detentions from a custody system's CSV export: all rows or none, never twice.

Rows are matched to children by police identifier; rows without one by exact name and date of
birth; anyone else gets a new record. A detention already held for the same child and arrest time
is skipped, so re-importing a file changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from reachable.audit.services import audit_record
from reachable.casework.chronology import CHRONOLOGY_COLUMNS, agency_of
from reachable.casework.models import ChronologyEntry
from reachable.children.identifiers import normalise_identifier, validate_identifier
from reachable.children.matching import name_affixes, name_key
from reachable.children.models import Child, ChildIdentifier, Involvement
from reachable.core.models import Agency, Area, Code, Place, Team
from reachable.custody.access import (
    DETENTION_REASON,
    access_ends_on,
    grants_access,
    suites_for,
)
from reachable.custody.models import DETENTION_COLUMNS, Detention
from reachable.custody.rules import age_error, arrival_slot, local_zone, time_errors
from reachable.custody.services import is_out_of_county
from reachable.lib.bulk import bulk_insert, next_id, reset_sequences
from reachable.sharing.models import Restriction
from reachable.sharing.services import alert_data_protection_leads

COLUMNS: list[tuple[str, bool, str]] = [
    ("custody_reference", True, "The custody record number, e.g. 36/12345/26"),
    ("suite", True, "Custody suite code, e.g. wymondham-pic (see the list of suites)"),
    (
        "arrested_at",
        True,
        "Date and time of arrest: 2026-11-20 14:35 or 20/11/2026 14:35 (UK time)",
    ),
    ("arrived_at", True, "Date and time of arrival at the suite, same format"),
    ("released_at", False, "Date and time of release, same format; empty if still detained"),
    ("offence", True, "Offence category code, e.g. pwits-a, weapon, robbery, other"),
    ("arresting_force", False, "Police force code, e.g. norfolk-police"),
    ("given_name", True, "Child's first name"),
    ("family_name", True, "Child's last name"),
    ("date_of_birth", True, "2010-03-27 or 27/03/2010"),
    ("sex", True, "M, F, X or U"),
    ("home_la", False, "Home local authority code, e.g. norfolk-cc or lambeth"),
    ("police_id", False, "Police national identifier, e.g. 09/123456A"),
    ("appropriate_adult", False, "Y or N"),
    ("carer_informed", False, "Y or N"),
    ("comfort_box", False, "Y or N"),
]
REQUIRED = {name for name, required, _ in COLUMNS if required}
KNOWN = [name for name, _, _ in COLUMNS]
_YES = {"y", "yes", "true", "1"}
_YES_OR_NO = _YES | {"n", "no", "false", "0", ""}


@dataclass(frozen=True)
class RowError:
    row: int  # 1 is the header row, as a spreadsheet shows it
    column: str
    value: str
    message: str


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    already_imported: int = 0
    new_children: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    number: int
    reference: str
    suite: Place
    arrested_at: dt.datetime
    arrived_at: dt.datetime
    released_at: dt.datetime | None
    offence_id: int
    force_id: int | None
    given: str
    family: str
    dob: dt.date
    sex_id: int
    home: Area | None
    police_id: str
    flags: tuple[bool, bool, bool]
    person_key: str = ""
    child_id: int | None = None


def template_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(KNOWN)
    writer.writerow(
        [
            "36/00001/26",
            "wymondham-pic",
            "2026-11-20 14:35",
            "2026-11-20 15:10",
            "",
            "pwits-a",
            "norfolk-police",
            "Sam",
            "Example",
            "2010-03-27",
            "M",
            "lambeth",
            "10/123456A",
            "Y",
            "Y",
            "Y",
        ]
    )
    return out.getvalue()


class _MissingLocalTime(Exception):
    """A wall-clock time skipped when the clocks go forward (e.g. 01:30 on the last Sunday in March)."""


class _Parser:
    allowed_suites: set[int] | None = None

    def __init__(self) -> None:
        self.tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        self.suites = {
            p.slug: p
            for p in Place.objects.filter(kind=Place.Kind.CUSTODY_SUITE).select_related(
                "area__parent"
            )
        }
        self.offences = dict(
            Code.objects.filter(code_list__key="offence-category", active=True).values_list(
                "code", "id"
            )
        )
        self.sexes = dict(
            Code.objects.filter(code_list__key="sex", active=True).values_list("code", "id")
        )
        self.forces = dict(
            Agency.objects.filter(agency_type__code="police").values_list("slug", "id")
        )
        self.areas = {
            a.slug: a
            for a in Area.objects.filter(kind=Area.Kind.LOCAL_AUTHORITY).select_related("parent")
        }
        self.now = timezone.now()

    def when(self, text: str) -> dt.datetime:
        text = text.strip()
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            value = dt.datetime.strptime(text, "%d/%m/%Y %H:%M")
        if value.tzinfo is None:
            local = value.replace(tzinfo=self.tz)
            if local.astimezone(dt.UTC).astimezone(self.tz).replace(tzinfo=None) != value:
                raise _MissingLocalTime
            value = local
        # Compared and stored in UTC: local wall-clock times repeat or vanish at the DST changes.
        return value.astimezone(dt.UTC)

    @staticmethod
    def day(text: str) -> dt.date:
        text = text.strip()
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return dt.datetime.strptime(text, "%d/%m/%Y").date()


def _read(text: str) -> tuple[list[str], Iterable[list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    return [h.strip().lower() for h in header], reader


Progress = Callable[[int], None]
MAX_PROBLEMS_KEPT = 5000  # listed problems per import; a file with more needs fixing at source
PROGRESS_EVERY = 5000


def parse(
    text: str, progress: Progress | None = None, *, suite_ids: list[int] | None = None
) -> tuple[list[_Row], list[RowError]]:
    """Every row checked; ``suite_ids`` limits the rows to suites the importer's teams work in."""
    try:
        return _parse(text, progress, suite_ids)
    except csv.Error as exc:
        return [], [
            RowError(
                0, "", "", f"The file is not a well-formed CSV ({exc}). Export it again as CSV."
            )
        ]


def _parse(
    text: str, progress: Progress | None, suite_ids: list[int] | None
) -> tuple[list[_Row], list[RowError]]:
    header, reader = _read(text.lstrip("\ufeff"))
    errors: list[RowError] = []
    if not header or header == [""]:
        return [], [
            RowError(
                1, "", "", "The file is empty. Export the detentions again, with the header row."
            )
        ]
    missing = REQUIRED - set(header)
    unknown = [h for h in header if h not in KNOWN]
    for name in sorted(missing):
        errors.append(
            RowError(
                1,
                name,
                "",
                f"The column '{name}' is missing. Download the template to see the columns.",
            )
        )
    for name in unknown:
        errors.append(
            RowError(1, name, name, f"The column '{name}' is not one we know. Rename or remove it.")
        )
    if errors:
        return [], errors
    columns = [(name, header.index(name)) for name in KNOWN if name in header]
    p = _Parser()
    p.allowed_suites = set(suite_ids) if suite_ids is not None else None
    rows: list[_Row] = []
    seen: dict[tuple[str, str, dt.datetime], int] = {}
    for number, cells in enumerate(reader, start=2):
        if progress and number % PROGRESS_EVERY == 0:
            progress(number - 1)
        width = len(cells)
        v = {name: (cells[i].strip() if i < width else "") for name, i in columns}
        if not any(v.values()):
            continue
        for name in KNOWN:
            v.setdefault(name, "")
        row_errors: list[RowError] = []
        row = _parse_row(number, v, p, row_errors)
        if row is None:
            errors.extend(row_errors)
            continue
        key = (row.person_key, v["suite"], row.arrested_at)
        duplicate_of = seen.get(key)
        if duplicate_of:
            errors.append(
                RowError(
                    number,
                    "arrested_at",
                    v["arrested_at"],
                    f"Row {duplicate_of} already has this child and arrest time.",
                )
            )
            continue
        seen[key] = number
        rows.append(row)
    return rows, errors


def _parse_row(number: int, v: dict[str, str], p: _Parser, errors: list[RowError]) -> _Row | None:
    """One row's values, checked; None (with the problems in ``errors``) if anything is wrong."""

    def fail(column: str, message: str) -> None:
        errors.append(RowError(number, column, v[column], message))

    for name in REQUIRED:
        if not v[name]:
            fail(name, f"'{name}' is empty; every row needs it.")
    times: dict[str, dt.datetime] = {}
    for name in ("arrested_at", "arrived_at", "released_at"):
        if v[name]:
            try:
                times[name] = p.when(v[name])
            except _MissingLocalTime:
                fail(
                    name,
                    "This time does not exist in UK time: the clocks went forward an hour. Check the custody record.",
                )
            except ValueError:
                fail(name, "Not a date and time; write it as 2026-11-20 14:35 or 20/11/2026 14:35.")
    dob = None
    if v["date_of_birth"]:
        try:
            dob = p.day(v["date_of_birth"])
        except ValueError:
            fail("date_of_birth", "Not a date; write it as 2010-03-27 or 27/03/2010.")
    suite = p.suites.get(v["suite"])
    if v["suite"] and suite is None:
        fail("suite", "Not a custody suite we know; use the suite codes listed on the import page.")
    elif suite is not None and p.allowed_suites is not None and suite.pk not in p.allowed_suites:
        fail(
            "suite",
            "Your team does not work at this suite: import only detentions at your own suites "
            "(another suite's team imports its own).",
        )
    offence_id = p.offences.get(v["offence"])
    if v["offence"] and offence_id is None:
        fail("offence", f"Not an offence code; use one of {', '.join(sorted(p.offences))}.")
    sex_id = p.sexes.get(v["sex"].upper())
    if v["sex"] and sex_id is None:
        fail("sex", f"Use one of {', '.join(sorted(p.sexes))}.")
    force_id = p.forces.get(v["arresting_force"]) if v["arresting_force"] else None
    if v["arresting_force"] and force_id is None:
        fail("arresting_force", "Not a police force code we know.")
    home = p.areas.get(v["home_la"]) if v["home_la"] else None
    if v["home_la"] and home is None:
        fail("home_la", "Not a local authority code we know; leave it empty if not known.")
    police_id = ""
    if v["police_id"]:
        try:
            police_id = validate_identifier("police", v["police_id"])
        except ValidationError as exc:
            fail("police_id", exc.messages[0])
    flags = []
    for name in ("appropriate_adult", "carer_informed", "comfort_box"):
        value = v[name].lower()
        if value not in _YES_OR_NO:
            fail(name, "Write Y or N.")
        flags.append(value in _YES)
    arrested_at, arrived_at = times.get("arrested_at"), times.get("arrived_at")
    if arrested_at is not None and arrived_at is not None:
        for column, message in time_errors(
            arrested_at=arrested_at,
            arrived_at=arrived_at,
            released_at=times.get("released_at"),
            now=p.now,
        ).items():
            fail(column, message)
        if dob is not None:
            problem = age_error(date_of_birth=dob, arrested_at=arrested_at, override_reason="")
            if problem:
                fail("date_of_birth", problem + " Record it by hand with the reason instead.")
    if errors or suite is None or offence_id is None or sex_id is None or dob is None:
        return None
    if arrested_at is None or arrived_at is None:
        return None
    person_key = (
        normalise_identifier(police_id)
        or f"{v['given_name'].lower()}|{v['family_name'].lower()}|{dob}"
    )
    return _Row(
        number,
        v["custody_reference"],
        suite,
        arrested_at,
        arrived_at,
        times.get("released_at"),
        offence_id,
        force_id,
        v["given_name"],
        v["family_name"],
        dob,
        sex_id,
        home,
        police_id,
        (flags[0], flags[1], flags[2]),
        person_key=person_key,
    )


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


def detentions_import(
    *, user: Any, text: str, filename: str = "", progress: Progress | None = None
) -> ImportResult:
    """Validate every row, then write them all in one transaction, or write nothing.

    ``progress`` hears how many rows have been checked, every few thousand rows, before anything is
    written (so a caller can record it outside the import's transaction)."""
    rows, errors = parse(text, progress, suite_ids=suites_for(user))
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
        child_id = next_id(Child)
        police_kind = _police_kind()
        for row in rows:
            if row.child_id:
                continue
            person = row.person_key
            if person not in new_children:
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
                child_id += 1
            row.child_id = new_children[person]
        from reachable.synth.services import CHILD_FIELDS

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
        reset_sequences(Child, ChildIdentifier, Detention, Involvement)
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
