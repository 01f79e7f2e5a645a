"""Every page for every role, in Debian's Chromium, under axe-core's WCAG 2.2 A and AA rules.

The list of pages is the authorization matrix's: every endpoint a role's row allows (or that is
public), opened as a person in that role with one object of each kind made so that they may open
it (their own case's child, their team's panel, their own import...). A page added to the matrix
is checked here without another line. Downloads (CSV, XLSX, PDF, calendars) are fetched and their
status checked, but axe-core has nothing to read in them.
"""

from __future__ import annotations

import importlib
import json

import pytest
from django.apps import apps
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from reachable.accounts.tests.test_authorization_matrix import (
    ALL,
    actor_for,
    openable_by,
    pages_for,
    path_to,
)
from reachable.browser import axe_violations, sign_in_as
from reachable.core.services import partnership_load
from reachable.returns.spec import specs_load_all
from reachable.testing import signed_in_client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("role", sorted(ALL))
def test_every_page_the_role_may_open_passes_axe(browser_page: Page, live_server, role: str):
    partnership_load()
    # The database was emptied by the tests before: put back what the migrations ship.
    specs_load_all()
    importlib.import_module(
        "reachable.events.migrations.0002_practice_confidence_instrument"
    ).install(apps, None)
    actor = actor_for(role)
    page = browser_page
    sign_in_as(page, signed_in_client(actor), live_server.url)

    problems: dict[str, object] = {}
    checked = 0
    for name, endpoint in pages_for(role):
        path = path_to(name, endpoint, openable_by(actor, role, endpoint))
        try:
            response = page.goto(path)
        except PlaywrightError as error:
            # A download (CSV, XLSX, PDF, calendar) has no page to read; anything else that
            # stopped the page opening is a problem.
            download = page.request.get(path)
            if download.status != 200 or download.headers.get("content-type", "").startswith(
                "text/html"
            ):
                problems[name] = f"GET {path}: {download.status}, {error.message[:200]}"
            continue
        assert response is not None
        if response.status != 200:
            problems[name] = f"GET {path} answered {response.status}"
        elif response.request.redirected_from and not endpoint.public:
            problems[name] = f"GET {path} sent {role} to {page.url}"
        elif violations := axe_violations(page):
            problems[name] = violations
        checked += 1

    assert problems == {}, f"{role}: {json.dumps(problems, indent=1)}"
    # Every role opens at least its home page, the accessibility statement and the public pages.
    assert checked >= 10, f"only {checked} pages checked for {role}"
