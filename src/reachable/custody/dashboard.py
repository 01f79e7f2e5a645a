"""Pilot evaluation figures (seed 002): targets, reach, time to first intervention, demand.

Everything is computed in the database; the percentiles use PostgreSQL's percentile_cont and fall
back to Python only on SQLite (the demo), where the data is small.
"""

from __future__ import annotations

import datetime as dt
import statistics
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Avg, Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from reachable.core.models import OperatingHours, Place
from reachable.custody.models import CommunityOffer, Detention, Feedback, PilotTarget
from reachable.lib.charts import Chart, bar_chart, line_chart

DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@dataclass
class Figures:
    year: int
    target: PilotTarget
    detentions: int = 0
    approached: int = 0
    engaged_detentions: int = 0
    children_engaged: int = 0
    children_offered: int = 0
    out_of_county: int = 0
    children_detained: int = 0
    children_detained_again: int = 0
    median_hours: float | None = None
    p90_hours: float | None = None
    trend: list[tuple[dt.date, float | None, int]] = field(default_factory=list)
    heatmap: list[list[int]] = field(default_factory=list)  # [weekday][hour]
    in_hours: set[tuple[int, int]] = field(default_factory=set)
    outside_hours_share: float | None = None
    by_suite: list[tuple[str, int]] = field(default_factory=list)
    feedback: list[dict[str, Any]] = field(default_factory=list)

    @staticmethod
    def share(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def approached_share(self) -> float | None:
        return self.share(self.approached, self.detentions)

    @property
    def engagement_rate(self) -> float | None:
        return self.share(self.engaged_detentions, self.approached)

    @property
    def out_of_county_share(self) -> float | None:
        return self.share(self.out_of_county, self.detentions)

    @property
    def repeat_share(self) -> float | None:
        return self.share(self.children_detained_again, self.children_detained)

    @property
    def heat_max(self) -> int:
        return max((max(row) for row in self.heatmap), default=0)


def _year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return dt.datetime(year, 1, 1, tzinfo=tz), dt.datetime(year + 1, 1, 1, tzinfo=tz)


def hours_to_first_intervention(
    start: dt.datetime, end: dt.datetime
) -> tuple[float | None, float | None, list[tuple[dt.date, float | None, int]]]:
    if connection.vendor == "postgresql":
        sql = """
            WITH firsts AS (
                SELECT arrested_at, EXTRACT(EPOCH FROM (first_intervention_at - arrested_at)) / 3600.0 AS hours
                FROM custody_detention
                WHERE arrested_at >= %s AND arrested_at < %s AND was_engaged
            )
            SELECT NULL, percentile_cont(0.5) WITHIN GROUP (ORDER BY hours),
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY hours), COUNT(*) FROM firsts
            UNION ALL
            SELECT date_trunc('month', arrested_at AT TIME ZONE %s)::date,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY hours), NULL, COUNT(*)
            FROM firsts GROUP BY 1 ORDER BY 1 NULLS FIRST
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [start, end, settings.TIME_ZONE])
            rows = cursor.fetchall()
        overall = rows[0]
        trend = [(r[0], float(r[1]) if r[1] is not None else None, int(r[3])) for r in rows[1:]]
        return (
            float(overall[1]) if overall[1] is not None else None,
            float(overall[2]) if overall[2] is not None else None,
            trend,
        )
    firsts = (
        Detention.objects.filter(arrested_at__gte=start, arrested_at__lt=end, was_engaged=True)
        .annotate(month=TruncMonth("arrested_at"))
        .values_list("month", "arrested_at", "first_intervention_at")
    )
    hours_by_month: dict[dt.date, list[float]] = {}
    all_hours: list[float] = []
    for month, arrested, first in firsts:
        if first is None:
            continue
        hours = (first - arrested).total_seconds() / 3600
        all_hours.append(hours)
        key = month.date() if isinstance(month, dt.datetime) else month
        hours_by_month.setdefault(key, []).append(hours)
    if not all_hours:
        return None, None, []
    all_hours.sort()
    p90 = all_hours[min(len(all_hours) - 1, round(0.9 * (len(all_hours) - 1)))]
    trend = [(m, statistics.median(v), len(v)) for m, v in sorted(hours_by_month.items())]
    return statistics.median(all_hours), p90, trend


FIRST_YEAR = 2000


def year_problem(text: str | None, *, today: dt.date) -> tuple[int, str]:
    """The year asked for, or this year and what was wrong with the request (empty if nothing).

    A year outside the service's life is refused rather than quietly replaced by the nearest one:
    "Pilot dashboard 2000" for ?year=1900 reads as a real, empty year.
    """
    if text is None or not text.strip():
        return today.year, ""
    stripped = text.strip()
    if not stripped.isdigit() or len(stripped) != 4:
        return today.year, f"Enter the year as four digits, for example {today.year}."
    year = int(stripped)
    if not FIRST_YEAR <= year <= today.year:
        return today.year, f"Enter a year from {FIRST_YEAR} to {today.year}."
    return year, ""


def _months_of(year: int, today: dt.date) -> list[dt.date]:
    last = today.month if year == today.year else 12
    return [dt.date(year, month, 1) for month in range(1, last + 1)]


def _every_month(
    year: int, today: dt.date, trend: list[tuple[dt.date, float | None, int]]
) -> list[tuple[dt.date, float | None, int]]:
    """A month with no engaged detention is a row with 0, not a missing row."""
    by_month = {month: (hours, n) for month, hours, n in trend}
    return [(m, *by_month.get(m, (None, 0))) for m in _months_of(year, today)]


def pilot_figures(*, year: int, today: dt.date | None = None) -> Figures:
    """All figures for a year: three queries over the detentions table (no joins), and small lookups."""
    start, end = _year_bounds(year)
    target, _ = PilotTarget.objects.get_or_create(year=year)
    figures = Figures(year=year, target=target)
    in_year = Detention.objects.filter(arrested_at__gte=start, arrested_at__lt=end)
    # One pass: per child, then over children (a GROUP BY child feeds every count below).
    per_child = in_year.values("child").annotate(
        n=Count("pk"),
        a=Count("pk", filter=Q(was_approached=True)),
        e=Count("pk", filter=Q(was_engaged=True)),
        o=Count("pk", filter=Q(out_of_county=True)),
    )
    totals = per_child.aggregate(
        detentions=Sum("n", default=0),
        approached=Sum("a", default=0),
        engaged=Sum("e", default=0),
        out_of_county=Sum("o", default=0),
        children=Count("child"),
        again=Count("child", filter=Q(n__gte=2)),
        children_engaged=Count("child", filter=Q(e__gt=0)),
    )
    figures.detentions = totals["detentions"]
    figures.approached = totals["approached"]
    figures.engaged_detentions = totals["engaged"]
    figures.out_of_county = totals["out_of_county"]
    figures.children_detained = totals["children"]
    figures.children_engaged = totals["children_engaged"]
    figures.children_detained_again = totals["again"]
    figures.children_offered = (
        CommunityOffer.objects.filter(offered_at__gte=start, offered_at__lt=end)
        .values("detention__child")
        .distinct()
        .count()
    )
    figures.median_hours, figures.p90_hours, trend = hours_to_first_intervention(start, end)
    figures.trend = _every_month(year, today or timezone.localdate(), trend)

    served = set(OperatingHours.objects.values_list("place_id", flat=True))
    for hours in OperatingHours.objects.all():
        for hour in range(24):
            if hours.opens.hour <= hour < hours.closes.hour or (
                hour == hours.closes.hour and hours.closes.minute
            ):
                figures.in_hours.add((hours.weekday, hour))
    grid = [[0] * 24 for _ in range(7)]
    per_suite: dict[int, int] = {}
    served_total = served_outside = 0
    cells = in_year.values_list("suite", "arrival_weekday", "arrival_hour").annotate(n=Count("pk"))
    for suite, day, hour, n in cells:
        grid[day][hour] += n
        per_suite[suite] = per_suite.get(suite, 0) + n
        if suite in served:
            served_total += n
            served_outside += n if (day, hour) not in figures.in_hours else 0
    figures.heatmap = grid
    figures.outside_hours_share = Figures.share(served_outside, served_total) if served else None
    names = dict(Place.objects.filter(pk__in=per_suite).values_list("pk", "name"))
    figures.by_suite = sorted(
        ((names[k], v) for k, v in per_suite.items()), key=lambda r: (-r[1], r[0])
    )
    figures.feedback = list(
        Feedback.objects.filter(given_on__year=year)
        .values("source")
        .annotate(count=Count("pk"), average=Avg("rating"))
        .order_by("source")
    )
    return figures


def figure_rows(figures: Figures, which: str) -> tuple[list[str], list[list[Any]]]:
    """A figure as a header and rows, for CSV and XLSX export."""
    if which == "heatmap":
        return ["weekday", *[f"{h:02d}:00" for h in range(24)]], [
            [DAYS[d], *figures.heatmap[d]] for d in range(7)
        ]
    if which == "suites":
        return ["suite", "detentions"], [list(r) for r in figures.by_suite]
    if which == "trend":
        return ["month", "median hours to first intervention", "detentions with an intervention"], [
            [m.isoformat(), round(h, 1) if h is not None else "", n] for m, h, n in figures.trend
        ]
    if which == "feedback":
        return ["source", "responses", "average rating"], [
            [f["source"], f["count"], round(f["average"], 2)] for f in figures.feedback
        ]
    rows = [
        ["children engaged", figures.children_engaged, figures.target.children_engaged],
        [
            "children offered community support",
            figures.children_offered,
            figures.target.offered_community_support,
        ],
        ["detentions", figures.detentions, ""],
        ["detentions where the child was approached", figures.approached, ""],
        ["detentions where the child engaged", figures.engaged_detentions, ""],
        ["out-of-county detentions", figures.out_of_county, ""],
        ["children detained more than once", figures.children_detained_again, ""],
        [
            "median hours from arrest to first intervention",
            _round(figures.median_hours),
            figures.target.baseline_hours_to_intervention,
        ],
        ["90th percentile hours from arrest to first intervention", _round(figures.p90_hours), ""],
    ]
    return ["measure", f"value {figures.year}", "target or baseline"], rows


def _round(value: float | None) -> Any:
    return round(value, 1) if value is not None else ""


__all__ = ["DAYS", "FIRST_YEAR", "Figures", "figure_rows", "pilot_figures", "year_problem"]


def pilot_charts(figures: Figures) -> dict[str, Chart]:
    """The dashboard's trend and suites as charts (the tables beside them hold the same figures)."""
    baseline = figures.target.baseline_hours_to_intervention
    return {
        "trend": line_chart(
            "Median hours from arrest to first intervention, by month",
            [month.strftime("%b %Y") for month, _, _ in figures.trend],
            {"Median hours": [hours for _, hours, _ in figures.trend]},
            y_label="hours",
            reference=("Before the pilot", float(baseline)) if baseline is not None else None,
        ),
        "suites": bar_chart(
            "Detentions of children by custody suite",
            [name for name, _ in figures.by_suite],
            {"Detentions": [n for _, n in figures.by_suite]},
            y_label="detentions",
        ),
    }
