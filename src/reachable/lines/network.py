"""The network picture: where lines run from and to, which towns are hubs, how it changed.

Everything here is aggregate (towns, counties, counts of lines) and is what the partnership sees;
no line names, numbers, addresses or children. Flows are counted in SQL; the graph measures come
from networkx on the town graph, which has at most a few hundred nodes however many lines there are.

A line counts in a period when it was seen in it (a sighting between the period's first and last
day); its status is its status on the period's last day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx
from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery, Sum

from reachable.core.models import Area, Place
from reachable.lib.suppression import SUPPRESSED, Grid, published
from reachable.lines.models import ChildLink, Disruption, Line, LineStatus, Sighting


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    label: str

    def before(self) -> Period:
        """The period of the same length just before this one."""
        length = self.end - self.start
        end = self.start - dt.timedelta(days=1)
        start = end - length
        return Period(start, end, f"{start:%d %b %Y} to {end:%d %b %Y}")


def period_of(text: str | None, *, today: dt.date) -> Period:
    """'2026' (a year), '2026-Q3' (a quarter), or the last twelve months. Raises ValueError."""
    text = (text or "").strip().upper()
    if not text:
        start = today.replace(day=1) - dt.timedelta(days=1)
        start = dt.date(start.year - 1, start.month, 1) + dt.timedelta(days=32)
        start = start.replace(day=1)
        return Period(start, today, "the last 12 months")
    year_text, _, quarter_text = text.partition("-Q")
    if not year_text.isdigit() or not 2000 <= int(year_text) <= today.year:
        raise ValueError(f"Enter a year from 2000 to {today.year}, like 2026 or 2026-Q3.")
    year = int(year_text)
    if not quarter_text:
        return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), str(year))
    if quarter_text not in {"1", "2", "3", "4"}:
        raise ValueError("A quarter is Q1 to Q4, like 2026-Q3.")
    q = int(quarter_text)
    start = dt.date(year, 3 * q - 2, 1)
    end = (dt.date(year + (q == 4), (3 * q) % 12 + 1, 1)) - dt.timedelta(days=1)
    return Period(start, end, f"{year} Q{q}")


@dataclass(frozen=True)
class Filters:
    period: Period
    status: str = ""
    model: str = ""
    scope: str = ""  # "crosses" / "within" a force boundary, or "" for both


def lines_counted(filters: Filters) -> QuerySet[Line]:
    """The lines seen in the period, with the filters applied."""
    p = filters.period
    seen = Sighting.objects.filter(line=OuterRef("pk"), seen_on__range=(p.start, p.end))
    lines = Line.objects.filter(Exists(seen))
    if filters.status:
        status_then = (
            LineStatus.objects.filter(line=OuterRef("pk"), since__lte=p.end)
            .order_by("-since", "-pk")
            .values("status")[:1]
        )
        lines = lines.annotate(status_then=Subquery(status_then)).filter(status_then=filters.status)
    if filters.model:
        lines = lines.filter(model=filters.model)
    if filters.scope:
        lines = lines.filter(crosses_force_boundary=filters.scope == "crosses")
    return lines


def _flow_counts(filters: Filters) -> dict[tuple[int, int], int]:
    through = Line.destinations.through
    rows = (
        through.objects.filter(line__in=lines_counted(filters))
        .values_list("line__origin_id", "place_id")
        .annotate(lines=Count("line_id"))
    )
    return {(origin, dest): n for origin, dest, n in rows}


def county_names() -> dict[int, str]:
    """Each area's county, or for areas outside the partnership its region (London, Scotland)."""
    areas = {a.pk: a for a in Area.objects.all()}
    names: dict[int, str] = {}
    for pk, area in areas.items():
        top = area
        while top.kind != Area.Kind.COUNTY and top.parent_id is not None:
            top = areas[top.parent_id]
        names[pk] = top.name
    return names


@dataclass
class Town:
    name: str
    county: str
    lat: float
    lon: float
    receives: int = 0
    sends: int = 0
    betweenness: float = 0.0

    @property
    def hub(self) -> bool:
        """The Ipswich pattern: the town receives lines and sends its own."""
        return self.receives > 0 and self.sends > 0


@dataclass
class Flow:
    origin: str
    destination: str
    lines: int
    before: int = 0

    @property
    def change(self) -> int:
        return self.lines - self.before


@dataclass
class Network:
    filters: Filters
    towns: list[Town] = field(default_factory=list)
    flows: list[Flow] = field(default_factory=list)
    county_flows: list[Flow] = field(default_factory=list)
    lines: int = 0

    @property
    def hubs(self) -> list[Town]:
        return sorted((t for t in self.towns if t.hub), key=lambda t: -t.betweenness)

    def map_data(self) -> dict[str, list[dict[str, object]]]:
        """What the map and graph draw: the same figures as the tables beside them."""
        return {
            "towns": [
                {
                    "name": t.name,
                    "lat": t.lat,
                    "lon": t.lon,
                    "in": t.receives,
                    "out": t.sends,
                    "hub": t.hub,
                }
                for t in self.towns
            ],
            "flows": [
                {"from": f.origin, "to": f.destination, "lines": f.lines} for f in self.flows
            ],
        }


