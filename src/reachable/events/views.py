"""Public pages of events: the listing, a series and its calendar feed, a session with its
registration form, and a registrant's own place (reached by the signed link in their emails).
No sign-in: the organisers' pages are in ``manage_views``."""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from reachable.events import forms as ef
from reachable.events.models import EvaluationResponse, Instrument, Registration, Series, Session
from reachable.events.services import abuse, attendance, evaluation, registration
from reachable.events.services.calendar import calendar_bytes
from reachable.events.services.tokens import registration_from_token
from reachable.lib.forms import apply_service_errors
from reachable.lib.views import download, form_saved, posted

INSTRUMENT = "practice-confidence"


def _calendar(content: bytes, filename: str) -> HttpResponse:
    return download(content, "text/calendar; charset=utf-8", filename)


def home(request: HttpRequest) -> HttpResponse:
    upcoming = (
        Session.objects.filter(ends_at__gte=timezone.now(), cancelled=False)
        .select_related("series")
        .order_by("starts_at")
    )
    return render(request, "events/home.html", {"sessions": upcoming})


def series_page(request: HttpRequest, slug: str) -> HttpResponse:
    series = get_object_or_404(Series, slug=slug)
    sessions = series.sessions.order_by("starts_at").prefetch_related("speakers")
    return render(
        request,
        "events/series.html",
        {"series": series, "sessions": sessions, "now": timezone.now()},
    )


def series_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    series = get_object_or_404(Series, slug=slug)
    sessions = series.sessions.select_related("series").order_by("starts_at")
    return _calendar(calendar_bytes(sessions, name=series.title), f"{series.slug}.ics")


def session_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(Session.objects.select_related("series"), pk=pk)
    return _calendar(calendar_bytes([session], name=session.title), f"session-{session.pk}.ics")


def _client_ip(request: HttpRequest) -> str:
    """The visitor's address. Behind proxies (``REACHABLE_TRUSTED_PROXIES`` of them), it is the
    one the nearest untrusted hop gave, read from the right of X-Forwarded-For: anything further
    left could be written by the visitor."""
    proxies = settings.REACHABLE_TRUSTED_PROXIES
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if proxies and len(hops) >= proxies:
        return hops[-proxies]
    return str(request.META.get("REMOTE_ADDR", ""))


