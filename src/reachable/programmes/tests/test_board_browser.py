"""A programme lead's quarter in a real browser: a RAG update that is refused and then saved, a
board pack issued and opened, and every page on the way passing axe-core."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import Page

from reachable.browser import assert_accessible, fill_date, sign_in
from reachable.core.services import partnership_load
from reachable.programmes import services
from reachable.programmes.models import BoardPack, RagUpdate
from reachable.programmes.tests.helpers import (
    a_deliverable,
    a_programme,
    a_target,
    last_quarter,
    lead,
)
from reachable.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_programme_lead_updates_a_deliverable_and_issues_the_pack(
    browser_page: Page, live_server
) -> None:
    partnership_load()
    programme = a_programme()
    quarter = last_quarter()
    deliverable = a_deliverable(programme, title="Custody pilot launched")
    target = a_target(programme, name="Sessions in schools", measure="", unit="sessions")
    services.actual_record(
        user=lead(),
        target=target,
        period_starts_on=quarter.starts_on,
        period_ends_on=quarter.ends_on,
        value=Decimal(30),
        source="Provider return",
    )
    page = browser_page
    sign_in(page, lead().username, PASSWORD)
    page.goto(f"/programmes/{programme.pk}/")
    assert_accessible(page)

    # Red without a reason is refused, with the message beside the field.
    page.click("a:has-text('Custody pilot launched')")
    fill_date(page, "as_at", quarter.ends_on - dt.timedelta(days=2))
    page.check("input[name=status][value=in_progress]")
    page.check("input[name=rag][value=red]")
    page.click("button:has-text('Save the update')")
    page.wait_for_selector(".govuk-error-summary")
    assert "Say why it is amber or red" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
    assert not RagUpdate.objects.exists()
    page.fill("#id_reason", "Recruitment delayed; interim cover agreed.")
    page.click("button:has-text('Save the update')")
    page.wait_for_selector("td:has-text('Recruitment delayed')")
    assert RagUpdate.objects.get(deliverable=deliverable).rag == "red"

    # Issue the quarter's pack and open it.
    page.goto(f"/programmes/{programme.pk}/")
    page.select_option("#id_quarter", quarter.key())
    page.click("button:has-text('Issue the pack')")
    page.wait_for_selector("td:has-text('by ')")
    pack = BoardPack.objects.get()
    assert pack.quarter_starts_on == quarter.starts_on
    page.goto(f"/programmes/packs/{pack.pk}.html")
    assert page.inner_text("h1").endswith("board pack")
    assert "Recruitment delayed; interim cover agreed." in page.inner_text("main")
    assert_accessible(page)

    page.goto("/programmes/picture/")
    assert_accessible(page)
