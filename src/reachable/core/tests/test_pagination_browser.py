"""A paginated list passes axe-core (WCAG 2.2 AA), its "Page 1 of 2" label included."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from reachable.browser import assert_accessible, sign_in
from reachable.core.services import partnership_load
from reachable.sharing.models import Alert
from reachable.testing import PASSWORD, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_paginated_list_passes_axe(browser_page: Page) -> None:
    partnership_load()  # a transactional test starts from an empty database
    reader = person("exploitation_practitioner", "norfolk-childrens", "norfolk-mace", "pat.pages")
    Alert.objects.bulk_create(
        Alert(recipient=reader, kind="test", message=f"Synthetic alert {n}") for n in range(30)
    )
    sign_in(browser_page, reader.username, PASSWORD)
    browser_page.goto("/sharing/alerts/")
    assert browser_page.get_by_text("Page 1 of 2").is_visible()
    assert_accessible(browser_page)
