"""Browser-test helpers: Debian's Chromium through Playwright, and axe-core on every page.

Only the tests import this. Needs /usr/bin/chromium (installed by `make test`) and
node_modules/axe-core (installed by npm).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from playwright.sync_api import Page, sync_playwright

from reachable.audit import guard

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


@pytest.fixture
def browser_page(live_server) -> Iterator[Page]:
    try:
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
    finally:
        # The test database is emptied after this test; the audit triggers would refuse that.
        guard.drop(connection)


def axe_violations(page: Page) -> list[dict]:
    """axe-core's WCAG 2.2 A and AA violations on the page as it is now (id, impact, first nodes)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_22_AA,
    )
    assert result["passes"], f"{page.url}: axe-core ran no rules: is the page empty?"
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
    ]


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{page.url}: {json.dumps(violations, indent=1)}"


def sign_in_as(page: Page, client: Any, base_url: str) -> None:
    """Carry a signed-in test client's session into the browser: quicker than the sign-in form,
    and it includes the admin's second factor."""
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base_url,
            }
        ]
    )


def sign_in(page: Page, username: str, password: str) -> None:
    """Sign in afresh as this person (any earlier session is dropped)."""
    page.context.clear_cookies()
    page.goto("/accounts/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button:has-text('Sign in')")
    page.wait_for_selector("h1:has-text('Hello')")


def fill_date(page: Page, field: str, day: dt.date) -> None:
    """The GOV.UK date input: day, month and year boxes."""
    page.fill(f"#id_{field}_0", str(day.day))
    page.fill(f"#id_{field}_1", str(day.month))
    page.fill(f"#id_{field}_2", str(day.year))


def fill_date_time(page: Page, field: str, when: dt.datetime) -> None:
    fill_date(page, field, when.date())
    page.fill(f"#id_{field}_3", when.strftime("%H:%M"))
