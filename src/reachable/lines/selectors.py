"""Reading the intelligence picture (intelligence roles only: callers check ``lines.access``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from reachable.lines.access import child_pseudonym
from reachable.lines.models import ChildLink, DealNumber, Disruption, Line, LineStatus, Location


def lines_annotated() -> QuerySet[Line]:
    """Lines with their status now and first and last seen (from sightings)."""
    status_now = LineStatus.objects.filter(line=OuterRef("pk")).order_by("-since", "-pk")
    return (
        Line.objects.select_related("origin")
        .annotate(
            status_now=Subquery(status_now.values("status")[:1]),
            first_seen=Min("sightings__seen_on"),
            last_seen=Max("sightings__seen_on"),
        )
        .order_by("name", "pk")
    )


def lines_search(*, q: str = "", status: str = "", model: str = "") -> QuerySet[Line]:
    lines = lines_annotated()
    if q:
        lines = lines.filter(
            Q(name__icontains=q) | Q(origin__name__icontains=q) | Q(controlling_group__icontains=q)
        )
    if status:
        lines = lines.filter(status_now=status)  # type: ignore[misc]  # an annotation the stubs cannot see
    if model:
        lines = lines.filter(model=model)
    return lines


def line_get(pk: int) -> Line:
    return get_object_or_404(lines_annotated(), pk=pk)


@dataclass(frozen=True)
class TimelineEntry:
    on: dt.date
    what: str
    detail: str
    grading: str
    source: str


def line_timeline(line: Line) -> list[TimelineEntry]:
    """Everything known about the line, in date order: statuses, sightings, numbers, disruption."""
    entries = [
        TimelineEntry(s.since, f"Status: {s.get_status_display()}", s.note, s.grading, s.source)
        for s in line.statuses.select_related(*_GRADES)
    ]
    entries += [
        TimelineEntry(
            s.seen_on,
            "Seen",
            f"{s.location or s.town}{': ' + s.note if s.note else ''}",
            s.grading,
            s.source,
        )
        for s in line.sightings.select_related("town", "location__town", *_GRADES)
    ]
    entries += [
        TimelineEntry(n.first_used, "Deal number first used", n.number, n.grading, n.source)
        for n in line.numbers.select_related(*_GRADES)
    ]
    entries += [
        TimelineEntry(
            d.occurred_on,
            d.get_kind_display(),
            "; ".join(
                x
                for x in [
                    d.outcome,
                    f"{d.children_safeguarded} child(ren) safeguarded"
                    if d.children_safeguarded
                    else "",
                ]
                if x
            ),
            d.grading,
            d.source,
        )
        for d in line.disruptions.select_related(*_GRADES)
    ]
    return sorted(entries, key=lambda e: e.on)


_GRADES = ("source_grade", "information_grade", "handling")


def number_matches(line: Line) -> list[tuple[DealNumber, int]]:
    """Each of the line's numbers, with how many other lines hold the same number (on hashes)."""
    numbers = list(line.numbers.all())
    counts = dict(
        DealNumber.objects.filter(number_hash__in=[n.number_hash for n in numbers])
        .exclude(line=line)
        .values_list("number_hash")
        .annotate(n=Count("line_id", distinct=True))
    )
    return [(n, counts.get(n.number_hash, 0)) for n in numbers]


def location_matches(location: Location) -> int:
    """Other places of concern recorded at the same address (on hashes)."""
    return (
        Location.objects.filter(address_hash=location.address_hash).exclude(pk=location.pk).count()
    )


def locations_list(*, q: str = "", kind: str = "") -> QuerySet[Location]:
    places = Location.objects.select_related("town", "area").annotate(
        sightings_count=Count("sightings", distinct=True),
        last_seen=Max("sightings__seen_on"),
        same_address=Subquery(
            Location.objects.filter(address_hash=OuterRef("address_hash"))
            .exclude(pk=OuterRef("pk"))
            .values("address_hash")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        ),
    )
    if q:
        places = places.filter(
            Q(description__icontains=q)
            | Q(town__name__icontains=q)
            | Q(postcode_district=q.upper())
        )
    if kind:
        places = places.filter(kind=kind)
    return places.order_by("town__name", "kind", "pk")


def location_get(pk: int) -> Location:
    return get_object_or_404(Location.objects.select_related("town", "area"), pk=pk)


def disruptions_list(*, kind: str = "") -> QuerySet[Disruption]:
    found = Disruption.objects.select_related("area").prefetch_related("lines")
    if kind:
        found = found.filter(kind=kind)
    return found.order_by("-occurred_on", "-pk")


@dataclass(frozen=True)
class LinkShown:
    pseudonym: str
    role: str
    line: Any
    location: Any
    note: str
    grading: str
    source: str
    child_id: int


def child_links(**where: Any) -> list[LinkShown]:
    """Children's links to a line or place, each child as a pseudonym (never a name)."""
    links = ChildLink.objects.filter(**where).select_related("line", "location__town", *_GRADES)
    return [
        LinkShown(
            child_pseudonym(link.child_id),
            link.get_role_display(),
            link.line,
            link.location,
            link.note,
            link.grading,
            link.source,
            link.child_id,
        )
        for link in links.order_by("pk")
    ]
