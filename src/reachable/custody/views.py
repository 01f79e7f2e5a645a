"""Custody pages: thin views over custody.services, custody.selectors and custody.dashboard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from reachable.accounts.decorators import require_capability
from reachable.audit.services import audit_list, audit_record
from reachable.children.selectors import similarly_named
from reachable.core.models import Place
from reachable.custody import dashboard, importer, selectors, services, tasks
from reachable.custody.access import suites_for
from reachable.custody.forms import (
    DetentionForm,
    EngagementForm,
    FeedbackForm,
    ImportForm,
    OfferForm,
    OfferUpdateForm,
    ReleaseCorrectionForm,
    ReleaseForm,
    ShareForm,
)
from reachable.custody.models import Detention
from reachable.custody.services import IDENTITY
from reachable.lib.exports import table_response
from reachable.lib.forms import apply_service_errors
from reachable.lib.sorting import Column, sorted_by
from reachable.lib.views import confirm_not_duplicate, duplicates_shown, posted, save_form


def _my_suites(request: HttpRequest):
    return Place.objects.filter(pk__in=suites_for(request.user)).order_by("name")


BOARD = [
    Column("child", "Child", ("child__family_name", "child__given_name")),
    Column("age", "Age", ()),
    Column("arrived", "Arrived", ("arrived_at",)),
    Column("offence", "Offence", ("offence__label",)),
    Column("home", "Home", ("child__home_la__name",)),
    Column("seen", "Seen", ("was_engaged", "was_approached")),
]


@require_capability("custody.board")
def board(request: HttpRequest) -> HttpResponse:
    rows, headers = sorted_by(request, selectors.live_board(request.user), BOARD, "-arrived")
    detentions = list(rows[:200])
    audit_list(user=request.user, what="custody board", child_ids=[d.child_id for d in detentions])
    today, day_ago = timezone.localdate(), timezone.now() - dt.timedelta(hours=24)
    for d in detentions:
        d.age = d.child.age_on(today)
        d.over_a_day = d.arrived_at < day_ago
    return render(
        request,
        "custody/board.html",
        {"detentions": detentions, "suites": _my_suites(request), "headers": headers},
    )


@require_capability("custody.record")
def detention_new(request: HttpRequest) -> HttpResponse:
    suites = _my_suites(request)
    asked = duplicates_shown(request)
    form = DetentionForm(
        posted(request), suites=suites, ask_not_duplicate=asked, initial={"suite": suites.first()}
    )
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        duplicates = similarly_named(
            given_name=data["given_name"],
            family_name=data["family_name"],
            date_of_birth=data["date_of_birth"],
        )
        again = confirm_not_duplicate(
            lambda ask: DetentionForm(request.POST, suites=suites, ask_not_duplicate=ask),
            duplicates=duplicates,
            confirmed=data.get("not_a_duplicate", False),
            message="A record with a similar name and the same date of birth exists. Check with custody that the name is right, then confirm.",
        )
        if again is not None:
            form = again
        else:
            try:
                detention = services.detention_of_person(
                    user=request.user,
                    identity={k: data[k] for k in IDENTITY},
                    **{
                        k: v
                        for k, v in data.items()
                        if k not in IDENTITY and k != "not_a_duplicate"
                    },
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"Detention recorded for {detention.child.full_name}.")
                return redirect("custody:detention", pk=detention.pk)
    return render(request, "custody/detention_new.html", {"form": form, "duplicates": duplicates})


@require_capability("custody.board")
def detention(request: HttpRequest, pk: int) -> HttpResponse:
    d = selectors.detention_get_for_user(request.user, pk)
    context = {
        "d": d,
        "engagements": d.engagements.select_related("by", "reason_not_engaged")
        .prefetch_related("topics")
        .order_by("attempted_at"),
        "shares": d.concern_shares.select_related("to_team", "method", "acknowledged_by").order_by(
            "shared_at"
        ),
        "offers": d.community_offers.order_by("offered_at"),
        "release_corrections": d.release_corrections.select_related("by"),
        "suggested_team": services.suggested_team(d),
        "history": selectors.detentions_of_child(d.child).exclude(pk=d.pk)[:10],
        "handed_over": selectors.handover_of(d),
    }
    return render(request, "custody/detention.html", context)


def _detention_action(
    request: HttpRequest,
    pk: int,
    form_class: type[forms.Form],
    title: str,
    save: Callable[[Detention, dict[str, Any]], Any],
    initial: Callable[[Detention], dict[str, Any]] | None = None,
    now_button: str = "",
) -> HttpResponse:
    d = selectors.detention_get_for_user(request.user, pk)
    form = form_class(posted(request), initial=initial(d) if initial else None)
    done = save_form(
        request,
        form,
        lambda data: save(d, data),
        success=f"{title}: saved.",
        then="custody:detention",
        pk=d.pk,
    )
    refused = request.method == "POST" and bool(form.errors)
    return done or render(
        request,
        "custody/detention_action.html",
        {"form": form, "d": d, "title": title, "now_button": now_button},
        status=400 if refused else 200,
    )


@require_capability("custody.record")
def engagement_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _detention_action(
        request,
        pk,
        EngagementForm,
        "Record a visit to the child",
        lambda d, data: services.engagement_record(user=request.user, detention=d, **data),
        now_button="Seen just now",
    )


@require_capability("custody.record")
def share_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _detention_action(
        request,
        pk,
        ShareForm,
        "Share a concern",
        lambda d, data: services.concern_share(user=request.user, detention=d, **data),
        initial=lambda d: {"to_team": services.suggested_team(d)},
    )


@require_capability("custody.record")
def release(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a release, or correct the one recorded (the form then asks why)."""
    correcting = selectors.detention_get_for_user(request.user, pk).released_at is not None
    return _detention_action(
        request,
        pk,
        ReleaseCorrectionForm if correcting else ReleaseForm,
        "Correct the release time" if correcting else "Record release",
        lambda d, data: services.detention_release(user=request.user, detention=d, **data),
        initial=(lambda d: {"released_at": d.released_at}) if correcting else None,
        now_button="" if correcting else "Released now",
    )


