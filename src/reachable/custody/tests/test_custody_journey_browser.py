"""A custody practitioner records a detention, a visit and a concern; the recipient acknowledges it.

Every page is checked with axe-core (WCAG 2.2 AA) in Debian's Chromium.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from reachable.browser import assert_accessible, fill_date, fill_date_time, sign_in
from reachable.core.services import partnership_load
from reachable.custody.models import ConcernShare, Detention, Engagement
from reachable.testing import PASSWORD, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Page, username: str) -> None:
    sign_in(page, username, PASSWORD)


def test_a_detention_a_visit_and_a_shared_concern(browser_page: Page) -> None:
    partnership_load()
    person("custody_practitioner", "norfolk-yjs", "norfolk-custody-ei", username="priya.custody")
    person(
        "exploitation_practitioner",
        "homeward-repatriation",
        "homeward-caseworkers",
        username="homeward.worker",
    )
    person("programme_lead", "partnership-team", username="ruth.lead")
    page = browser_page
    _sign_in(page, "priya.custody")

    page.goto("/custody/")
    assert_accessible(page)
    page.click("text=Record a detention")
    page.click("button:has-text('Save detention')")
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)

    arrested = timezone.localtime() - dt.timedelta(hours=2)
    page.fill("#id_given_name", "Kai")
    page.fill("#id_family_name", "Adeyemi")
    dob = timezone.localdate() - dt.timedelta(days=16 * 365 + 40)
    fill_date(page, "date_of_birth", dob)
    page.check("label:has-text('Male')")
    page.select_option("#id_home_la", label="Lambeth")
    fill_date_time(page, "arrested_at", arrested)
    fill_date_time(page, "arrived_at", arrested + dt.timedelta(minutes=35))
    # Nothing is chosen for the practitioner: the offence starts on "Select".
    page.select_option("#id_offence", label="Possession with intent to supply a Class A drug")
    page.check("#id_comfort_box")
    page.click("button:has-text('Save detention')")
    page.wait_for_selector("h1:has-text('Kai Adeyemi')")
    assert page.locator("text=Out of county").first.is_visible()
    assert_accessible(page)

    page.click("text=Record a visit")
    page.check("label:has-text('Yes')")
    page.check("label:has-text('Getting home safely')")
    page.fill("#id_childs_words", "I just want to go home")
    assert_accessible(page)
    page.click("button:has-text('Seen just now')")  # no time is filled in for the practitioner
    page.wait_for_selector("text=the child talked with us")

    page.click("text=Share a concern")
    assert page.locator("#id_to_team option:checked").inner_text() == "Homeward caseworkers"
    page.check("label:has-text('Phone call')")
    page.fill("#id_summary", "Worried about debt to older boys; needs a safe way back to London")
    assert_accessible(page)
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=Waiting")

    detention = Detention.objects.get()
    assert detention.out_of_county
    assert detention.comfort_box
    assert Engagement.objects.get().childs_words == "I just want to go home"

    page.click("button:has-text('Sign out')")
    _sign_in(page, "homeward.worker")
    page.goto("/custody/inbox/")
    assert_accessible(page)
    page.click("a:has-text('Kai Adeyemi')")
    assert_accessible(page)
    page.click("button:has-text('Acknowledge')")
    page.wait_for_selector("text=Concern acknowledged")
    assert ConcernShare.objects.get().acknowledged_at is not None

    page.click("button:has-text('Sign out')")
    _sign_in(page, "ruth.lead")
    page.goto("/custody/dashboard/")
    assert page.locator("h1").inner_text().startswith("Pilot dashboard")
    assert_accessible(page)


def test_an_upload_shows_its_outcome_page(browser_page: Page, tmp_path) -> None:
    from reachable.custody.importer import template_csv

    partnership_load()
    person("custody_practitioner", "norfolk-yjs", "norfolk-custody-ei", username="priya.custody")
    page = browser_page
    _sign_in(page, "priya.custody")
    page.goto("/custody/import/")
    assert_accessible(page)
    bad = tmp_path / "custody.csv"
    bad.write_text(template_csv() + "X1,nowhere,2026-01-01 10:00,2026-01-01 10:30,,pwits-a\n")
    page.set_input_files("#id_file", str(bad))
    page.click("button:has-text('Check and import')")
    page.wait_for_selector("h1:has-text('Not imported')")
    assert page.locator("text=Download the problems").is_visible()
    assert_accessible(page)
