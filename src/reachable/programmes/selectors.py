"""Reads for the programme board: a programme's pages, and the partnership picture.

The partnership picture follows children through what Reachable knows, by county, for one
quarter: identified (the regional baseline's children at risk for the return period holding the
quarter's end) -> reached (seen in custody, referred) -> protected (casework opened, NRM
referral) -> exited safely, beside lines disrupted. Every figure is a live measure
(``programmes.measures``), the same number its source page shows. Counts of children are
suppressed as one table with its totals (``lib.suppression``) for everyone but analysts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.shortcuts import get_object_or_404

from reachable.accounts.permissions import can
from reachable.core.models import Area
from reachable.lib.suppression import Grid, published
from reachable.lines.models import Disruption
from reachable.programmes.access import exact_child_counts, programmes_visible
from reachable.programmes.measures import MEASURES
from reachable.programmes.models import Programme
from reachable.programmes.periods import Quarter
from reachable.returns.models import ReturnPeriod, Submission

# (measure key, column heading, stage) in the order a child moves through them.
PICTURE_COLUMNS = [
    ("custody.children_seen", "Seen in custody", "Reached"),
    ("casework.referrals", "Referred to a MACE team", "Reached"),
    ("casework.opened", "Casework opened", "Protected"),
    ("casework.nrm_referrals", "NRM referrals", "Protected"),
    ("casework.safe_exits", "Exited safely", "Exited safely"),
]


def programme_get(user: Any, pk: int) -> Programme:
    return get_object_or_404(programmes_visible(user), pk=pk)


@dataclass
class PictureCell:
    value: int | str
    link: str = ""


@dataclass
class Picture:
    quarter: Quarter
    exact: bool
    headings: list[tuple[str, str, str]]  # (heading, stage, page url name or "")
    rows: list[tuple[str, list[PictureCell]]] = field(default_factory=list)
    identified_period: ReturnPeriod | None = None


def _identified(quarter: Quarter, counties: list[Area]) -> tuple[ReturnPeriod | None, list[int]]:
    """Children at risk in the regional baseline for the period holding the quarter's end."""
    from reachable.returns.baseline import baseline_build

    period = ReturnPeriod.objects.filter(
        starts_on__lte=quarter.ends_on, ends_on__gte=quarter.ends_on
    ).first()
    if (
        period is None
        or not Submission.objects.filter(period=period, status=Submission.Status.ACCEPTED).exists()
    ):
        return None, []
    trend = next((t for t in baseline_build(period).tables if t.key == "trend"), None)
    if trend is None or period.label not in trend.rows:
        return None, []  # the baseline has no figure for the period: no column, not zeros
    return period, list(trend.cells[trend.rows.index(period.label)])


def partnership_picture(user: Any, quarter: Quarter) -> Picture:
    exact = exact_child_counts(user)
    counties = list(
        Area.objects.filter(kind=Area.Kind.COUNTY, partnership__isnull=False).order_by("name")
    )
    period, identified = _identified(quarter, counties)
    keys = [key for key, _, _ in PICTURE_COLUMNS]
    children = [
        [int(MEASURES[key].compute(quarter.starts_on, quarter.ends_on, c) or 0) for key in keys]
        for c in counties
    ]
    if identified:
        children = [[identified[i], *row] for i, row in enumerate(children)]
    grid = Grid.of(children, row_totals=False, col_totals=True)
    shown: list[list[int | str]] = grid.values if exact else published(grid)  # type: ignore[assignment]
    disrupted = [
        Disruption.objects.filter(
            area=c, occurred_on__gte=quarter.starts_on, occurred_on__lte=quarter.ends_on
        ).count()
        for c in counties
    ]
    pages = [reverse_if(user, MEASURES[key].page, MEASURES[key].capability) for key in keys]
    headings = [
        (label, stage, page) for (_, label, stage), page in zip(PICTURE_COLUMNS, pages, strict=True)
    ]
    if identified:
        baseline_page = reverse_if(user, "returns:baseline", "returns.baseline")
        headings.insert(0, ("Identified (regional baseline)", "Identified", baseline_page))
        pages.insert(0, baseline_page)
    headings.append(
        ("Disruption events", "Lines disrupted", reverse_if(user, "lines:picture", "lines.picture"))
    )
    picture = Picture(quarter, exact, headings, identified_period=period)
    names = [c.name for c in counties] + [
        "All counties (a child known in two counties counts in each)"
    ]
    for i, name in enumerate(names):
        lines_count = disrupted[i] if i < len(counties) else sum(disrupted)
        cells = [
            PictureCell(v, pages[j] if not isinstance(v, str) else "")
            for j, v in enumerate(shown[i])
        ]
        cells.append(PictureCell(lines_count, headings[-1][2]))
        picture.rows.append((name, cells))
    return picture


def reverse_if(user: Any, page: str, capability: str) -> str:
    """The source page's address, for someone allowed to open it; else nothing (no link)."""
    from django.urls import reverse

    return reverse(page) if can(user, capability) else ""


def spend_total(programme: Programme) -> Decimal:
    return sum((s.amount for line in programme.budget.all() for s in line.spend.all()), Decimal(0))
