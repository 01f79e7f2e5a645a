"""A practitioner's first minutes, in Debian's Chromium, with axe-core checking every page.

Needs /usr/bin/chromium (installed by `make test`) and node_modules/axe-core (installed by npm).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from playwright.sync_api import Page, sync_playwright

from reachable.audit import guard
from reachable.audit.models import AuditEvent
from reachable.core.services import partnership_load
from reachable.testing import PASSWORD, involve, make_child, person

CHROMIUM = "/usr/bin/chromium"
AXE = settings.PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page(live_server) -> Iterator[Page]:
    assert Path(CHROMIUM).exists(), (
        "Install Debian's chromium (make test does: apt-get install chromium)"
    )
    assert AXE.exists(), "Run npm install: axe-core comes from node_modules"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        # axe-core is injected by the test; the site's own CSP would rightly refuse it.
        context = browser.new_context(bypass_csp=True, base_url=live_server.url)
        yield context.new_page()
        browser.close()
    # The test database is emptied after this test; the audit triggers would refuse that.
    guard.drop(connection)


def assert_accessible(page: Page) -> None:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_22_AA,
    )
    violations = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
    ]
    assert result["passes"], "axe-core ran no rules: is the page empty?"
    assert violations == [], f"{page.url}: {json.dumps(violations, indent=1)}"


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
