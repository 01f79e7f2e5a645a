"""Information governance in the browser: a MACE practitioner shares a record with a school
without the child's agreement (and says why); the school sees it; a custody worker breaks the
glass on a record outside her access; the data protection lead sees the alert, the highlighted
access and prepares a subject access export; the privacy pages read without signing in.
axe-core (WCAG 2.2 AA) checks every page on the way."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from reachable.browser import assert_accessible, sign_in
from reachable.core.services import partnership_load
from reachable.sharing.models import Share, SubjectAccessRequest
from reachable.testing import PASSWORD, involve, make_child, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _save(page: Page, label: str = "Save") -> None:
    page.click(f"button:has-text('{label}')")


def test_share_break_glass_and_subject_access(browser_page: Page) -> None:
    partnership_load()
    person("exploitation_practitioner", "norfolk-childrens", "norfolk-mace", username="mo.mace")
    person("partner_user", "norfolk-education", "northgate-safeguarding", username="sam.school")
    person("custody_practitioner", "norfolk-yjs", "norfolk-custody-ei", username="kit.ei")
    person("team_manager", "norfolk-yjs", "norfolk-custody-ei", username="lou.manager")
    person("data_protection_lead", "partnership-team", username="dee.dpo")
    jay = make_child(given_name="Jay", family_name="Okafor")
    involve(jay, "norfolk-mace")
    page = browser_page

    # Privacy information is public.
    page.goto("/privacy/children/")
    assert page.locator("h1:has-text('How we look after information about you')").is_visible()
    assert_accessible(page)
    page.goto("/privacy/professionals/")
    assert page.locator("text=Art. 6(1)(e) public task").first.is_visible()
    assert_accessible(page)

    # The MACE practitioner shares Jay's record with his school, without his agreement.
    sign_in(page, "mo.mace", PASSWORD)
    page.goto(f"/children/{jay.pk}/")
    page.click("text=Share this record with another agency")
    _save(page, "Share")
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)
    page.select_option("#id_to_agency", label="Norfolk Education and Inclusion")
    page.check("label:has-text('Protecting a child from harm')")
    page.check("label:has-text('Who the child is')")
    page.check("label:has-text('Education: attendance')")
    page.fill(
        "#id_reason", "Older males waiting at the school gate; the school must watch for them."
    )
    page.check("label:has-text('refused')")
    page.fill("#id_consent_override_reason", "Risk of significant harm outweighs his refusal.")
    page.fill("#id_child_views", "He does not want teachers to know.")
    _save(page, "Share")
    page.wait_for_selector("text=The share is on the record")
    assert page.locator("text=He does not want teachers to know.").is_visible()
    assert_accessible(page)
    assert Share.objects.get().agreement.reference == "eastern-cce-safeguarding"

    # The school now sees Jay, and who has received and seen his record.
    sign_in(page, "sam.school", PASSWORD)
    page.goto(f"/children/{jay.pk}/")
    page.click("text=Who has received and seen this record")
    page.wait_for_selector("h1:has-text('Who has received and seen this record')")
    # Its view of the access log holds what its own people did, not who works with the child.
    assert page.locator("td:has-text('sam.school')").first.is_visible()
    assert page.locator("td:has-text('mo.mace')").count() == 0
    assert_accessible(page)

    # A custody worker opens Jay's record in an emergency.
    sign_in(page, "kit.ei", PASSWORD)
    page.goto("/sharing/break-glass/")
    assert_accessible(page)
    page.fill("#id_record", str(jay.pk))
    page.fill("#id_reason", "Brought in at 2am; MACE team unreachable; need his safety plan.")
    page.check("#id_understood")
    _save(page, "Open the record")
    page.wait_for_selector("text=Emergency access open until")
    assert page.locator("h1:has-text('Jay Okafor')").is_visible()

    # Her manager is told.
    sign_in(page, "lou.manager", PASSWORD)
    page.goto("/sharing/alerts/")
    assert page.locator("text=outside their access").is_visible()
    assert_accessible(page)

    # The data protection lead sees it highlighted and prepares a subject access export.
    sign_in(page, "dee.dpo", PASSWORD)
    page.goto("/sharing/governance/")
    assert page.locator("td:has-text('MACE team unreachable')").is_visible()
    assert_accessible(page)
    page.goto(f"/sharing/governance/{jay.pk}/")
    assert page.locator("strong:has-text('Emergency access')").first.is_visible()
    assert_accessible(page)
    page.goto("/sharing/governance/subject-access/")
    page.fill("#id_record", str(jay.pk))
    page.fill("#id_requester", "Jay, in person")
    page.fill("#id_received_on_0", "2")
    page.fill("#id_received_on_1", "11")
    page.fill("#id_received_on_2", "2026")
    _save(page)
    page.wait_for_selector("text=Review every marker before release")
    assert_accessible(page)
    with page.expect_download() as download:
        page.click("text=Download the ZIP")
    assert download.value.suggested_filename.endswith(".zip")
    assert SubjectAccessRequest.objects.get().exported_at is not None
