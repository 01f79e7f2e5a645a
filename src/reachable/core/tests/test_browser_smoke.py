"""A practitioner's first minutes, in Debian's Chromium, with axe-core checking every page.

The browser and axe-core helpers are in reachable/browser.py.
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page

from reachable.audit.models import AuditEvent
from reachable.browser import assert_accessible
from reachable.core.services import partnership_load
from reachable.testing import PASSWORD, involve, make_child, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_practitioner_signs_in_finds_a_child_and_opens_the_record(browser_page: Page) -> None:
    partnership_load()
    worker = person(
        "exploitation_practitioner", "norfolk-childrens", "norfolk-mace", username="tom.worker"
    )
    child = make_child(
        given_name="Jordan", family_name="Whitfield", date_of_birth=dt.date(2009, 3, 14)
    )
    involve(child, "norfolk-mace", worker=worker)
    page = browser_page

    page.goto("/children/")
    assert "Sign in to Reachable" in page.content()
    assert_accessible(page)

    page.fill("#id_username", "tom.worker")
    page.fill("#id_password", "not-the-password")
    page.click("button:has-text('Sign in')")
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)

    page.fill("#id_username", "tom.worker")
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_url("**/children/")
    assert_accessible(page)

    page.fill("#id_q", "Jordan Whitfeild")  # misspelt, as on a busy shift
    page.click("button:has-text('Search')")
    page.wait_for_selector("text=1 result")
    assert_accessible(page)

    page.click("a:has-text('Jordan Whitfield')")
    page.wait_for_url(f"**/children/{child.pk}/")
    assert page.locator("h1").inner_text() == "Jordan Whitfield"
    assert_accessible(page)
    assert AuditEvent.objects.filter(user=worker, action="child.view", child_id=child.pk).exists()

    page.goto("/children/new/")
    page.click("button:has-text('Save record')")
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)

    page.goto("/")
    assert_accessible(page)
    page.goto(f"/children/{child.pk + 1000}/")
    assert "Page not found" in page.content()
    assert_accessible(page)
