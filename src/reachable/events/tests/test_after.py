"""Reminders (once, and joining instructions only to confirmed places), attendance, feedback
once per registration, certificates, training evaluation scored by hand-computed means, and
the programme board's live measures."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from reachable.events.models import (
    EvaluationResponse,
    Instrument,
    Registration,
    Series,
    Session,
    SessionFeedback,
)
from reachable.events.services import attendance, evaluation, registration
from reachable.events.services.reminders import feedback_requests_send, reminders_send
from reachable.events.services.tokens import registration_token
from reachable.events.tests.helpers import a_session, sign_up
from reachable.notifications.models import Email
from reachable.programmes.measures import measure_value
from reachable.testing import page, person, signed_in_client

pytestmark = pytest.mark.django_db


def _backdate(*registrations: Registration, days: int = 30) -> None:
    long_ago = timezone.now() - dt.timedelta(days=days)
    Registration.objects.filter(pk__in=[r.pk for r in registrations]).update(
        created_at=long_ago, confirmed_at=long_ago
    )


@override_settings(REACHABLE_EVENT_REMINDERS=["7d", "1h"])
def test_reminders_are_written_once_and_only_to_confirmed_places(smtp_server: Any) -> None:
    from reachable.notifications.services import outbox_send

    session = a_session(capacity=1, starts_in=dt.timedelta(days=3))
    ann, bob = sign_up(session, "ann"), sign_up(session, "bob")  # bob waits
    _backdate(ann, bob)
    late = a_session(capacity=5, starts_in=dt.timedelta(days=3))
    sign_up(late, "cat")  # registered after the week-before reminder fell due: none for her
    Email.objects.all().delete()
    assert reminders_send() == 1
    assert reminders_send() == 0  # the job runs again: nothing twice
    outbox_send()
    (message,) = smtp_server
    assert message["To"] == "ann@example.org"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Joining instructions: join here https://meet.example.org/workshop" in body
    # An hour before, the nearer reminder goes too, once.
    session.starts_at = timezone.now() + dt.timedelta(minutes=30)
    session.ends_at = session.starts_at + dt.timedelta(hours=1)
    session.save()
    assert reminders_send() == 1
    assert reminders_send() == 0
    keys = sorted(str(k) for k in Email.objects.values_list("dedupe_key", flat=True) if k)
    assert keys == [f"events.reminder:{ann.pk}:1h", f"events.reminder:{ann.pk}:7d"]


def _held_session_with(*who: str) -> tuple[Any, list[Registration]]:
    session = a_session(capacity=10)
    people = [sign_up(session, w) for w in who]
    session.starts_at = timezone.now() - dt.timedelta(hours=3)
    session.ends_at = timezone.now() - dt.timedelta(hours=1)
    session.save()
    return session, people


def test_attendance_feedback_once_and_a_certificate() -> None:
    session, (ann, bob, _) = _held_session_with("ann", "bob", "cat")
    lead = person("programme_lead", "partnership-team", username="events.lead")
    client = signed_in_client(lead)
    marked = client.post(
        reverse("events:attendance", args=[session.pk]),
        {f"attended_{ann.pk}": "yes", f"attended_{bob.pk}": "no"},
    )
    assert marked.status_code == 302
    figures = attendance.attendance_figures(session)
    assert (figures["attended"], figures["did_not"], figures["unmarked"]) == (1, 1, 1)
    assert figures["share"] == 33
    assert feedback_requests_send() == 1  # only Ann attended
    assert feedback_requests_send() == 0

    link = reverse("events:place_feedback", args=[registration_token(ann)])
    sent = Client().post(link, {"usefulness": "4", "comment": "Clear.", "anonymous": "on"})
    assert sent.status_code == 302
    again = Client().post(link, {"usefulness": "5", "comment": "Again"})
    assert again.status_code == 400
    assert "already given feedback" in page(again)
    kept = SessionFeedback.objects.get()
    assert (kept.usefulness, kept.registration) == (4, None)  # anonymous: no name kept
    refused = Client().post(
        reverse("events:place_feedback", args=[registration_token(bob)]), {"usefulness": "2"}
    )
    assert "marked as attending" in page(refused)

    certificate = Client().get(reverse("events:place_certificate", args=[registration_token(ann)]))
    assert certificate["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(certificate.content)).pages[0].extract_text()
    assert "Person Ann" in text
    assert session.title.split(":")[0] in text
    missing = Client().get(reverse("events:place_certificate", args=[registration_token(bob)]))
    assert missing.status_code == 404


def test_attendance_cannot_be_marked_before_the_session() -> None:
    session = a_session()
    ann = sign_up(session, "ann")
    lead = person("programme_lead", "partnership-team", username="events.lead")
    with pytest.raises(ValidationError, match="once the session has started"):
        attendance.attendance_record(user=lead, session=session, marks={ann.pk: True})


def _instrument() -> Instrument:
    return Instrument.objects.prefetch_related("items").get(key="practice-confidence")


def test_scores_are_subscale_means_with_reverse_keys_and_not_applicable_missing() -> None:
    instrument = _instrument()
    # Confidence to act: items 1-4, item 3 reversed (1..5: 6 - answer).
    # Child First understanding: items 5-8, item 6 reversed.
    answers: dict[str, int | None] = {
        "1": 4,
        "2": 5,
        "3": 2,
        "4": None,
        "5": 5,
        "6": 1,
        "7": None,
        "8": None,
    }
    scores = evaluation.scores(instrument, answers)
    assert scores["Confidence to act"] == pytest.approx((4 + 5 + (6 - 2)) / 3)
    assert scores["Child First understanding"] == pytest.approx((5 + (6 - 1)) / 2)  # half: enough
    answers.update({"5": None})
    assert evaluation.scores(instrument, answers)["Child First understanding"] is None  # 1 of 4


def test_pre_and_post_pair_by_person_and_the_change_has_a_t_interval() -> None:
    instrument = _instrument()
    session = a_session()
    series = session.series
    # Confidence to act (all four items the same answer, item 3 reversed so 6 - x):
    befores, afters = [2, 3, 3], [4, 4, 5]
    for number, (before, after) in enumerate(zip(befores, afters, strict=True)):
        for phase, value in [("pre", before), ("post", after)]:
            answers = {"1": value, "2": value, "3": 6 - value, "4": value}
            answers.update({"5": 3, "6": 3, "7": 3, "8": 3})
            evaluation.response_record(
                instrument=instrument,
                series=series,
                email=f"p{number}@example.org",
                phase=phase,
                answers=answers,
            )
    # Someone who answered only before is not paired.
    evaluation.response_record(
        instrument=instrument,
        series=series,
        email="only.before@example.org",
        phase="pre",
        answers={str(n): 1 for n in range(1, 9)},
    )
    with pytest.raises(ValidationError, match="already answered"):
        evaluation.response_record(
            instrument=instrument,
            series=series,
            email="P0@example.org",
            phase="pre",
            answers={str(n): 3 for n in range(1, 9)},
        )
    act, understanding = evaluation.change_by_subscale(instrument, series)
    # Differences 2, 1, 2: mean 5/3, sd 0.57735, t(0.975, 2) = 4.302653.
    assert (act.pairs, act.change) == (3, pytest.approx(5 / 3))
    margin = 4.302653 * 0.5773503 / 3**0.5
    assert act.low == pytest.approx(5 / 3 - margin, abs=1e-4)
    assert act.high == pytest.approx(5 / 3 + margin, abs=1e-4)
    assert (understanding.change, understanding.low) == (pytest.approx(0.0), pytest.approx(0.0))
    assert EvaluationResponse.objects.filter(participant__contains="@").count() == 0


def test_an_answer_off_the_scale_is_refused_naming_the_question() -> None:
    with pytest.raises(ValidationError) as refused:
        evaluation.answers_check(_instrument(), {"1": 9, **{str(n): 3 for n in range(2, 9)}})
    assert refused.value.message_dict == {
        "item_1": ["Question 1: choose an answer from 1 to 5, or 'not applicable'."]
    }


def test_the_evaluation_page_shows_the_change_to_organisers_only() -> None:
    session = a_session()
    lead = person("programme_lead", "partnership-team", username="events.lead")
    url = reverse("events:evaluation_report", args=[session.series.pk])
    assert "Change per subscale" in page(signed_in_client(lead).get(url))
    worker = person("custody_practitioner", "norfolk-yjs", "norfolk-custody-ei")
    assert signed_in_client(worker).get(url).status_code == 403


def test_the_board_counts_sessions_places_attendance_and_reach_live() -> None:
    session, (ann, _) = _held_session_with("ann", "bob")
    teacher = registration.register(
        session=Session.objects.create(
            series=session.series,
            title="SOS+ for school staff",
            starts_at=timezone.now() + dt.timedelta(days=2),
            ends_at=timezone.now() + dt.timedelta(days=2, hours=1),
            venue="Northgate Academy",
            capacity=30,
        ),
        email="teacher@example.org",
        name="A Teacher",
        organisation="Northgate Academy",
        role="Designated safeguarding lead",
        audience="teacher",
        access_needs="",
    )
    Registration.objects.filter(pk=ann.pk).update(attended=True)
    Registration.objects.filter(pk=teacher.pk).update(attended=True)  # not yet held: not counted
    today = timezone.localdate()
    start, end = today - dt.timedelta(days=30), today + dt.timedelta(days=30)
    assert measure_value("events.sessions_delivered", start, end) == Decimal(1)
    assert measure_value("events.registrations", start, end) == Decimal(3)
    assert measure_value("events.attended", start, end) == Decimal(1)
    assert measure_value("events.reach.professionals", start, end) == Decimal(1)
    assert measure_value("events.reach.teachers", start, end) == Decimal(0)


def test_the_demo_events_show_a_series_a_waiting_list_and_a_measured_change() -> None:
    from reachable.events.synth import synth_events

    assert synth_events(seed=1) == 9
    assert synth_events(seed=1) == 0
    full = Registration.objects.filter(state="waiting").values_list("session", flat=True)
    assert len(set(full)) == 1
    series = Series.objects.get(slug="exploitation-workshops")
    act, _ = evaluation.change_by_subscale(_instrument(), series)
    assert act.pairs == 18
    assert act.change is not None
    assert act.change > 0
    lead = person("programme_lead", "partnership-team", username="events.lead")
    shown = page(signed_in_client(lead).get(reverse("events:manage")))
    assert "Workshop 4: Contextual safeguarding" in shown
    body = page(Client().get(reverse("events:series", args=["exploitation-workshops"])))
    assert "(has taken place)" in body


def test_a_stale_attendance_page_does_not_clear_marks_already_saved() -> None:
    session, (ann, bob) = _held_session_with("ann", "bob")
    lead = person("programme_lead", "partnership-team", username="events.lead")
    client = signed_in_client(lead)
    url = reverse("events:attendance", args=[session.pk])
    client.post(url, {f"attended_{ann.pk}": "yes"})
    client.post(url, {f"attended_{bob.pk}": "no"})  # a second page that had only Bob marked
    marks = dict(Registration.objects.values_list("pk", "attended"))
    assert marks == {ann.pk: True, bob.pk: False}
    bad = client.post(url, {f"attended_{ann.pk}": "maybe"})
    assert bad.status_code == 400
    assert Registration.objects.get(pk=ann.pk).attended is True


def test_the_questions_are_open_only_to_the_right_people_at_the_right_time() -> None:
    session = a_session(capacity=1)
    ann, bob = sign_up(session, "ann"), sign_up(session, "bob")  # bob is waiting
    before = reverse("events:place_evaluation", args=[bob.token, "pre"])
    assert Client().get(before).status_code == 400
    assert (
        Client().get(reverse("events:place_evaluation", args=[ann.token, "pre"])).status_code == 200
    )
    after = Client().get(reverse("events:place_evaluation", args=[ann.token, "post"]))
    assert after.status_code == 400
    assert "not open to you now" in page(after)