def network(filters: Filters) -> Network:
    now = _flow_counts(filters)
    before_filters = Filters(filters.period.before(), filters.status, filters.model, filters.scope)
    before = _flow_counts(before_filters)
    place_ids = {pk for pair in (*now, *before) for pk in pair}
    places = {p.pk: p for p in Place.objects.filter(pk__in=place_ids)}
    counties = county_names()
    result = Network(filters, lines=lines_counted(filters).count())

    graph = nx.DiGraph()
    for (origin, dest), n in now.items():
        graph.add_edge(origin, dest, weight=n)
    betweenness = nx.betweenness_centrality(graph) if graph.number_of_nodes() > 2 else {}
    towns: dict[int, Town] = {}
    for pk in graph.nodes:
        place = places[pk]
        towns[pk] = Town(
            name=place.name,
            county=counties[place.area_id],
            lat=float(place.latitude or 0),
            lon=float(place.longitude or 0),
            receives=int(graph.in_degree(pk, weight="weight")),
            sends=int(graph.out_degree(pk, weight="weight")),
            betweenness=round(betweenness.get(pk, 0.0), 4),
        )
    result.towns = sorted(towns.values(), key=lambda t: (-(t.receives + t.sends), t.name))
    by_county: dict[tuple[str, str], Flow] = {}
    for origin, dest in sorted(set(now) | set(before)):
        o, d = places[origin], places[dest]
        flow = Flow(o.name, d.name, now.get((origin, dest), 0), before.get((origin, dest), 0))
        if flow.lines:
            result.flows.append(flow)
        key = (counties[o.area_id], counties[d.area_id])
        total = by_county.setdefault(key, Flow(*key, 0, 0))
        total.lines += flow.lines
        total.before += flow.before
    result.flows.sort(key=lambda f: (-f.lines, f.origin, f.destination))
    result.county_flows = sorted(
        (f for f in by_county.values() if f.lines or f.before),
        key=lambda f: (-f.lines, f.origin, f.destination),
    )
    return result


@dataclass
class CountyFigures:
    county: str
    active: int
    opened: int
    closed_type_1: int
    closed_type_2: int
    children_safeguarded: int | str
    children_linked: int | str


def county_figures(period: Period, *, exact_children: bool) -> list[CountyFigures]:
    """Per county of the partnership, for the period: lines active (seen there), opened (first
    seen there), closed by type, and children safeguarded and linked (suppressed unless exact)."""
    counties = county_names()
    county_areas: dict[str, list[int]] = defaultdict(list)
    for pk, name in counties.items():
        county_areas[name].append(pk)
    in_partnership = list(
        Area.objects.filter(kind=Area.Kind.COUNTY, partnership__isnull=False).values_list(
            "name", flat=True
        )
    )
    span = (period.start, period.end)
    rows = []
    for name in in_partnership:
        areas = county_areas[name]
        seen = Sighting.objects.filter(town__area_id__in=areas)
        first_seen = Sighting.objects.filter(
            line=OuterRef("line_id"), seen_on__lt=OuterRef("seen_on")
        )
        disruptions = Disruption.objects.filter(area_id__in=areas, occurred_on__range=span)
        closures = dict(
            disruptions.filter(kind__in=Disruption.CLOSURES)
            .values_list("kind")
            .annotate(n=Count("pk"))
        )
        active_ids = seen.filter(seen_on__range=span).values("line_id")
        rows.append(
            (
                name,
                active_ids.distinct().count(),
                seen.filter(seen_on__range=span)
                .exclude(Exists(first_seen))
                .values("line_id")
                .distinct()
                .count(),
                closures.get(Disruption.Kind.CLOSURE_TYPE_1, 0),
                closures.get(Disruption.Kind.CLOSURE_TYPE_2, 0),
                disruptions.aggregate(n=Sum("children_safeguarded"))["n"] or 0,
                ChildLink.objects.filter(line_id__in=active_ids)
                .values("child_id")
                .distinct()
                .count(),
            )
        )
    children = [[r[5], r[6]] for r in rows]
    if not exact_children and children:
        shown = published(Grid.of(children, row_totals=False, col_totals=False))
    else:
        shown = [list(c) for c in children]
    return [
        CountyFigures(r[0], r[1], r[2], r[3], r[4], shown[i][0], shown[i][1])
        for i, r in enumerate(rows)
    ]


__all__ = [
    "SUPPRESSED",
    "CountyFigures",
    "Filters",
    "Network",
    "Period",
    "county_figures",
    "network",
]
