"""Recording county lines intelligence: every change goes through here (pages, the import, the API).

Each function checks the one write rule (``lines.access.write_check``), validates what it was
given with messages that name the field and the fix, writes, and audits. Nothing is written when
a check fails.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from reachable.audit.services import audit_record
from reachable.children.identifiers import normalise_identifier
from reachable.children.models import ChildIdentifier
from reachable.core.models import Area, Code, Place
from reachable.lines.access import keyed_hash, write_check
from reachable.lines.models import (
    HANDLING_CODES,
    INFORMATION_GRADES,
    SOURCE_GRADES,
    ChildLink,
    DealNumber,
    Disruption,
    Line,
    LineStatus,
    Location,
    Sighting,
)

# The United Kingdom's extent, with a margin: anything outside is a typing slip (often a swapped
# latitude and longitude).
UK_LATITUDE = (Decimal("49.8"), Decimal("61.0"))
UK_LONGITUDE = (Decimal("-8.7"), Decimal("2.0"))
POSTCODE_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")
UK_MOBILE = re.compile(r"^07[0-9]{9}$")


@dataclass(frozen=True)
class Grading:
    """Where a piece of intelligence came from and its 3x5x2 grading."""

    source: str
    source_grade: Code
    information_grade: Code
    handling: Code

    def fields(self) -> dict[str, Any]:
        return {
            "source": self.source.strip(),
            "source_grade": self.source_grade,
            "information_grade": self.information_grade,
            "handling": self.handling,
        }

    def check(self) -> None:
        errors: dict[str, str] = {}
        if not self.source.strip():
            errors["source"] = "Enter where this came from, for example a report reference."
        for field, list_key in [
            ("source_grade", SOURCE_GRADES),
            ("information_grade", INFORMATION_GRADES),
            ("handling", HANDLING_CODES),
        ]:
            if getattr(self, field).code_list.key != list_key:
                errors[field] = "Choose a grading from the list."
        if errors:
            raise ValidationError(errors)


def grading_from_codes(source: str, source_grade: str, information: str, handling: str) -> Grading:
    """A grading written as codes (e.g. 2, B, P), as an import or the API gives it."""
    found = {}
    for field, list_key, code in [
        ("source_grade", SOURCE_GRADES, source_grade),
        ("information_grade", INFORMATION_GRADES, information),
        ("handling", HANDLING_CODES, handling),
    ]:
        try:
            found[field] = Code.objects.get(
                code_list__key=list_key, code=code.strip().upper(), active=True
            )
        except Code.DoesNotExist:
            known = ", ".join(
                Code.objects.filter(code_list__key=list_key, active=True).values_list(
                    "code", flat=True
                )
            )
            raise ValidationError(
                {field: f"{code!r} is not a grading here; use one of {known}."}
            ) from None
    return Grading(source=source, **found)


def deal_number_normal(text: str) -> str:
    """A UK mobile number as 07 and nine digits, however it was written (+44, spaces, dashes)."""
    digits = re.sub(r"[\s\-().]", "", text.strip())
    if digits.startswith("+44"):
        digits = "0" + digits[3:]
    elif digits.startswith("0044"):
        digits = "0" + digits[4:]
    if not UK_MOBILE.match(digits):
        raise ValidationError(
            {
                "number": f"{text!r} is not a UK mobile number. Enter 11 digits starting 07, "
                "for example 07700 900123."
            }
        )
    return digits


def address_key(description: str, town: Place) -> str:
    """An address as compared: case, spaces and punctuation do not matter."""
    return re.sub(r"[^a-z0-9]", "", f"{description} {town.name}".lower())


def _check_coordinates(latitude: Decimal | None, longitude: Decimal | None) -> None:
    if (latitude is None) != (longitude is None):
        raise ValidationError(
            {"longitude": "Enter both the latitude and the longitude, or neither."}
        )
    if latitude is None or longitude is None:
        return
    if not UK_LATITUDE[0] <= latitude <= UK_LATITUDE[1]:
        raise ValidationError(
            {"latitude": f"{latitude} is outside the UK: latitudes here run from 49.8 to 61."}
        )
    if not UK_LONGITUDE[0] <= longitude <= UK_LONGITUDE[1]:
        raise ValidationError(
            {"longitude": f"{longitude} is outside the UK: longitudes here run from -8.7 to 2."}
        )


def _not_future(day: dt.date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: "The date is in the future. Enter the date it happened."})


def line_name_key(name: str) -> str:
    return " ".join(name.lower().split())


def status_now(line: Line) -> LineStatus | None:
    return line.statuses.order_by("-since", "-pk").first()


def seen_between(line: Line) -> tuple[dt.date | None, dt.date | None]:
    """First and last seen, from the line's sightings."""
    found = line.sightings.aggregate(first=Min("seen_on"), last=Max("seen_on"))
    return found["first"], found["last"]


