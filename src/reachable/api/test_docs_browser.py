"""The API reference page passes axe-core (WCAG 2.2 AA) and lists every operation of the schema."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from reachable.browser import assert_accessible, sign_in
from reachable.core.services import partnership_load
from reachable.testing import PASSWORD, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_reference_is_accessible_and_complete(browser_page: Page) -> None:
    partnership_load()  # a transactional test starts from an empty database
    reader = person("exploitation_practitioner", "norfolk-childrens", "norfolk-mace", "api.reader")
    sign_in(browser_page, reader.username, PASSWORD)
    browser_page.goto("/api/docs/")
    assert browser_page.locator("h1").inner_text() == "API reference"
    schema = browser_page.request.get("/api/schema/?format=json").json()
    listed = browser_page.locator("h3 code").all_inner_texts()
    expected = [
        path
        for path, item in schema["paths"].items()
        for method in ("get", "post", "put", "patch", "delete")
        if method in item
    ]
    assert sorted(listed) == sorted(expected)
    assert_accessible(browser_page)
