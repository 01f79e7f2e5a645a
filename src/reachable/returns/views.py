"""The minimum dataset specification in the browser: versions, domains, templates."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from reachable.accounts.decorators import require_capability, signed_in
from reachable.accounts.permissions import agency_for
from reachable.lib.exports import table_response
from reachable.lib.forms import apply_service_errors
from reachable.lib.views import posted
from reachable.returns import selectors, services
from reachable.returns.forms import SubmissionForm
from reachable.returns.templates_download import guidance_rows, template_csv, template_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@signed_in
def spec(request: HttpRequest) -> HttpResponse:
    return render(request, "returns/spec.html", {"versions": selectors.spec_versions()})


@signed_in
def domain(request: HttpRequest, version: str, key: str) -> HttpResponse:
    found = selectors.domain_get(version, key)
    return render(
        request,
        "returns/domain.html",
        {"domain": found, "measures": found.measures.all(), "rows": guidance_rows(found)},
    )


@signed_in
def template(request: HttpRequest, version: str, key: str, fmt: str) -> HttpResponse:
    found = selectors.domain_get(version, key)
    name = f"minimum-dataset-{version}-{key}"
    if fmt == "xlsx":
        response = HttpResponse(template_xlsx(found), content_type=XLSX)
    else:
        response = HttpResponse(template_csv(found), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@require_capability("returns.submit")
def submissions(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.submissions_visible(request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "returns/submissions.html", {"page_obj": page})


@require_capability("returns.submit")
def submission_new(request: HttpRequest) -> HttpResponse:
    agency = agency_for(request.user, "returns.submit")
    form = SubmissionForm(posted(request), request.FILES or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            submission = services.submission_queue(
                user=request.user,
                period=form.cleaned_data["period"],
                domain=form.cleaned_data["domain"],
                county=form.cleaned_data["county"],
                filename=upload.name,
                chunks=upload.chunks(),
                gaps=form.cleaned_data["gaps"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return redirect("returns:submission", pk=submission.pk)
    return render(request, "returns/submission_new.html", {"form": form, "agency": agency})


@require_capability("returns.submit")
def submission(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.submission_get_for_user(request.user, pk)
    problems = found.problems.all()[:200]
    return render(request, "returns/submission.html", {"sub": found, "problems": problems})


@require_capability("returns.submit")
@require_POST
def submission_run_again(request: HttpRequest, pk: int) -> HttpResponse:
    """Check again a return whose worker was stopped part-way (the status page offers it)."""
    found = selectors.submission_get_for_user(request.user, pk)
    try:
        services.submission_run_again(user=request.user, submission=found)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("returns:submission", pk=found.pk)


@require_capability("returns.submit")
def submission_report(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    found = selectors.submission_get_for_user(request.user, pk)
    rows = [[p.row, p.column, p.value, p.message] for p in found.problems.all()]
    header = ["Row", "Column", "Value", "How to fix it"]
    return table_response(filename=f"return-{found.pk}-problems", header=header, rows=rows, fmt=fmt)


@require_capability("returns.completeness")
def completeness(request: HttpRequest) -> HttpResponse:
    periods, chosen = selectors.period_chosen(request.GET.get("period"))
    matrix = selectors.completeness(chosen)
    fmt = request.GET.get("format")
    if fmt in {"csv", "xlsx", "ods"}:
        header = ["Domain", "Measure"] + [c.name for c in matrix.counties]
        rows = [[r.domain.title, r.measure.name] + [c.label for c in r.cells] for r in matrix.rows]
        return table_response(
            filename=f"completeness-{chosen.starts_on:%Y-%m}", header=header, rows=rows, fmt=fmt
        )
    return render(request, "returns/completeness.html", {"matrix": matrix, "periods": periods})