@require_capability("custody.record")
def offer_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _detention_action(
        request,
        pk,
        OfferForm,
        "Offer support in the community",
        lambda d, data: services.community_offer_record(user=request.user, detention=d, **data),
    )


@require_capability("custody.inbox")
def inbox(request: HttpRequest) -> HttpResponse:
    shares = list(selectors.inbox(request.user)[:200])
    audit_list(user=request.user, what="inbox", child_ids=[s.detention.child_id for s in shares])
    return render(request, "custody/inbox.html", {"shares": shares})


@require_capability("custody.inbox")
def concern(request: HttpRequest, pk: int) -> HttpResponse:
    share = selectors.concern_get_for_user(request.user, pk)
    if request.method == "POST":
        services.concern_acknowledge(user=request.user, share=share)
        messages.success(
            request, "Concern acknowledged. The custody practitioner can see that you have it."
        )
        return redirect("custody:inbox")
    return render(request, "custody/concern.html", {"share": share})


@require_capability("custody.record")
def feedback_new(request: HttpRequest) -> HttpResponse:
    form = FeedbackForm(
        posted(request), suites=_my_suites(request), initial={"given_on": timezone.localdate()}
    )
    done = save_form(
        request,
        form,
        lambda data: services.feedback_record(user=request.user, **data),
        success="Feedback recorded. Thank you.",
        then="custody:board",
    )
    return done or render(request, "custody/feedback_new.html", {"form": form})


@require_capability("custody.import")
def import_detentions(request: HttpRequest) -> HttpResponse:
    form = ImportForm(posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = tasks.import_queue(
                user=request.user, chunks=upload.chunks(), filename=upload.name
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return redirect("custody:import_status", pk=job.pk)
    return render(
        request,
        "custody/import.html",
        {
            "form": form,
            "columns": importer.COLUMNS,
            "suites": Place.objects.filter(kind=Place.Kind.CUSTODY_SUITE).order_by("name"),
            "recent": selectors.imports_of(request.user)[:10],
        },
    )


@require_capability("custody.import")
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(importer.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="detentions-template.csv"'
    return response


@require_capability("custody.import")
def import_status(request: HttpRequest, pk: int) -> HttpResponse:
    return render(
        request,
        "custody/import_status.html",
        {"job": selectors.import_get_for_user(request.user, pk)},
    )


@require_capability("custody.import")
def import_run_again(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then run again an import whose worker was stopped part-way."""
    job = selectors.import_get_for_user(request.user, pk)
    if request.method == "POST":
        try:
            tasks.import_run_again(user=request.user, job=job)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("custody:import_status", pk=job.pk)
    return render(request, "custody/import_run_again.html", {"job": job})


@require_capability("custody.import")
def import_report(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.import_get_for_user(request.user, pk)
    # The problems quote what the rows said (names, dates of birth) of children not yet recorded.
    audit_record(user=request.user, action="detention.import.report", obj=job)
    return table_response(
        filename="import-problems",
        header=["row", "column", "value", "problem"],
        rows=[[e["row"], e["column"], e["value"], e["message"]] for e in job.problems],
        fmt="csv",
    )


@require_capability("custody.dashboard")
def pilot_dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    year, year_error = dashboard.year_problem(request.GET.get("year"), today=today)
    figures = dashboard.pilot_figures(year=year, today=today)
    exports = [
        ("summary", "Targets and reach"),
        ("trend", "Time to first intervention by month"),
        ("heatmap", "Arrivals by day and hour"),
        ("suites", "Detentions by suite"),
        ("feedback", "Feedback"),
    ]
    return render(
        request,
        "custody/dashboard.html",
        {
            "f": figures,
            "charts": dashboard.pilot_charts(figures),
            "days": dashboard.DAYS,
            "hours": range(24),
            "exports": exports,
            "year_asked": request.GET.get("year", ""),
            "year_error": year_error,
        },
        status=400 if year_error else 200,
    )


@require_capability("custody.dashboard")
def pilot_export(request: HttpRequest, figure: str, fmt: str) -> HttpResponse:
    if figure not in {"summary", "heatmap", "suites", "trend", "feedback"} or fmt not in {
        "csv",
        "xlsx",
    }:
        raise Http404("No such export")
    today = timezone.localdate()
    year, year_error = dashboard.year_problem(request.GET.get("year"), today=today)
    if year_error:
        return HttpResponse(year_error, status=400, content_type="text/plain; charset=utf-8")
    figures = dashboard.pilot_figures(year=year, today=today)
    header, rows = dashboard.figure_rows(figures, figure)
    return table_response(
        filename=f"custody-{figure}-{figures.year}", header=header, rows=rows, fmt=fmt
    )


@require_capability("custody.record")
def offer_update(request: HttpRequest, pk: int) -> HttpResponse:
    offer = selectors.offer_get_for_user(request.user, pk)
    form = OfferUpdateForm(
        posted(request), initial={"sessions": offer.sessions, "outcome": offer.outcome}
    )
    done = save_form(
        request,
        form,
        lambda data: services.community_offer_update(user=request.user, offer=offer, **data),
        success="Community support updated.",
        then="custody:detention",
        pk=offer.detention_id,
    )
    context = {"form": form, "d": offer.detention, "title": "Update community support"}
    return done or render(request, "custody/detention_action.html", context)