# ---------------------------------------------------------------- lines


def line_create(
    *,
    user: Any,
    name: str,
    origin: Place,
    destinations: list[Place],
    model: str,
    crosses_force_boundary: bool,
    controlling_group: str = "",
    first_seen_on: dt.date,
    first_seen_in: Place,
    grading: Grading,
) -> Line:
    """A new line, with the sighting it was first known from and its status: active."""
    write_check(user, "record a line")
    grading.check()
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Enter the line's name or brand."})
    if Line.objects.filter(name_key=line_name_key(name), origin=origin).exists():
        raise ValidationError(
            {"name": f"A line called {name!r} from {origin} is already recorded. Open it instead."}
        )
    if not destinations:
        raise ValidationError({"destinations": "Choose at least one town the line runs to."})
    if origin in destinations:
        raise ValidationError({"destinations": "A line cannot run to the town it runs from."})
    _not_future(first_seen_on, "first_seen_on")
    with transaction.atomic():
        line = Line.objects.create(
            name=name,
            name_key=line_name_key(name),
            origin=origin,
            model=model,
            crosses_force_boundary=crosses_force_boundary,
            controlling_group=controlling_group.strip(),
            recorded_by=user,
            **grading.fields(),
        )
        line.destinations.set(destinations)
        Sighting.objects.create(
            line=line,
            town=first_seen_in,
            seen_on=first_seen_on,
            recorded_by=user,
            **grading.fields(),
        )
        LineStatus.objects.create(
            line=line,
            status=LineStatus.Status.ACTIVE,
            since=first_seen_on,
            recorded_by=user,
            **grading.fields(),
        )
        audit_record(user=user, action="lines.line.create", obj=line)
    return line


def status_record(
    *, user: Any, line: Line, status: str, since: dt.date, note: str = "", grading: Grading
) -> LineStatus:
    write_check(user, "change a line's status")
    grading.check()
    _not_future(since, "since")
    first, _ = seen_between(line)
    if first and since < first:
        raise ValidationError(
            {"since": f"The line was first seen on {first:%d %B %Y}; a status cannot start before."}
        )
    now = status_now(line)
    if now and now.status == status:
        raise ValidationError(
            {"status": f"The line is already {now.get_status_display().lower()}."}
        )
    if status == LineStatus.Status.RE_EMERGED and (
        not now or now.status != LineStatus.Status.CLOSED
    ):
        raise ValidationError({"status": "Only a closed line can re-emerge."})
    with transaction.atomic():
        row = LineStatus.objects.create(
            line=line,
            status=status,
            since=since,
            note=note.strip(),
            recorded_by=user,
            **grading.fields(),
        )
        audit_record(user=user, action="lines.status.record", obj=line, detail={"status": status})
    return row


def number_add(
    *,
    user: Any,
    line: Line,
    number: str,
    first_used: dt.date,
    last_used: dt.date | None = None,
    grading: Grading,
) -> DealNumber:
    write_check(user, "record a deal number")
    grading.check()
    normal = deal_number_normal(number)
    _not_future(first_used, "first_used")
    if last_used and last_used < first_used:
        raise ValidationError({"last_used": "The last use cannot be before the first."})
    digest = keyed_hash("deal-number", normal)
    if line.numbers.filter(number_hash=digest).exists():
        raise ValidationError({"number": "This number is already recorded for this line."})
    with transaction.atomic():
        row = DealNumber.objects.create(
            line=line,
            number=normal,
            number_hash=digest,
            first_used=first_used,
            last_used=last_used,
            recorded_by=user,
            **grading.fields(),
        )
        audit_record(user=user, action="lines.number.add", obj=line)
    return row


# ---------------------------------------------------------------- places and sightings


def location_create(
    *,
    user: Any,
    kind: str,
    description: str,
    town: Place,
    postcode_district: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    grading: Grading,
) -> Location:
    write_check(user, "record a place of concern")
    grading.check()
    if not description.strip():
        raise ValidationError({"description": "Enter the address or a description of the place."})
    district = postcode_district.strip().upper()
    if district and not POSTCODE_DISTRICT.match(district):
        raise ValidationError(
            {
                "postcode_district": f"{postcode_district!r} is not a postcode district: enter the "
                "first half of the postcode, for example IP1 or CB23."
            }
        )
    _check_coordinates(latitude, longitude)
    county = town.area.county() or town.area
    with transaction.atomic():
        row = Location.objects.create(
            kind=kind,
            description=description.strip(),
            address_hash=keyed_hash("address", address_key(description, town)),
            town=town,
            area=county,
            postcode_district=district,
            latitude=latitude,
            longitude=longitude,
            recorded_by=user,
            **grading.fields(),
        )
        audit_record(user=user, action="lines.location.create", obj=row)
    return row


