"""The board pack: a programme's quarter, built from live data as it stood at the quarter's end.

Progress per objective, deliverables by RAG with reasons, targets against actuals (live measures
or entered figures, each with its source), spend against budget, open risks and issues, the last
meeting's decisions and actions. Every chart is also a table. The same HTML is the page and the
PDF (WeasyPrint: page numbers, a contents list with page references, "as at" dates), and an
issued pack is kept byte for byte (``BoardPack``), so it downloads unchanged later.

The pack's stylesheet is inline so that the HTML stands alone as a download; pages that show it
allow exactly that stylesheet by its hash (``PACK_STYLE_HASH``), nothing else inline.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Sum
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from reachable.lib.charts import Chart, bar_chart, line_chart
from reachable.lib.suppression import HIGH, LOW, SUPPRESSED
from reachable.programmes.measures import MEASURES, UNITS, measure_value
from reachable.programmes.models import (
    Deliverable,
    Meeting,
    Programme,
    Rag,
    RagUpdate,
    Spend,
    Target,
)
from reachable.programmes.periods import Quarter, quarters_between

ADDITIVE = {"children", "referrals", "lines", "sessions", "people", "pounds", "items"}
RAG_ORDER: dict[str | None, int] = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2, None: 3}

PACK_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm;
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 9pt;
    font-family: Arial, "Liberation Sans", sans-serif; }
  @bottom-left { content: string(packtitle); font-size: 9pt;
    font-family: Arial, "Liberation Sans", sans-serif; } }
body { font-family: Arial, "Liberation Sans", sans-serif; color: #0b0c0c; font-size: 11pt;
  line-height: 1.4; max-width: 60em; margin: 0 auto; padding: 1em; }
h1 { font-size: 22pt; string-set: packtitle content(); margin-bottom: 0.2em; }
h2 { font-size: 16pt; margin-top: 1.6em; break-after: avoid; }
h3 { font-size: 13pt; break-after: avoid; }
table { border-collapse: collapse; width: 100%; margin: 0.6em 0 1.2em; font-size: 10pt; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.3em; break-after: avoid; }
thead { display: table-header-group; }
th, td { border-bottom: 1px solid #b1b4b6; padding: 0.3em 0.4em; text-align: left;
  vertical-align: top; }
td.n, th.n { text-align: right; }
tr { break-inside: avoid; }
.meta { color: #505a5f; }
.rag { font-weight: bold; }
.rag-red { color: #d4351c; } .rag-amber { color: #9a4a00; } .rag-green { color: #00703c; }
.contents a { color: #1d70b8; }
.contents a::after { content: leader(".") " page " target-counter(attr(href), page); }
figure { margin: 0.6em 0; break-inside: avoid; }
figure img { max-width: 100%; }
figcaption { font-size: 9pt; color: #505a5f; }
@media print { .contents a { color: #0b0c0c; text-decoration: none; } }
@media screen { .contents li { margin-bottom: 0.5em; }
  .contents a { display: inline-block; min-height: 24px; line-height: 24px; } }
"""
PACK_STYLE_HASH = (
    "'sha256-" + base64.b64encode(hashlib.sha256(PACK_CSS.encode()).digest()).decode() + "'"
)


@dataclass
class DeliverableRow:
    deliverable: Deliverable
    update: RagUpdate | None

    @property
    def rag(self) -> str | None:
        return self.update.rag if self.update else None


def figure_text(value: Decimal | str | None) -> str:
    """A figure as the pages print it: 1,234 or 12.5; "[c]" as it is; a dash for no figure."""
    if value is None:
        return "\u2013"  # an en dash: no figure
    if isinstance(value, str):
        return value
    return f"{value:,.2f}".rstrip("0").rstrip(".")


@dataclass
class TargetRow:
    """A target's figures; a live count of children of 1 to 4 reads ``[c]`` for all but analysts
    (as on the partnership picture, whose hidden cells a target's figure must not give away)."""

    target: Target
    this_quarter: Decimal | str | None
    to_date: Decimal | str | None
    source: str
    source_page: str = ""  # URL name, for pages that link to where the figure comes from
    source_capability: str = ""

    @property
    def unit_label(self) -> str:
        return UNITS.get(self.target.unit, self.target.unit)

    @property
    def this_quarter_text(self) -> str:
        return figure_text(self.this_quarter)

    @property
    def to_date_text(self) -> str:
        return figure_text(self.to_date)

    @property
    def share_of_target(self) -> Decimal | None:
        if not isinstance(self.to_date, Decimal) or not self.target.target:
            return None
        if self.target.lower_is_better:
            return None
        return (Decimal(100) * self.to_date / self.target.target).quantize(Decimal("1"))

    @property
    def met(self) -> bool | None:
        if not isinstance(self.to_date, Decimal):
            return None
        if self.target.lower_is_better:
            return self.to_date <= self.target.target
        return self.to_date >= self.target.target