def session_page(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(
        Session.objects.select_related("series").prefetch_related("speakers", "examples"), pk=pk
    )
    form = ef.RegistrationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        details = {k: v for k, v in form.cleaned_data.items() if k != "website"}
        if form.cleaned_data["website"]:
            form.add_error(
                None, "Your registration could not be accepted. Leave the last box empty."
            )
        elif not abuse.ip_allowed(_client_ip(request)):
            form.add_error(
                None, "Too many registrations have come from your network this hour: try later."
            )
        else:
            try:
                made = registration.register(session=session, **details)
            except registration.NotRegistered:
                # Answered as a new registration would be, so the page never tells anyone
                # whether an address is registered (its owner has been emailed).
                return render(
                    request,
                    "events/registered.html",
                    {"session": session, "email": details["email"], "state": _would_be(session)},
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                return render(
                    request,
                    "events/registered.html",
                    {"session": session, "email": made.email, "state": made.state},
                )
    full = registration.places_taken(session) >= session.capacity
    return render(
        request,
        "events/session.html",
        {
            "session": session,
            "form": form,
            "full": full,
            "past": session.starts_at <= timezone.now(),
        },
        status=400 if form.errors else 200,
    )


def _would_be(session: Session) -> str:
    full = registration.places_taken(session) >= session.capacity
    return Registration.State.WAITING if full else Registration.State.CONFIRMED


# ---------------------------------------------------------------- a registrant's own place


def link_checked(view: Any) -> Any:
    """Finds the registration the signed link names and passes it to the view; a changed or
    broken link gets a page that says so (400), not a bare 404."""

    @functools.wraps(view)
    def checked(request: HttpRequest, token: str, **kwargs: Any) -> HttpResponse:
        try:
            found = registration_from_token(token)
        except ValidationError as exc:
            return render(
                request, "events/link_invalid.html", {"message": exc.messages[0]}, status=400
            )
        return view(request, token, found, **kwargs)

    return checked


@link_checked
def place(request: HttpRequest, token: str, found: Registration) -> HttpResponse:
    offer = found.offers.filter(state="open").first()
    return render(
        request,
        "events/place.html",
        {
            "registration": found,
            "session": found.session,
            "offer": offer,
            "token": token,
            "ended": found.session.ends_at <= timezone.now(),
        },
    )


def _place_action(
    request: HttpRequest, token: str, found: Registration, run: Any, done: str
) -> HttpResponse:
    if request.method != "POST":  # a link opened rather than a button pressed: show the place
        return redirect("events:place", token=token)
    try:
        run(registration=found)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("events:place", token=token)


@link_checked
def place_cancel(request: HttpRequest, token: str, found: Registration) -> HttpResponse:
    return _place_action(
        request, token, found, registration.cancel, "Your place is cancelled. We have emailed you."
    )


@link_checked
def place_accept(request: HttpRequest, token: str, found: Registration) -> HttpResponse:
    return _place_action(
        request,
        token,
        found,
        registration.offer_accept,
        "Your place is confirmed. We have emailed you.",
    )


@link_checked
def place_calendar(request: HttpRequest, token: str, found: Registration) -> HttpResponse:
    session = found.session
    confirmed = found.state == Registration.State.CONFIRMED
    content = calendar_bytes(
        [session], name=session.title, joining_link=session.online_link if confirmed else ""
    )
    return _calendar(content, f"session-{session.pk}.ics")


@link_checked
def place_feedback(request: HttpRequest, token: str, found: Registration) -> HttpResponse:
    form = ef.FeedbackForm(posted(request))

    def save(data: dict[str, Any]) -> Any:
        return attendance.feedback_record(registration=found, **data)

    if request.method == "POST" and form_saved(form, save):
        messages.success(request, "Thank you: your feedback was sent.")
        return redirect("events:place", token=token)
    return render(
        request,
        "events/feedback.html",
        {"form": form, "registration": found, "session": found.session},
        status=400 if form.errors else 200,
    )


@link_checked
def place_evaluation(
    request: HttpRequest, token: str, found: Registration, phase: str
) -> HttpResponse:
    if phase not in EvaluationResponse.Phase.values:
        raise Http404
    session = found.session
    before = phase == EvaluationResponse.Phase.PRE
    # Before: a confirmed place, until the session starts. After: attended, once it has ended.
    # Anyone else's answers would skew the group's change.
    allowed = (
        found.state == Registration.State.CONFIRMED and timezone.now() < session.starts_at
        if before
        else found.attended is True and session.ends_at <= timezone.now()
    )
    if not allowed:
        return render(
            request,
            "events/link_invalid.html",
            {
                "title": "These questions are not open to you now",
                "message": "The questions before the series are for people with a confirmed "
                "place, until the session starts; the questions after are for people who "
                "attended, once it has ended.",
            },
            status=400,
        )
    instrument = get_object_or_404(Instrument.objects.prefetch_related("items"), key=INSTRUMENT)
    form = ef.EvaluationForm(posted(request), instrument=instrument)

    def save(_: dict[str, Any]) -> Any:
        return evaluation.response_record(
            instrument=instrument,
            series=session.series,
            email=found.email,
            phase=phase,
            answers=form.answers(),
        )

    if request.method == "POST" and form_saved(form, save):
        messages.success(request, "Thank you: your answers were saved.")
        return redirect("events:place", token=token)
    return render(
        request,
        "events/evaluation.html",
        {
            "form": form,
            "instrument": instrument,
            "session": found.session,
            "phase": dict(EvaluationResponse.Phase.choices)[phase],
        },
        status=400 if form.errors else 200,
    )


@link_checked
def place_certificate(request: HttpRequest, token: str, found: Registration) -> HttpResponse:
    try:
        pdf = attendance.certificate_pdf(found)
    except ValidationError as exc:
        raise Http404(exc.messages[0]) from exc
    return download(pdf, "application/pdf", f"certificate-{found.session.pk}.pdf")
