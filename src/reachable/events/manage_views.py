"""Organisers' pages: sessions and their figures, who registered, the waiting list and its
offers, attendance (a fast list for a phone), the training evaluation. Every page asks
``events.access.organise_check``; every read of a registration list is audited."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from reachable.audit.services import audit_record
from reachable.events import access
from reachable.events import forms as ef
from reachable.events.models import Instrument, Offer, Registration, Series, Session
from reachable.events.services import attendance, evaluation, registration, setup
from reachable.events.views import INSTRUMENT
from reachable.lib.views import form_page, posted


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    access.organise_check(request.user)
    sessions = attendance.sessions_with_figures()[:100]
    return render(
        request,
        "events/manage.html",
        {"sessions": sessions, "series": Series.objects.order_by("title"), "now": timezone.now()},
    )


@login_required
def session_new(request: HttpRequest) -> HttpResponse:
    access.organise_check(request.user)
    form = ef.SessionForm(posted(request))
    return form_page(
        request,
        form,
        lambda d: setup.session_create(user=request.user, **d),
        title="Set up a session",
        caption="Events",
        then="events:manage",
        back=reverse("events:manage"),
        success="Session set up: it is open for registration.",
    )


@login_required
def session_manage(request: HttpRequest, pk: int) -> HttpResponse:
    access.organise_check(request.user)
    session = get_object_or_404(Session.objects.select_related("series"), pk=pk)
    audit_record(user=request.user, action="events.registrations.view", obj=session)
    registrations = session.registrations.order_by("state", "waiting_position", "created_at")
    offers = Offer.objects.filter(registration__session=session).select_related("registration")
    return render(
        request,
        "events/session_manage.html",
        {
            "session": session,
            "registrations": registrations,
            "offers": offers,
            "figures": attendance.attendance_figures(session),
            "move_form": ef.WaitingMoveForm(),
        },
    )


@login_required
def attendance_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One radio group per confirmed place, saved in one go."""
    access.organise_check(request.user)
    session = get_object_or_404(Session.objects.select_related("series"), pk=pk)
    confirmed = session.registrations.filter(state=Registration.State.CONFIRMED).order_by("name")
    audit_record(user=request.user, action="events.registrations.view", obj=session)
    error = ""
    if request.method == "POST":
        # Only the marks this form sent are changed: a stale page, or a row left unanswered,
        # never clears what someone else has marked.
        values = {"yes": True, "no": False}
        sent = {r.pk: request.POST.get(f"attended_{r.pk}") for r in confirmed}
        unknown = [pk for pk, v in sent.items() if v is not None and v not in values]
        marks: dict[int, bool | None] = {pk: values[v] for pk, v in sent.items() if v in values}
        try:
            if unknown:
                raise ValidationError("Choose attended or did not attend for each person.")
            changed = attendance.attendance_record(user=request.user, session=session, marks=marks)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, f"Attendance saved ({changed} changed).")
            return redirect("events:attendance", pk=session.pk)
    return render(
        request,
        "events/attendance.html",
        {"session": session, "confirmed": confirmed, "error": error},
        status=400 if error else 200,
    )


@login_required
def waiting_move(request: HttpRequest, pk: int) -> HttpResponse:
    access.organise_check(request.user)
    found = get_object_or_404(Registration.objects.select_related("session"), pk=pk)
    audit_record(user=request.user, action="events.registration.view", obj=found)
    return form_page(
        request,
        ef.WaitingMoveForm(posted(request)),
        lambda d: registration.waiting_move(user=request.user, registration=found, **d),
        title=f"Move {found.name} on the waiting list",
        caption=found.session.title,
        then="events:session_manage",
        back=reverse("events:session_manage", args=[found.session_id]),
        success=f"{found.name} moved on the waiting list.",
        pk=found.session_id,
    )


@login_required
def evaluation_report(request: HttpRequest, pk: int) -> HttpResponse:
    access.organise_check(request.user)
    series = get_object_or_404(Series, pk=pk)
    audit_record(user=request.user, action="events.evaluation.view", obj=series)
    instrument = get_object_or_404(Instrument.objects.prefetch_related("items"), key=INSTRUMENT)
    changes = evaluation.change_by_subscale(instrument, series)
    chart = evaluation.change_chart(instrument, changes) if any(c.pairs for c in changes) else None
    feedback = [
        (s, list(s.feedback.select_related("registration").order_by("-at")[:50]))
        for s in series.sessions.order_by("starts_at")
    ]
    return render(
        request,
        "events/evaluation_report.html",
        {
            "series": series,
            "instrument": instrument,
            "changes": changes,
            "chart": chart,
            "feedback": feedback,
        },
    )
