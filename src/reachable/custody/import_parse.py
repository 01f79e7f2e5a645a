"""Reading a custody system's CSV export: the columns, each row checked, every problem by row and column with the fix. Nothing is written here; ``importer`` writes what passed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from reachable.children.identifiers import normalise_identifier, validate_identifier
from reachable.core.models import Agency, Area, Code, Place
from reachable.custody.rules import age_error, time_errors
from reachable.lib.tabular import RowError, date_from, near_miss, normal_name

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
        return date_from(text)


Progress = Callable[[int], None]
MAX_PROBLEMS_KEPT = 5000  # listed problems per import; a file with more needs fixing at source
PROGRESS_EVERY = 5000


def parse(
    header: list[str],
    rows: Iterable[list[str]],
    progress: Progress | None = None,
    *,
    suite_ids: list[int] | None = None,
) -> tuple[list[_Row], list[RowError]]:
    """Every row checked, as the one upload reader (lib.tabular) gives them; ``suite_ids`` limits
    the rows to suites the importer's teams work in."""
    try:
        return _parse([normal_name(h) for h in header], rows, progress, suite_ids)
    except csv.Error as exc:
        return [], [
            RowError(
                0, "", "", f"The file is not a well-formed CSV ({exc}). Export it again as CSV."
            )
        ]


def _parse(
    header: list[str],
    reader: Iterable[list[str]],
    progress: Progress | None,
    suite_ids: list[int] | None,
) -> tuple[list[_Row], list[RowError]]:
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
        guess = near_miss(name, KNOWN)
        hint = f" Did you mean '{guess}'?" if guess else ""
        errors.append(
            RowError(
                1, name, name, f"The column '{name}' is not one we know.{hint} Rename or remove it."
            )
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
