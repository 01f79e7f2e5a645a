"""The regional baseline page and its publication downloads (XLSX, ODS, CSV, PDF).

Analysts see exact figures on the page; everyone else, and every download, sees small numbers
suppressed."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from reachable.accounts.decorators import require_capability
from reachable.accounts.permissions import can
from reachable.audit.services import audit_record
from reachable.lib.publication import Publication, Sheet, publication_response
from reachable.returns import selectors
from reachable.returns.baseline import AT_RISK_NOTE, Baseline, ShownTable, baseline_build, shown

SUPPRESSION_NOTE = (
    "[c]: a count from 1 to 4, or a figure hidden so that such a count cannot be worked out "
    "from the totals. Shares and ratios are given only from figures that are shown."
)


def _completeness_sheet(baseline: Baseline) -> Sheet:
    matrix = selectors.completeness(baseline.period)
    return Sheet(
        "completeness",
        f"Minimum dataset completeness by measure and county, {baseline.period.label}",
        ["Domain", "Measure", *[c.name for c in matrix.counties]],
        [[r.domain.title, r.measure.name, *[c.label for c in r.cells]] for r in matrix.rows],
        "From accepted returns: submitted, return in but measure not captured, or not yet captured.",
    )


def _publication(baseline: Baseline, tables: list[ShownTable]) -> Publication:
    return Publication(
        f"Regional baseline: children at risk of criminal exploitation, {baseline.period.label}",
        [
            AT_RISK_NOTE,
            "Children are counted once across agencies using the partnership's linkage of "
            "pseudonymised returns.",
            SUPPRESSION_NOTE,
        ],
        [Sheet(t.key, t.title, t.header, t.rows, t.note) for t in tables]
        + [_completeness_sheet(baseline)],
    )


@require_capability("returns.baseline")
def baseline(request: HttpRequest) -> HttpResponse:
    periods, period = selectors.period_chosen(request.GET.get("period"))
    found = baseline_build(period)
    exact = can(request.user, "returns.link") and request.GET.get("view") != "published"
    tables = shown(found, exact=exact)
    trend = next((t for t in tables if t.key == "trend"), None)
    bars = []
    if trend:
        # The bar is the period's published regional total, never a sum of the cells shown.
        totals = [row[-1] for row in trend.rows]
        widest = max((t for t in totals if isinstance(t, int)), default=0) or 1
        bars = [
            (row[0], t, round(100 * t / widest) if isinstance(t, int) else 0)
            for row, t in zip(trend.rows, totals, strict=True)
        ]
    audit_record(
        user=request.user,
        action="baseline.view",
        detail={"period": period.label, "exact": exact},
    )
    return render(
        request,
        "returns/baseline.html",
        {
            "baseline": found,
            "tables": tables,
            "periods": periods,
            "exact": exact,
            "bars": bars,
            "at_risk_note": AT_RISK_NOTE,
            "suppression_note": SUPPRESSION_NOTE,
        },
    )


@require_capability("returns.baseline")
def baseline_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _, period = selectors.period_chosen(request.GET.get("period"))
    found = baseline_build(period)
    tables = shown(found, exact=False)
    publication = _publication(found, tables)
    name = f"regional-baseline-{period.starts_on:%Y-%m}"
    audit_record(
        user=request.user, action="baseline.export", detail={"period": period.label, "format": fmt}
    )
    if fmt == "pdf":
        from weasyprint import HTML

        html = render_to_string(
            "returns/baseline_pdf.html",
            {"publication": publication, "baseline": found},
        )
        response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    return publication_response(publication, fmt=fmt, filename=name)
