"""Linkage pages for the partnership's analysts: runs, the model, and the clerical review queue."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from reachable.accounts.decorators import require_capability
from reachable.lib.exports import table_response
from reachable.lib.views import posted, save_form
from reachable.returns import linkage, linkage_services, selectors
from reachable.returns.forms import LinkageForm, ReviewForm
from reachable.returns.models import LinkageRun, person_reference


@require_capability("returns.link")
def runs(request: HttpRequest) -> HttpResponse:
    form = LinkageForm(posted(request))
    done = save_form(
        request,
        form,
        lambda data: linkage_services.linkage_queue(user=request.user, **data),
        success="Linkage started. This page shows its progress.",
        then="returns:linkage",
    )
    if done:
        return done
    page = Paginator(selectors.linkage_runs(), 20).get_page(request.GET.get("page"))
    latest = linkage_services.last_done()
    return render(
        request,
        "returns/linkage.html",
        {
            "form": form,
            "page_obj": page,
            "latest": latest,
            "pending": selectors.reviews_pending().count(),
        },
    )


@require_capability("returns.link")
@require_POST
def apply_decisions(request: HttpRequest) -> HttpResponse:
    latest = linkage_services.last_done()
    try:
        if latest is None:
            raise ValidationError("There is no finished linkage to apply review decisions to yet.")
        linkage_services.linkage_queue(
            user=request.user, period=latest.period, kind=LinkageRun.Kind.DECISIONS
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Applying review decisions to the last linkage.")
    return redirect("returns:linkage")


@require_capability("returns.link")
def run(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.linkage_run_get(pk)
    fmt = request.GET.get("format")
    if fmt in {"csv", "xlsx"} and request.GET.get("table") == "model":
        return table_response(
            filename=f"linkage-{found.pk}-model",
            header=["Comparison", "Level", "m", "u", "Weight"],
            rows=[
                [p.comparison, p.level, p.m, p.u, p.weight] for p in linkage.parameters(found.model)
            ],
            fmt=fmt,
        )
    if fmt in {"csv", "xlsx"}:
        return table_response(
            filename=f"linkage-{found.pk}-changes",
            header=["Change", "Person ID", "Other person ID", "Records", "Why"],
            rows=[
                [
                    c.kind,
                    person_reference(c.person_id),
                    person_reference(c.other_id),
                    c.records,
                    c.reason,
                ]
                for c in found.changes.all()
            ],
            fmt=fmt,
        )
    changes = Paginator(found.changes.all(), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "returns/linkage_run.html",
        {
            "run": found,
            "page_obj": changes,
            "parameters": linkage.parameters(found.model),
            "ref": person_reference,
        },
    )


@require_capability("returns.link")
@require_POST
def run_again(request: HttpRequest, pk: int) -> HttpResponse:
    """Run again a linkage whose worker was stopped part-way (its page offers it)."""
    found = selectors.linkage_run_get(pk)
    try:
        linkage_services.linkage_run_again(user=request.user, run=found)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("returns:linkage_run", pk=found.pk)


@require_capability("returns.link")
def reviews(request: HttpRequest) -> HttpResponse:
    pending = selectors.reviews_pending()
    fmt = request.GET.get("format")
    if fmt in {"csv", "xlsx"}:
        return table_response(
            filename="linkage-pairs-to-review",
            header=["Pair", "Agency", "Other agency", "Match probability", "Match weight"],
            rows=[
                [p.pk, p.agency_l, p.agency_r, p.match_probability, p.match_weight] for p in pending
            ],
            fmt=fmt,
        )
    page = Paginator(pending, 25).get_page(request.GET.get("page"))
    names = selectors.agency_names([s for p in page for s in (p.agency_l, p.agency_r)])
    rows = [(p, names.get(p.agency_l, p.agency_l), names.get(p.agency_r, p.agency_r)) for p in page]
    latest = linkage_services.last_done()
    return render(
        request,
        "returns/linkage_reviews.html",
        {"page_obj": page, "rows": rows, "conflicts": latest.conflicts if latest else []},
    )


@require_capability("returns.link")
def review(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.review_get(pk)
    form = ReviewForm(posted(request))
    done = save_form(
        request,
        form,
        lambda data: linkage_services.review_decide(user=request.user, review=found, **data),
        success="Decision recorded. It applies when decisions are next applied or at the next run.",
        then="returns:linkage_reviews",
    )
    if done:
        return done
    steps = linkage.waterfall(found.run.model, found.weights)
    widest = max((abs(s.weight) for s in steps), default=1.0) or 1.0
    bars = [(s, round(abs(s.weight) / widest * 100)) for s in steps]
    return render(
        request,
        "returns/linkage_review.html",
        {
            "pair": found,
            "form": form,
            "bars": bars,
            "total": sum(s.weight for s in steps),
            "records": linkage_services.pair_records(found),
        },
    )