@dataclass
class SpendRow:
    name: str
    budget: Decimal
    this_quarter: Decimal
    year_to_date: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.year_to_date


@dataclass
class PackContent:
    programme: Programme
    quarter: Quarter
    issued_at: dt.datetime | None
    objectives: list[tuple[Any, dict[str, int]]] = field(default_factory=list)
    deliverables: list[DeliverableRow] = field(default_factory=list)
    targets: list[TargetRow] = field(default_factory=list)
    spend: list[SpendRow] = field(default_factory=list)
    risks: list[Any] = field(default_factory=list)
    meeting: Meeting | None = None
    charts: list[Chart] = field(default_factory=list)
    activity: int = 0  # things recorded in the quarter: RAG updates, actuals, spend, meetings

    @property
    def has_data(self) -> bool:
        return self.activity > 0

    @property
    def rag_counts(self) -> dict[str, int]:
        counts = {label: 0 for label in ("Red", "Amber", "Green", "No RAG yet")}
        names: dict[str | None, str] = {
            Rag.RED: "Red",
            Rag.AMBER: "Amber",
            Rag.GREEN: "Green",
            None: "No RAG yet",
        }
        for row in self.deliverables:
            counts[names[row.rag]] += 1
        return counts

    def html(self) -> str:
        return render_to_string("programmes/pack.html", {"pack": self, "css": mark_safe(PACK_CSS)})


def _latest_updates(deliverables: list[Deliverable], as_at: dt.date) -> dict[int, RagUpdate]:
    latest: dict[int, RagUpdate] = {}
    updates = RagUpdate.objects.filter(deliverable__in=deliverables, as_at__lte=as_at).order_by(
        "deliverable_id", "as_at", "pk"
    )
    for update in updates:
        latest[update.deliverable_id] = update  # the last in date order wins
    return latest


def _entered(target: Target, start: dt.date, end: dt.date) -> Decimal | None:
    actuals = [
        a for a in target.actuals.all() if a.period_starts_on >= start and a.period_ends_on <= end
    ]
    if not actuals:
        return None
    if target.unit in ADDITIVE:
        return sum((a.value for a in actuals), Decimal(0))
    return max(actuals, key=lambda a: a.period_ends_on).value


MeasureCache = dict[tuple[str, dt.date, dt.date], Decimal | None]


def _live(key: str, start: dt.date, end: dt.date, cache: MeasureCache | None) -> Decimal | None:
    """A measure's value; targets that share a measure and dates are counted once per pack."""
    if cache is None:
        return measure_value(key, start, end)
    if (key, start, end) not in cache:
        cache[key, start, end] = measure_value(key, start, end)
    return cache[key, start, end]


def _shown(value: Decimal | None, target: Target, exact: bool) -> Decimal | str | None:
    if exact or value is None or target.unit != "children" or not target.measure:
        return value
    return SUPPRESSED if LOW <= value <= HIGH else value


def target_row(
    target: Target, quarter: Quarter, cache: MeasureCache | None = None, *, exact: bool = False
) -> TargetRow:
    end = min(target.ends_on, quarter.ends_on)
    in_quarter = target.starts_on <= quarter.ends_on and target.ends_on >= quarter.starts_on
    q_start = max(target.starts_on, quarter.starts_on)
    if target.measure:
        measure = MEASURES[target.measure]
        return TargetRow(
            target,
            _shown(
                _live(target.measure, q_start, end, cache) if in_quarter else None, target, exact
            ),
            _shown(
                _live(target.measure, target.starts_on, end, cache)
                if target.starts_on <= end
                else None,
                target,
                exact,
            ),
            f"Counted live: {measure.source}",
            measure.page,
            measure.capability,
        )
    sources = sorted({f"{a.source} (entered by {a.entered_by})" for a in target.actuals.all()})
    return TargetRow(
        target,
        _entered(target, q_start, end) if in_quarter else None,
        _entered(target, target.starts_on, end),
        "Entered: " + "; ".join(sources) if sources else "Entered: no actuals yet",
    )


def _spend_rows(programme: Programme, quarter: Quarter) -> list[SpendRow]:
    year_start = quarter.financial_year_starts_on
    rows = []
    for line in programme.budget.filter(year_starts_on=year_start).order_by("name"):
        spent = {s.quarter_starts_on: s.amount for s in line.spend.all()}
        rows.append(
            SpendRow(
                line.name,
                line.amount,
                spent.get(quarter.starts_on, Decimal(0)),
                sum((v for q, v in spent.items() if q <= quarter.starts_on), Decimal(0)),
            )
        )
    return rows


