"""Events in a real browser: someone with no account registers, is told so, finds their place
from the link in the email and cancels it; an organiser marks attendance on a phone-sized
screen; every page passes axe-core."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from reachable.browser import assert_accessible, sign_in
from reachable.core.services import partnership_load
from reachable.events.models import Registration
from reachable.events.tests.helpers import a_session, sign_up
from reachable.notifications.models import Email
from reachable.testing import PASSWORD, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_registering_and_cancelling_without_an_account(browser_page: Page, live_server) -> None:
    partnership_load()
    session = a_session(capacity=1)
    page = browser_page
    page.goto("/events/")
    assert_accessible(page)
    page.click(f"a:has-text('{session.title}')")
    assert page.inner_text("h1") == session.title
    assert_accessible(page)
    page.click("button:has-text('Register')")  # empty: every field is named in the summary
    page.wait_for_selector(".govuk-error-summary")
    assert "Enter your email address" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
    page.fill("#id_name", "Person Ann")
    page.fill("#id_email", "ann@example.org")
    page.fill("#id_organisation", "Northgate Youth Justice")
    page.fill("#id_role", "Case worker")
    page.check("input[name=audience][value=practitioner]")
    page.click("button:has-text('Register')")
    page.wait_for_selector("h1:has-text('Your place is confirmed')")
    assert_accessible(page)

    body = Email.objects.get(kind="events.confirmation").body
    place = re.search(r"(/events/place/[^/\s]+/)", body)
    assert place
    page.goto(place[1])
    assert_accessible(page)
    page.click("button:has-text('Cancel my place')")
    page.wait_for_selector("text=Your place is cancelled")
    assert Registration.objects.get().state == "cancelled"
    page.goto(f"/events/sessions/{session.pk}/")
    assert page.is_visible("button:has-text('Register')")  # the place is free again


def test_an_organiser_marks_attendance_on_a_phone(browser_page: Page, live_server) -> None:
    partnership_load()
    session = a_session(capacity=5)
    people = [sign_up(session, who) for who in ["ann", "bob"]]
    session.starts_at = timezone.now() - dt.timedelta(hours=1)
    session.save()
    lead = person("programme_lead", "partnership-team", username="events.lead")
    page = browser_page
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, lead.username, PASSWORD)
    page.goto(f"/events/manage/sessions/{session.pk}/attendance/")
    assert_accessible(page)
    page.check(f"#a{people[0].pk}y")
    page.check(f"#a{people[1].pk}n")
    page.click("button:has-text('Save attendance')")
    page.wait_for_selector("text=Attendance saved (2 changed)")
    marks = dict(Registration.objects.values_list("email", "attended"))
    assert marks == {"ann@example.org": True, "bob@example.org": False}
    page.goto(f"/events/manage/sessions/{session.pk}/")
    assert_accessible(page)


def test_an_attendee_gives_feedback_and_answers_the_evaluation(
    browser_page: Page, live_server
) -> None:
    import importlib

    from django.apps import apps

    from reachable.events.models import EvaluationResponse, SessionFeedback

    partnership_load()
    # The database was emptied by the tests before: put back the instrument the migration ships.
    importlib.import_module(
        "reachable.events.migrations.0002_practice_confidence_instrument"
    ).install(apps, None)
    session = a_session(capacity=5)
    ann = sign_up(session, "ann")
    session.starts_at = timezone.now() - dt.timedelta(hours=3)
    session.ends_at = timezone.now() - dt.timedelta(hours=1)
    session.save()
    Registration.objects.filter(pk=ann.pk).update(attended=True)
    page = browser_page
    page.goto(f"/events/place/{ann.token}/")
    assert_accessible(page)
    page.click("a:has-text('Tell us how useful it was')")
    assert_accessible(page)
    page.check("input[name=usefulness][value='4']")
    page.check("input[name=anonymous]")
    page.click("button:has-text('Send feedback')")
    page.wait_for_selector("text=Thank you: your feedback was sent")
    assert SessionFeedback.objects.get().registration is None
    page.click("a:has-text('Answer the questions about your practice again')")
    page.click("button:has-text('Send my answers')")  # none answered: each question named
    page.wait_for_selector(".govuk-error-summary")
    assert "Answer question 8" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
    for number in range(1, 9):
        page.check(f"input[name=item_{number}][value='{'na' if number == 4 else '4'}']")
    page.click("button:has-text('Send my answers')")
    page.wait_for_selector("text=your answers were saved")
    response = EvaluationResponse.objects.get()
    assert (response.phase, response.answers["4"], response.answers["1"]) == ("post", None, 4)
