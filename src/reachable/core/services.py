"""Writes to reference data. The partnership file loader is idempotent and all-or-nothing."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from reachable.audit.services import audit_record
from reachable.core.models import (
    Agency,
    Area,
    Code,
    CodeList,
    OperatingHours,
    Partnership,
    Place,
    Team,
)

BUNDLED_PARTNERSHIP = Path(__file__).parent / "data" / "eastern-partnership.toml"
_DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


class PartnershipFileError(ValueError):
    """The file names something that does not exist or has a malformed value."""


@dataclass(frozen=True)
class LoadSummary:
    code_lists: int
    codes: int
    areas: int
    agencies: int
    places: int
    teams: int


def _require(entry: dict[str, Any], key: str, where: str) -> Any:
    if key not in entry or entry[key] in ("", None):
        raise PartnershipFileError(f"{where}: '{key}' is missing; add it.")
    return entry[key]


def _time(value: str, where: str) -> dt.time:
    try:
        return dt.time.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise PartnershipFileError(f"{where}: '{value}' is not a time; write it as HH:MM.") from exc


def partnership_load(*, path: Path = BUNDLED_PARTNERSHIP) -> LoadSummary:
    """Create or update the partnership described in a TOML file. Nothing changes if any entry is bad."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise PartnershipFileError(f"{path.name}: not valid TOML ({exc}).") from exc

    with transaction.atomic():
        p = _require(data, "partnership", path.name)
        partnership, _ = Partnership.objects.update_or_create(
            slug=_require(p, "slug", "[partnership]"),
            defaults={"name": _require(p, "name", "[partnership]")},
        )
        n_codes = 0
        for i, cl in enumerate(data.get("code_lists", []), start=1):
            where = f"code_lists #{i}"
            code_list, _ = CodeList.objects.update_or_create(
                key=_require(cl, "key", where), defaults={"name": _require(cl, "name", where)}
            )
            for order, c in enumerate(cl.get("codes", [])):
                Code.objects.update_or_create(
                    code_list=code_list,
                    code=_require(c, "code", f"{where} code #{order + 1}"),
                    defaults={
                        "label": _require(c, "label", f"{where} code #{order + 1}"),
                        "group": c.get("group", ""),
                        "order": order,
                        "active": c.get("active", True),
                    },
                )
                n_codes += 1

        areas: dict[str, Area] = {a.slug: a for a in Area.objects.all()}
        for i, a in enumerate(data.get("areas", []), start=1):
            where = f"areas #{i} ({a.get('slug', '?')})"
            kind = _require(a, "kind", where)
            if kind not in Area.Kind.values:
                raise PartnershipFileError(
                    f"{where}: kind '{kind}' must be one of {', '.join(Area.Kind.values)}."
                )
            parent = None
            if a.get("parent"):
                parent = areas.get(a["parent"])
                if parent is None:
                    raise PartnershipFileError(
                        f"{where}: parent '{a['parent']}' is not an area listed above it."
                    )
            area, _ = Area.objects.update_or_create(
                slug=_require(a, "slug", where),
                defaults={
                    "name": _require(a, "name", where),
                    "kind": kind,
                    "parent": parent,
                    "gss_code": a.get("gss_code", ""),
                    "partnership": partnership if a.get("in_partnership") else None,
                },
            )
            areas[area.slug] = area

        agency_types = {c.code: c for c in Code.objects.filter(code_list__key="agency-type")}
        agencies: dict[str, Agency] = {ag.slug: ag for ag in Agency.objects.all()}
        for i, ag in enumerate(data.get("agencies", []), start=1):
            where = f"agencies #{i} ({ag.get('slug', '?')})"
            type_code = _require(ag, "type", where)
            if type_code not in agency_types:
                raise PartnershipFileError(
                    f"{where}: type '{type_code}' is not in the agency-type code list."
                )
            agency, _ = Agency.objects.update_or_create(
                slug=_require(ag, "slug", where),
                defaults={
                    "name": _require(ag, "name", where),
                    "agency_type": agency_types[type_code],
                    "partnership": partnership,
                },
            )
            agency.areas.set([_lookup(areas, s, where, "area") for s in ag.get("areas", [])])
            agencies[agency.slug] = agency

        places: dict[str, Place] = {pl.slug: pl for pl in Place.objects.all()}
        for i, pl in enumerate(data.get("places", []), start=1):
            where = f"places #{i} ({pl.get('slug', '?')})"
            kind = _require(pl, "kind", where)
            if kind not in Place.Kind.values:
                raise PartnershipFileError(
                    f"{where}: kind '{kind}' must be one of {', '.join(Place.Kind.values)}."
                )
            place, _ = Place.objects.update_or_create(
                slug=_require(pl, "slug", where),
                defaults={
                    "name": _require(pl, "name", where),
                    "kind": kind,
                    "area": _lookup(areas, _require(pl, "area", where), where, "area"),
                    "agency": _lookup(agencies, pl["agency"], where, "agency")
                    if pl.get("agency")
                    else None,
                    "latitude": pl.get("latitude"),
                    "longitude": pl.get("longitude"),
                },
            )
            if "hours" in pl:
                place.hours.all().delete()
                for h in pl["hours"]:
                    opens, closes = _time(h.get("opens"), where), _time(h.get("closes"), where)
                    if closes <= opens:
                        raise PartnershipFileError(
                            f"{where}: hours close at {closes} before opening at {opens}."
                        )
                    for day in h.get("days", []):
                        if day not in _DAYS:
                            raise PartnershipFileError(
                                f"{where}: day '{day}' must be one of {', '.join(_DAYS)}."
                            )
                        OperatingHours.objects.create(
                            place=place,
                            weekday=_DAYS[day],
                            opens=opens,
                            closes=closes,
                            on_call=h.get("on_call", False),
                        )
            places[place.slug] = place

        for i, t in enumerate(data.get("teams", []), start=1):
            where = f"teams #{i} ({t.get('slug', '?')})"
            team, _ = Team.objects.update_or_create(
                slug=_require(t, "slug", where),
                defaults={
                    "name": _require(t, "name", where),
                    "agency": _lookup(agencies, _require(t, "agency", where), where, "agency"),
                    "area": _lookup(areas, _require(t, "area", where), where, "area"),
                },
            )
            team.places.set([_lookup(places, s, where, "place") for s in t.get("places", [])])

        for dotted in settings.REACHABLE_PARTNERSHIP_SECTIONS:
            import_string(dotted)(data)

        summary = LoadSummary(
            code_lists=len(data.get("code_lists", [])),
            codes=n_codes,
            areas=len(data.get("areas", [])),
            agencies=len(data.get("agencies", [])),
            places=len(data.get("places", [])),
            teams=len(data.get("teams", [])),
        )
        audit_record(
            user=None,
            action="partnership.load",
            obj=partnership,
            detail={"file": path.name, **summary.__dict__},
        )
    return summary


def _lookup(table: dict[str, Any], slug: str, where: str, what: str) -> Any:
    try:
        return table[slug]
    except KeyError:
        raise PartnershipFileError(
            f"{where}: {what} '{slug}' is not defined in the file or the database."
        ) from None