def _charts(content: PackContent, programme: Programme, quarter: Quarter) -> list[Chart]:
    charts = []
    counts = content.rag_counts
    charts.append(
        bar_chart(
            "Deliverables by RAG",
            list(counts),
            {"Deliverables": list(counts.values())},
            y_label="Deliverables",
        )
    )
    shown = [t for t in content.targets if t.share_of_target is not None]
    if shown:
        charts.append(
            bar_chart(
                "Targets: share reached to date",
                [t.target.name for t in shown],
                {"Per cent of target": [float(t.share_of_target or 0) for t in shown]},
                y_label="Per cent of target",
            )
        )
    year_start = quarter.financial_year_starts_on
    quarters = quarters_between(year_start, quarter.starts_on)
    by_quarter = dict(
        Spend.objects.filter(
            budget_line__programme=programme,
            budget_line__year_starts_on=year_start,
            quarter_starts_on__lte=quarter.starts_on,
        )
        .values_list("quarter_starts_on")
        .annotate(total=Sum("amount"))
    )
    budget = sum((row.budget for row in content.spend), Decimal(0))
    if budget:
        running, cumulative = Decimal(0), []
        for q in quarters:
            running += by_quarter.get(q.starts_on, Decimal(0))
            cumulative.append(float(running))
        charts.append(
            line_chart(
                f"Spend to date against the {quarter.financial_year_label} budget",
                [q.short for q in quarters],
                {"Spend to date (£)": cumulative},
                y_label="£",
                reference=("Budget for the year (£)", float(budget)),
            )
        )
    return charts


def pack_build(
    programme: Programme,
    quarter: Quarter,
    *,
    issued_at: dt.datetime | None = None,
    exact: bool = False,
    charts: bool = True,
) -> PackContent:
    """Everything the pack shows for the quarter, as the records stood at its end. ``exact``
    (analysts' pages only) shows small live counts of children; an issued pack never does."""
    as_at = quarter.ends_on
    content = PackContent(programme, quarter, issued_at)
    deliverables = list(
        programme.deliverables.select_related("project", "objective", "area").order_by(
            "due_on", "title"
        )
    )
    latest = _latest_updates(deliverables, as_at)
    content.deliverables = sorted(
        (DeliverableRow(d, latest.get(d.pk)) for d in deliverables),
        key=lambda row: (RAG_ORDER[row.rag], row.deliverable.due_on),
    )
    for objective in programme.objectives.all():
        rows = [r for r in content.deliverables if r.deliverable.objective_id == objective.pk]
        tally = {"Red": 0, "Amber": 0, "Green": 0, "Done": 0, "All": len(rows)}
        for row in rows:
            if row.update and row.update.status == "done":
                tally["Done"] += 1
            if row.rag:
                tally[Rag(row.rag).label.split(":")[0]] += 1
        content.objectives.append((objective, tally))
    targets = programme.targets.prefetch_related(
        Prefetch("actuals"), "actuals__entered_by"
    ).select_related("project")
    cache: MeasureCache = {}
    content.targets = [
        target_row(t, quarter, cache, exact=exact) for t in targets if t.starts_on <= as_at
    ]
    content.spend = _spend_rows(programme, quarter)
    content.risks = sorted(
        programme.risks.filter(raised_on__lte=as_at)
        .exclude(closed_on__lte=as_at)
        .order_by("-raised_on"),
        key=lambda risk: RAG_ORDER[risk.rag],  # red first
    )
    content.meeting = (
        Meeting.objects.filter(body__programme=programme, held_on__lte=as_at)
        .select_related("body")
        .prefetch_related("items")
        .first()
    )
    within = {"gte": quarter.starts_on, "lte": quarter.ends_on}
    content.activity = (
        RagUpdate.objects.filter(
            deliverable__programme=programme, **{f"as_at__{k}": v for k, v in within.items()}
        ).count()
        + Spend.objects.filter(
            budget_line__programme=programme, quarter_starts_on=quarter.starts_on
        ).count()
        + Meeting.objects.filter(
            body__programme=programme, **{f"held_on__{k}": v for k, v in within.items()}
        ).count()
        + sum(
            1
            for t in targets
            for a in t.actuals.all()
            if quarter.starts_on <= a.period_ends_on <= quarter.ends_on
        )
    )
    if charts:  # pages that show only the tables skip drawing them
        content.charts = _charts(content, programme, quarter)
    return content


def pack_pdf(html: str) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
