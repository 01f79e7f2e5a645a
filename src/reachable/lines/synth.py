"""Synthetic county lines for the demo and the benchmarks, calibrated to seed 003's picture.

Most lines run from London boroughs; others from Liverpool, Manchester, Bedford, Glasgow, Bristol,
Swindon, Slough, Luton and Milton Keynes. Ipswich receives lines from London and sends its own
into Cambridge, Essex and West Suffolk; some lines are satellite or franchise models recruiting
local children; towns with direct rail links are reached most; a few lines re-emerge after their
closure. Deal numbers come from Ofcom's range kept for drama (07700 900000 to 900999), so no real
number is ever used; places are described, never real addresses. Deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from reachable.core.models import Area, Code, Place
from reachable.lines.access import keyed_hash
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
from reachable.lines.services import address_key, line_name_key

LONDON = [
    "Lambeth",
    "Southwark",
    "Hackney",
    "Newham",
    "Croydon",
    "Tottenham",
    "Tower Hamlets",
    "Enfield",
    "Walthamstow",
    "Lewisham",
]
ELSEWHERE = [
    "Liverpool",
    "Manchester",
    "Bedford",
    "Glasgow",
    "Bristol",
    "Swindon",
    "Slough",
    "Luton",
    "Milton Keynes",
    "Bury St Edmunds",
]
# Towns of the four counties, weighted: those with direct rail links to London most.
DESTINATIONS = {
    "Norwich": 9,
    "Ipswich": 10,
    "Colchester": 8,
    "Chelmsford": 7,
    "Cambridge": 7,
    "Peterborough": 8,
    "Great Yarmouth": 5,
    "Lowestoft": 5,
    "King's Lynn": 5,
    "Southend-on-Sea": 6,
    "Basildon": 5,
    "Harlow": 4,
    "Clacton-on-Sea": 4,
    "Braintree": 3,
    "Thetford": 3,
    "Wisbech": 3,
    "Ely": 3,
    "March": 2,
    "Huntingdon": 2,
    "St Neots": 2,
    "Stowmarket": 2,
    "Felixstowe": 2,
    "Dereham": 1,
    "Cromer": 1,
    "Sudbury": 1,
}
# Ipswich's own lines (the hub pattern): into Cambridge, Essex and West Suffolk.
FROM_IPSWICH = [
    "Cambridge",
    "Colchester",
    "Chelmsford",
    "Bury St Edmunds",
    "Haverhill",
    "Newmarket",
]
WORDS_A = [
    "Blue",
    "Gold",
    "Silver",
    "Red",
    "Black",
    "Green",
    "White",
    "Ice",
    "Sky",
    "Star",
    "Night",
    "Quick",
    "Lucky",
    "Big",
    "Top",
]
WORDS_B = [
    "Line",
    "Phone",
    "Store",
    "Shop",
    "Express",
    "Drop",
    "Deals",
    "Box",
    "Runner",
    "Link",
    "Connect",
    "Direct",
    "Bank",
    "Club",
    "Circle",
]
PLACE_WORDS = ["Court", "House", "Mews", "Lodge", "Gardens", "Row", "Place", "Yard"]
PLACE_NAMES = [
    "Elm",
    "Mill",
    "Station",
    "Church",
    "Market",
    "Bridge",
    "Park",
    "Quay",
    "Abbey",
    "Orchard",
    "Harbour",
    "Castle",
]


def _grading(rng: random.Random, grades: dict[str, list[Code]]) -> dict[str, Any]:
    return {
        "source": f"IR-{rng.randint(10000, 99999)}",
        "source_grade": rng.choices(grades[SOURCE_GRADES], weights=[5, 4, 1])[0],
        "information_grade": rng.choices(grades[INFORMATION_GRADES], weights=[3, 4, 3, 1, 1])[0],
        "handling": rng.choices(grades[HANDLING_CODES], weights=[4, 1])[0],
    }


def _batched(rows: Iterable[Any], model: Any, size: int = 5000) -> None:
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            model.objects.bulk_create(batch)
            batch = []
    if batch:
        model.objects.bulk_create(batch)


@transaction.atomic
def synth_lines(
    *,
    seed: int,
    user_id: int,
    lines: int = 80,
    places: int = 150,
    disruptions: int = 200,
    child_links: int = 0,
    today: dt.date | None = None,
) -> dict[str, int]:
    """Lines with destinations, statuses, numbers, sightings, places and disruption."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    towns = {p.name: p for p in Place.objects.filter(kind=Place.Kind.TOWN)}
    counties = list(Area.objects.filter(kind=Area.Kind.COUNTY, partnership__isnull=False))
    county_of = {}
    for town in towns.values():
        county_of[town.pk] = town.area.county() or town.area
    grades = {
        key: list(Code.objects.filter(code_list__key=key).order_by("order", "code"))
        for key in (SOURCE_GRADES, INFORMATION_GRADES, HANDLING_CODES)
    }
    dest_names = [n for n in DESTINATIONS if n in towns]
    dest_weights = [DESTINATIONS[n] for n in dest_names]

    made: list[tuple[Line, list[Place], dt.date]] = []
    names_used: set[tuple[str, int]] = set()
    for _ in range(lines):
        roll = rng.random()
        if roll < 0.6:
            origin, model = towns[rng.choice(LONDON)], Line.Model.TRADITIONAL
        elif roll < 0.8:
            origin = towns[rng.choice(ELSEWHERE)]
            model = rng.choice([Line.Model.TRADITIONAL, Line.Model.SATELLITE])
        else:
            origin = towns["Ipswich"]
            model = rng.choice([Line.Model.LOCAL, Line.Model.SATELLITE])
        if origin.name == "Ipswich":
            dests = [towns[n] for n in rng.sample(FROM_IPSWICH, rng.randint(1, 2))]
        else:
            picked = rng.choices(dest_names, weights=dest_weights, k=rng.randint(1, 3))
            dests = [towns[n] for n in dict.fromkeys(picked) if towns[n] != origin]
            if origin.area.county() is None and rng.random() < 0.25:
                dests.append(towns["Ipswich"])  # London into Ipswich: the hub's supply
            dests = list(dict.fromkeys(dests)) or [towns["Norwich"]]
        name = f"{rng.choice(WORDS_A)} {rng.choice(WORDS_B)}"
        while (line_name_key(name), origin.pk) in names_used:
            name = f"{name} {rng.randint(2, 99)}"
        names_used.add((line_name_key(name), origin.pk))
        crosses = any(county_of[d.pk] != county_of[origin.pk] for d in dests)
        first = today - dt.timedelta(days=rng.randint(30, 730))
        made.append(
            (
                Line(
                    name=name,
                    name_key=line_name_key(name),
                    origin=origin,
                    model=model,
                    crosses_force_boundary=crosses,
                    controlling_group=rng.choice(["", "", f"Group {rng.choice(WORDS_A)}"]),
                    recorded_by_id=user_id,
                    **_grading(rng, grades),
                ),
                dests,
                first,
            )
        )
    Line.objects.bulk_create([m[0] for m in made], batch_size=2000)
    through = Line.destinations.through
    _batched(
        (through(line_id=line.pk, place_id=d.pk) for line, dests, _ in made for d in dests), through
    )

    all_places: list[Location] = []
    for _ in range(places):
        town = towns[rng.choices(dest_names, weights=dest_weights)[0]]
        kind = rng.choices(Location.Kind.values, weights=[5, 2, 2, 3, 2, 1, 1])[0]
        description = f"{rng.randint(1, 40)} {rng.choice(PLACE_NAMES)} {rng.choice(PLACE_WORDS)}"
        all_places.append(
            Location(
                kind=kind,
                description=description,
                address_hash=keyed_hash("address", address_key(description, town)),
                town=town,
                area=county_of[town.pk],
                recorded_by_id=user_id,
                **_grading(rng, grades),
            )
        )
    Location.objects.bulk_create(all_places, batch_size=2000)
    places_in: dict[int, list[Location]] = {}
    for place in all_places:
        places_in.setdefault(place.town_id, []).append(place)

    sightings, statuses, numbers, events = [], [], [], []
    closed: list[tuple[Line, dt.date]] = []
    for line, dests, first in made:
        statuses.append(
            LineStatus(
                line=line,
                status="active",
                since=first,
                recorded_by_id=user_id,
                **_grading(rng, grades),
            )
        )
        day = first
        while day <= today:
            town = rng.choice(dests)
            here: list[Location | None] = [*places_in.get(town.pk, [])] or [None]
            sightings.append(
                Sighting(
                    line=line,
                    town=town,
                    location=rng.choice(here),
                    seen_on=day,
                    recorded_by_id=user_id,
                    **_grading(rng, grades),
                )
            )
            day += dt.timedelta(days=rng.randint(10, 60))
        for n in range(rng.randint(1, 3)):
            number = f"07700900{rng.randint(0, 999):03d}"
            numbers.append(
                DealNumber(
                    line=line,
                    number=number,
                    number_hash=keyed_hash("deal-number", number),
                    first_used=first + dt.timedelta(days=n * 40),
                    recorded_by_id=user_id,
                    **_grading(rng, grades),
                )
            )
        if rng.random() < 0.3 and (today - first).days > 90:
            closed.append((line, first + dt.timedelta(days=rng.randint(60, (today - first).days))))
    # Two numbers on one line held twice by chance would break the per-line uniqueness: keep one.
    seen_numbers: set[tuple[int, str]] = set()
    numbers = [
        n
        for n in numbers
        if (n.line.pk, n.number_hash) not in seen_numbers
        and not seen_numbers.add((n.line.pk, n.number_hash))  # type: ignore[func-returns-value]
    ]
    stays_closed: dict[int, dt.date] = {}
    for line, on in closed:
        kind = rng.choice([Disruption.Kind.CLOSURE_TYPE_1, Disruption.Kind.CLOSURE_TYPE_2])
        statuses.append(
            LineStatus(
                line=line,
                status="closed",
                since=on,
                note=kind.label,
                recorded_by_id=user_id,
                **_grading(rng, grades),
            )
        )
        events.append(
            (
                Disruption(
                    kind=kind,
                    occurred_on=on,
                    area=rng.choice(counties),
                    children_safeguarded=rng.choice([0, 0, 1, 2]),
                    recorded_by_id=user_id,
                    **_grading(rng, grades),
                ),
                line,
            )
        )
        if rng.random() < 0.2 and on < today - dt.timedelta(days=30):
            back = on + dt.timedelta(days=rng.randint(14, (today - on).days))
            statuses.append(
                LineStatus(
                    line=line,
                    status="re_emerged",
                    since=back,
                    note="Seen again after its closure",
                    recorded_by_id=user_id,
                    **_grading(rng, grades),
                )
            )
        else:
            stays_closed[line.pk] = on
    # A line that stays closed is not seen after its closure.
    sightings = [s for s in sightings if s.seen_on <= stays_closed.get(s.line.pk, s.seen_on)]
    for _ in range(max(0, disruptions - len(events))):
        line, dests, first = rng.choice(made)
        kind = rng.choices(
            [
                Disruption.Kind.ARREST,
                Disruption.Kind.WARRANT,
                Disruption.Kind.SEIZURE,
                Disruption.Kind.SAFEGUARDING_REFERRAL,
                Disruption.Kind.NRM_REFERRAL,
            ],
            weights=[4, 2, 3, 3, 1],
        )[0]
        on = first + dt.timedelta(days=rng.randint(0, max(0, (today - first).days)))
        events.append(
            (
                Disruption(
                    kind=kind,
                    occurred_on=on,
                    area=county_of[dests[0].pk],
                    children_safeguarded=rng.choice([0, 0, 1, 1, 2, 3]),
                    recorded_by_id=user_id,
                    **_grading(rng, grades),
                ),
                line,
            )
        )
    _batched(sightings, Sighting)
    _batched(statuses, LineStatus)
    _batched(numbers, DealNumber)
    Disruption.objects.bulk_create([e for e, _ in events], batch_size=2000)
    event_lines = Disruption.lines.through
    _batched((event_lines(disruption_id=e.pk, line_id=line.pk) for e, line in events), event_lines)
    _link_children(rng, grades, made, user_id, child_links)
    return {
        "lines": len(made),
        "places": len(all_places),
        "sightings": len(sightings),
        "disruptions": len(events),
    }


def _link_children(
    rng: random.Random, grades: dict[str, list[Code]], made: list[Any], user_id: int, count: int
) -> None:
    """Children with a police identifier (the officer's reference) linked to lines."""
    from reachable.children.models import ChildIdentifier

    held = list(
        ChildIdentifier.objects.filter(kind__code_list__key="identifier-kind", kind__code="police")
        .order_by("child_id")
        .values_list("child_id", flat=True)[: count * 5]
    )
    if not held or not made:
        return
    roles = [ChildLink.Role.DEALING, ChildLink.Role.HOLDING, ChildLink.Role.RECRUITED]
    ChildLink.objects.bulk_create(
        ChildLink(
            child_id=child_id,
            line=rng.choice(made)[0],
            role=rng.choice(roles),
            recorded_by_id=user_id,
            **_grading(rng, grades),
        )
        for child_id in rng.sample(held, min(count, len(held)))
    )