def sighting_record(
    *,
    user: Any,
    line: Line,
    seen_on: dt.date,
    town: Place | None = None,
    location: Location | None = None,
    note: str = "",
    grading: Grading,
) -> Sighting:
    """Line seen in a town or at a place. A closed line seen after its closure has re-emerged."""
    write_check(user, "record a sighting")
    grading.check()
    _not_future(seen_on, "seen_on")
    if location is not None:
        town = location.town
    if town is None:
        raise ValidationError({"town": "Choose the town, or the place of concern, it was seen at."})
    now = status_now(line)
    with transaction.atomic():
        row = Sighting.objects.create(
            line=line,
            town=town,
            location=location,
            seen_on=seen_on,
            note=note.strip(),
            recorded_by=user,
            **grading.fields(),
        )
        if now and now.status == LineStatus.Status.CLOSED and seen_on > now.since:
            LineStatus.objects.create(
                line=line,
                status=LineStatus.Status.RE_EMERGED,
                since=seen_on,
                note="Seen again after its closure",
                recorded_by=user,
                **grading.fields(),
            )
        audit_record(user=user, action="lines.sighting.record", obj=line)
    return row


# ---------------------------------------------------------------- disruption


def disruption_record(
    *,
    user: Any,
    kind: str,
    occurred_on: dt.date,
    area: Area,
    lines: list[Line],
    locations: list[Location] | None = None,
    outcome: str = "",
    children_safeguarded: int = 0,
    grading: Grading,
) -> Disruption:
    """Something done against one or more lines; a closure closes each of them."""
    write_check(user, "record a disruption")
    grading.check()
    _not_future(occurred_on, "occurred_on")
    if not lines:
        raise ValidationError({"lines": "Choose the line or lines this was against."})
    if children_safeguarded < 0:
        raise ValidationError({"children_safeguarded": "Enter 0 or more."})
    for line in lines:
        first, _ = seen_between(line)
        if first and occurred_on < first:
            raise ValidationError(
                {
                    "occurred_on": f"{line.name} was first seen on {first:%d %B %Y}. A disruption "
                    "cannot come before the line was known: check the date, or record the earlier "
                    "sighting first."
                }
            )
        now = status_now(line)
        if kind in Disruption.CLOSURES and now and now.status == LineStatus.Status.CLOSED:
            raise ValidationError(
                {
                    "kind": f"{line.name} has been closed since {now.since:%d %B %Y}. Record that it "
                    "re-emerged (a sighting) before closing it again."
                }
            )
    with transaction.atomic():
        row = Disruption.objects.create(
            kind=kind,
            occurred_on=occurred_on,
            area=area.county() or area,
            outcome=outcome.strip(),
            children_safeguarded=children_safeguarded,
            recorded_by=user,
            **grading.fields(),
        )
        row.lines.set(lines)
        row.locations.set(locations or [])
        if kind in Disruption.CLOSURES:
            for line in lines:
                LineStatus.objects.create(
                    line=line,
                    status=LineStatus.Status.CLOSED,
                    since=occurred_on,
                    note=Disruption.Kind(kind).label,
                    recorded_by=user,
                    **grading.fields(),
                )
        audit_record(user=user, action="lines.disruption.record", obj=row, detail={"kind": kind})
    return row


# ---------------------------------------------------------------- children


def child_for_police_identifier(identifier: str) -> int:
    """The record that holds this police identifier (the officer's own reference for the child)."""
    normal = normalise_identifier(identifier)
    found = list(
        ChildIdentifier.objects.filter(
            kind__code_list__key="identifier-kind",
            kind__code="police",
            value_normalised=normal,
            child__merged_into__isnull=True,
        ).values_list("child_id", flat=True)[:2]
    )
    if not normal or not found:
        raise ValidationError(
            {
                "police_identifier": "No child's record holds that police identifier. Check it "
                "against the police system; the child may not have a record in Reachable yet."
            }
        )
    return int(found[0])


def child_link_create(
    *,
    user: Any,
    police_identifier: str,
    role: str,
    line: Line | None = None,
    location: Location | None = None,
    note: str = "",
    grading: Grading,
) -> ChildLink:
    write_check(user, "link a child to a line")
    grading.check()
    if line is None and location is None:
        raise ValidationError({"line": "Choose the line or the place of concern."})
    child_id = child_for_police_identifier(police_identifier)
    with transaction.atomic():
        link = ChildLink.objects.create(
            child_id=child_id,
            line=line,
            location=location,
            role=role,
            note=note.strip(),
            recorded_by=user,
            **grading.fields(),
        )
        audit_record(
            user=user,
            action="lines.child_link.create",
            obj=link,
            child_id=child_id,
            detail={
                "line": line.pk if line else None,
                "location": location.pk if location else None,
            },
        )
    return link
