"""Building county lines intelligence in tests, through the same services as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from reachable.accounts.models import User
from reachable.core.models import Area, Code, Place
from reachable.lines import services
from reachable.lines.models import Line, Location
from reachable.testing import person


def officer(username: str = "intel-officer") -> User:
    existing = User.objects.filter(username=username).first()
    return existing or person("intelligence_officer", "essex-police", username=username)


def grading(source: str = "IR-10001", grade: str = "2B P") -> services.Grading:
    codes = grade.replace(" ", "")
    return services.grading_from_codes(source, codes[0], codes[1], codes[2])


def town(name: str) -> Place:
    return Place.objects.get(kind=Place.Kind.TOWN, name=name)


def county(name: str) -> Area:
    return Area.objects.get(kind=Area.Kind.COUNTY, name=name)


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def a_line(
    name: str = "Blue Line",
    origin: str = "Lambeth",
    to: tuple[str, ...] = ("Ipswich",),
    *,
    first_seen: int = 100,
    model: str = Line.Model.TRADITIONAL,
    by: User | None = None,
    **extra: Any,
) -> Line:
    return services.line_create(
        user=by or officer(),
        name=name,
        origin=town(origin),
        destinations=[town(t) for t in to],
        model=model,
        crosses_force_boundary=extra.pop("crosses", True),
        first_seen_on=days_ago(first_seen),
        first_seen_in=town(to[0]),
        grading=grading(),
        **extra,
    )


def a_location(
    description: str = "Flat 2, Mill Court", in_town: str = "Ipswich", by: User | None = None
) -> Location:
    return services.location_create(
        user=by or officer(),
        kind=Location.Kind.CUCKOOED_HOME,
        description=description,
        town=town(in_town),
        postcode_district="IP1",
        grading=grading(),
    )


def grade_code(list_key: str, code: str) -> Code:
    return Code.objects.get(code_list__key=list_key, code=code)
