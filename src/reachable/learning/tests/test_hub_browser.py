"""The learning hub in a real browser: a reader with no account finds an example and sends
feedback; a practitioner writes one up; every page passes axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from reachable.browser import assert_accessible, fill_date, sign_in
from reachable.core.services import partnership_load
from reachable.learning.models import Feedback, PracticeExample
from reachable.learning.synth import synth_learning
from reachable.synth.services import system_user
from reachable.testing import PASSWORD, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reader_finds_an_example_and_a_practitioner_writes_one(
    browser_page: Page, live_server
) -> None:
    import datetime as dt

    from django.utils import timezone

    partnership_load()
    synth_learning(user_id=system_user().pk)
    page = browser_page
    page.goto("/learning/?q=comfort")
    assert_accessible(page)
    page.click("a:has-text('Comfort boxes in custody suites')")
    assert page.inner_text("h1") == "Comfort boxes in custody suites"
    assert_accessible(page)
    page.check("input[name=useful][value=yes]")
    page.click("button:has-text('Send feedback')")
    page.wait_for_selector("text=Thank you")
    assert Feedback.objects.count() == 1

    writer = person("custody_practitioner", "norfolk-yjs", "norfolk-custody-ei", username="w1")
    sign_in(page, writer.username, PASSWORD)
    page.goto("/learning/manage/new/")
    assert_accessible(page)
    page.fill("#id_title", "Evening hours in custody")
    page.fill("#id_workstream", "Custody early intervention")
    page.select_option("#id_theme", label="Practice models")
    page.check("input[name=audience][value=practitioner]")
    page.select_option("#id_evidence", label="Not yet rated")
    fill_date(page, "review_by", timezone.localdate() + dt.timedelta(days=300))
    page.fill("#id_summary", "Practitioners work until 10pm, when most children arrive.")
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=Draft saved")
    example = PracticeExample.objects.get(title="Evening hours in custody")
    page.goto(f"/learning/manage/{example.pk}/")
    assert_accessible(page)
