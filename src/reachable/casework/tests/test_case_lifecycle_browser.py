"""The whole life of a case in the browser: a school refers, the MACE team triages, screens, judges
risk, writes a safety plan with the child, refers to the NRM, takes the case to panel, and the
manager approves the closure. axe-core (WCAG 2.2 AA) checks every page on the way."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from reachable.browser import assert_accessible, fill_date, sign_in
from reachable.casework.models import Case, NrmReferral, Referral, SafetyPlan
from reachable.core.models import Area
from reachable.core.services import partnership_load
from reachable.testing import PASSWORD, make_child, person, share

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _save(page: Page, label: str = "Save") -> None:
    page.click(f"button:has-text('{label}')")


def test_referral_to_closure(browser_page: Page) -> None:
    partnership_load()
    person("partner_user", "norfolk-education", "northgate-safeguarding", username="sam.school")
    mo = person(
        "exploitation_practitioner", "norfolk-childrens", "norfolk-mace", username="mo.mace"
    )
    person("team_manager", "norfolk-childrens", "norfolk-mace", username="grace.manager")
    jay = make_child(
        given_name="Jay",
        family_name="Okafor",
        date_of_birth=timezone.localdate() - dt.timedelta(days=15 * 365),
        home_la=Area.objects.get(slug="norfolk-cc"),
    )
    share(jay, "norfolk-education", by=mo, categories=("identity", "casework", "education"))
    page = browser_page

    # The school refers Jay from his record.
    sign_in(page, "sam.school", PASSWORD)
    page.goto(f"/children/{jay.pk}/")
    page.click("text=Refer to an exploitation team")
    _save(page)
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)
    page.fill("#id_concerns", "Missing twice this week; new phone; older boys at the gate.")
    page.check("label:has-text('Urgent')")
    page.check("label:has-text('agreed to the referral')")
    _save(page)
    page.wait_for_selector("h1:has-text('Referral sent')")
    assert page.locator(".govuk-panel__body").inner_text().startswith("Your reference")
    assert_accessible(page)
    page.click("text=your referrals")
    page.wait_for_selector("h1:has-text('Referrals you made')")
    assert page.locator("text=Waiting for triage").is_visible()
    assert_accessible(page)

    # The MACE practitioner accepts it.
    sign_in(page, "mo.mace", PASSWORD)
    page.goto("/casework/referrals/")
    assert_accessible(page)
    page.click("text=Jay Okafor")
    page.check("label:has-text('Accepted for casework')")
    page.fill("#id_reason", "Several indicators; Jay agreed to meet.")
    _save(page, "Save decision")
    page.click("text=Open the case")
    page.wait_for_selector("h1:has-text('Jay Okafor')")
    assert_accessible(page)

    page.click("text=Record a screening")
    page.check("label:has-text('Missing episodes')")
    page.check("label:has-text('Unexplained money, phones or clothes')")
    assert_accessible(page)
    _save(page)
    page.click("text=Record judgement")
    page.check("label:has-text('High')")
    page.fill("#id_reasons", "Missing, new phone, older peers: escalating.")
    _save(page)
    page.wait_for_selector("text=Missing, new phone, older peers: escalating.")

    page.click("a:has-text('Write')")
    page.check("label:has-text('Yes')")
    page.fill("#id_trusted_adults", "Aunt Bea; Mr Hale at school")
    page.fill("#id_safe_places", "Aunt Bea's flat; the boxing club")
    page.fill("#id_warning_signs", "Calls from numbers I don't know")
    page.fill("#id_what_to_do", "Text my worker; go to the club")
    fill_date(page, "review_on", timezone.localdate() + dt.timedelta(days=28))
    assert_accessible(page)
    _save(page)
    page.click("text=View and print")
    page.wait_for_selector("h1:has-text('safety plan')")
    assert_accessible(page)
    page.click("text=Back to the case")

    page.click("text=Record an NRM referral")
    fill_date(page, "referred_on", timezone.localdate())
    page.select_option("#id_first_responder", label="Norfolk Children's Services")
    _save(page)
    page.wait_for_selector("text=Referred")

    # The manager takes the case to panel.
    sign_in(page, "grace.manager", PASSWORD)
    page.goto("/casework/panels/")
    page.click("text=Set up a panel")
    page.check("label:has-text('Norfolk Constabulary')")
    assert_accessible(page)
    _save(page)
    page.click("text=Add a case to the agenda")
    page.check("label:has-text('New case')")
    _save(page)
    page.click("text=Record decision")
    page.fill("#id_decision", "Trusted-relationship worker; school safety plan.")
    _save(page)
    page.wait_for_selector("text=Trusted-relationship worker; school safety plan.")
    assert_accessible(page)

    # Later: the practitioner puts the case forward and the manager approves the closure.
    sign_in(page, "mo.mace", PASSWORD)
    case = Case.objects.get()
    page.goto(f"/casework/cases/{case.pk}/")
    page.click("text=Put forward for closure")
    page.check("label:has-text('Safe exit')")
    page.fill("#id_summary", "Back at school full time; no missing episodes for three months.")
    _save(page)
    page.wait_for_selector("text=Closure waiting for a manager's approval")
    sign_in(page, "grace.manager", PASSWORD)
    page.goto(f"/casework/cases/{case.pk}/")
    page.click("text=Decide on closure")
    page.check("label:has-text('Yes')")
    page.fill("#id_reason", "Plan achieved.")
    _save(page)
    page.wait_for_selector("dd:has-text('Closed')")
    assert_accessible(page)
    page.goto(f"/casework/children/{jay.pk}/chronology/")
    assert page.locator("text=Case closed").first.is_visible()
    assert_accessible(page)

    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    assert case.risk_level.code == "high"
    assert Referral.objects.get().decision == Referral.Decision.ACCEPTED
    assert SafetyPlan.objects.filter(case=case, made_with_child=True).exists()
    assert NrmReferral.objects.filter(case=case).exists()
