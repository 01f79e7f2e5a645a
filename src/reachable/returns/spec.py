"""Loading the Recommended Minimum Dataset specification from its files.

Each version is a folder under ``specs/`` holding ``version.json`` and one Table Schema
(https://specs.frictionlessdata.io/table-schema/) per domain. Reachable adds four properties to a
field: ``role`` (identifier, quasi-identifier, characteristic, breakdown, measure), ``unit``,
``renamed_from`` (the name in the previous version) and, on the schema, ``owner_agency_type``,
``level`` and ``retired`` (fields of the previous version that are no longer collected).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from django.db import transaction

from reachable.returns.models import Domain, Measure, SpecVersion

BUNDLED_SPECS = Path(__file__).resolve().parent / "specs"
TYPES = {"string", "integer", "number", "date", "boolean"}
NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class SpecError(ValueError):
    """A specification file that cannot be loaded; the message names the file and the field."""


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SpecError(f"{path.name}: not valid JSON (line {exc.lineno}: {exc.msg}).") from exc
    if not isinstance(data, dict):
        raise SpecError(f"{path.name}: must hold a JSON object.")
    return data


def _need(data: dict[str, Any], key: str, where: str) -> Any:
    if data.get(key) in (None, "", []):
        raise SpecError(f"{where}: '{key}' is missing; add it.")
    return data[key]


def _field(raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise SpecError(f"{where}: each field must be an object.")
    name = _need(raw, "name", where)
    where = f"{where} ({name})"
    if not NAME.match(str(name)):
        raise SpecError(f"{where}: names are lower case letters, digits and underscores.")
    kind = raw.get("type", "string")
    if kind not in TYPES:
        raise SpecError(f"{where}: type '{kind}' must be one of {', '.join(sorted(TYPES))}.")
    role = raw.get("role", "measure")
    if role not in Measure.Role.values:
        raise SpecError(f"{where}: role '{role}' must be one of {', '.join(Measure.Role.values)}.")
    constraints = raw.get("constraints", {})
    codes = constraints.get("enum", [])
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        raise SpecError(f"{where}: constraints.enum must be a list of text codes.")
    pattern = constraints.get("pattern", "")
    try:
        re.compile(pattern)
    except re.error as exc:
        raise SpecError(f"{where}: constraints.pattern is not a valid pattern ({exc}).") from exc
    for bound in ("minimum", "maximum"):
        if bound in constraints and not isinstance(constraints[bound], int | float):
            raise SpecError(f"{where}: constraints.{bound} must be a number.")
    return {
        "name": name,
        "title": _need(raw, "title", where),
        "description": raw.get("description", ""),
        "type": kind,
        "unit": raw.get("unit", ""),
        "role": role,
        "required": bool(constraints.get("required", False)),
        "codes": codes,
        "minimum": constraints.get("minimum"),
        "maximum": constraints.get("maximum"),
        "pattern": pattern,
        "renamed_from": raw.get("renamed_from", ""),
    }


def _domain(path: Path, previous: dict[str, set[str]]) -> tuple[dict[str, Any], list[dict]]:
    data = _read(path)
    where = path.name
    key = _need(data, "name", where)
    if path.stem != key:
        raise SpecError(f"{where}: 'name' is '{key}' but the file is named {path.name}.")
    level = _need(data, "level", where)
    if level not in Domain.Level.values:
        raise SpecError(f"{where}: level must be one of {', '.join(Domain.Level.values)}.")
    raw_fields = _need(data, "fields", where)
    fields = [_field(f, f"{where} field #{i}") for i, f in enumerate(raw_fields, start=1)]
    names = [f["name"] for f in fields]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise SpecError(f"{where}: field names repeated: {', '.join(duplicated)}.")
    before = previous.get(key)
    for f in fields:
        if f["renamed_from"] and (before is None or f["renamed_from"] not in before):
            raise SpecError(
                f"{where} ({f['name']}): renamed_from '{f['renamed_from']}' is not a field of "
                "this domain in the previous version."
            )
    for retired in data.get("retired", []):
        if before is None or retired not in before or retired in names:
            raise SpecError(
                f"{where}: retired '{retired}' must be a field of the previous version that is "
                "no longer in this one."
            )
    domain = {
        "key": key,
        "title": _need(data, "title", where),
        "description": _need(data, "description", where),
        "owner_agency_type": _need(data, "owner_agency_type", where),
        "level": level,
        "schema": data,
    }
    return domain, fields


def spec_load(directory: Path, previous: dict[str, set[str]] | None = None) -> SpecVersion:
    """Load (or reload) one version folder. All of it, or nothing."""
    meta = _read(directory / "version.json")
    version = _need(meta, "version", "version.json")
    try:
        published = dt.date.fromisoformat(_need(meta, "published_on", "version.json"))
    except ValueError as exc:
        raise SpecError("version.json: published_on must be a date like 2026-03-01.") from exc
    files = sorted(p for p in directory.glob("*.json") if p.name != "version.json")
    if not files:
        raise SpecError(f"{directory.name}: no domain files (one .json Table Schema per domain).")
    parsed = [_domain(p, previous or {}) for p in files]
    with transaction.atomic():
        spec, _ = SpecVersion.objects.update_or_create(
            version=version, defaults={"published_on": published, "notes": meta.get("notes", "")}
        )
        spec.domains.exclude(key__in=[d["key"] for d, _ in parsed]).delete()
        for domain, fields in parsed:
            row, _ = Domain.objects.update_or_create(
                version=spec, key=domain["key"], defaults=domain
            )
            row.measures.all().delete()
            Measure.objects.bulk_create(
                Measure(domain=row, position=i, **f) for i, f in enumerate(fields, start=1)
            )
    return spec


def specs_load_all(root: Path = BUNDLED_SPECS) -> list[SpecVersion]:
    """Load every version folder in order, each checked against the one before it."""
    loaded: list[SpecVersion] = []
    previous: dict[str, set[str]] = {}
    for directory in sorted(p for p in root.iterdir() if (p / "version.json").exists()):
        spec = spec_load(directory, previous)
        loaded.append(spec)
        previous = {
            d.key: set(d.measures.values_list("name", flat=True)) for d in spec.domains.all()
        }
    return loaded


def header_names(domain: Domain) -> dict[str, str]:
    """Every column name a return for this domain may use, mapped to the current measure name:
    the current names, and names from earlier versions that a measure was renamed from."""
    names = {m.name: m.name for m in domain.measures.all()}
    for m in domain.measures.all():
        if m.renamed_from:
            names.setdefault(m.renamed_from, m.name)
    return names
