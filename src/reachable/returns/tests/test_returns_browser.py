"""A data submitter sends a return in the browser: reads the specification, uploads a file with a
mistake, reads the problems, uploads the corrected file; an analyst sees the completeness matrix.
axe-core (WCAG 2.2 AA) checks every page on the way."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from reachable.browser import assert_accessible, sign_in
from reachable.core.services import partnership_load
from reachable.returns.models import Submission
from reachable.returns.spec import specs_load_all
from reachable.testing import PASSWORD, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "local_id,given_name,family_name,date_of_birth,sex,cce_concern"


def test_submit_fix_and_see_completeness(browser_page: Page, tmp_path) -> None:
    partnership_load()
    specs_load_all()
    person("data_submitter", "suffolk-yjs", username="kai.submitter")
    person("analyst", "partnership-team", username="ana.analyst")
    bad = tmp_path / "yj-bad.csv"
    bad.write_text(f"{HEADER}\nYJ-1,Jay,Okafor,2010-03-27,Boy,Y\n", encoding="utf-8")
    good = tmp_path / "yj.csv"
    good.write_text(f"{HEADER}\nYJ-1,Jay,Okafor,2010-03-27,M,Y\n", encoding="utf-8")
    page = browser_page

    sign_in(page, "kai.submitter", PASSWORD)
    page.goto("/returns/spec/2026.1/youth-justice/")
    assert_accessible(page)
    page.goto("/returns/submissions/new/")
    assert_accessible(page)

    def submit(path: Path) -> None:
        page.goto("/returns/submissions/new/")
        page.select_option("#id_period", label="April to September 2026")
        page.select_option("#id_domain", label="Youth Justice (dataset 2026.1)")
        page.select_option("#id_county", label="Suffolk")
        page.set_input_files("#id_file", str(path))
        page.click("button:has-text('Upload and check')")

    submit(bad)
    page.wait_for_selector("text=Not accepted: 1 problem to fix")
    assert page.locator("td:has-text('Use one of: M, F, X, U.')").is_visible()
    assert_accessible(page)
    submit(good)
    page.wait_for_selector("text=1 row accepted")
    assert_accessible(page)
    assert Submission.objects.filter(status="accepted").count() == 1

    sign_in(page, "ana.analyst", PASSWORD)
    page.goto("/returns/completeness/")
    assert page.locator("strong:has-text('Submitted')").first.is_visible()
    assert_accessible(page)


def test_an_analyst_links_reviews_a_pair_and_reads_the_baseline(
    browser_page: Page,
) -> None:
    from reachable.returns.models import LinkageRun, PairReview, ReturnPeriod
    from reachable.returns.population import population_load_bundled
    from reachable.returns.synthetic_returns import returns_send

    partnership_load()
    specs_load_all()
    population_load_bundled()
    period = ReturnPeriod.objects.get(label="April to September 2026")
    users = {
        s: person("data_submitter", s, username=f"sub-{s}")
        for s in ("suffolk-police", "suffolk-yjs", "suffolk-childrens")
    }
    returns_send(period=period, children_per_county=40, seed=4, users=users)
    person("analyst", "partnership-team", username="ana.analyst")
    person("programme_lead", "partnership-team", username="pat.lead")
    page = browser_page

    sign_in(page, "ana.analyst", PASSWORD)
    page.goto("/returns/linkage/")
    assert_accessible(page)
    page.select_option("#id_period", label="April to September 2026")
    page.fill("#id_accept_at", "0.999")
    page.fill("#id_review_from", "0.2")
    page.click("button:has-text('Start linkage')")
    page.wait_for_selector("text=Linkage started")
    run = LinkageRun.objects.get()
    assert run.status == "done", run.error
    page.goto(f"/returns/linkage/{run.pk}/")
    assert page.locator("td:has-text('Same date')").first.is_visible()  # the model's levels
    assert_accessible(page)

    page.goto("/returns/linkage/review/")
    assert_accessible(page)
    page.locator("a:has-text('Pair ')").first.click()
    assert page.locator("td:has-text('Starting point')").is_visible()  # the waterfall
    assert_accessible(page)
    page.click("button:has-text('Record decision')")  # nothing chosen: errors, nothing saved
    page.wait_for_selector("text=Choose whether the records are the same child.")
    assert_accessible(page)
    page.check("input[value='same']")
    page.fill("#id_reason", "Same school, same care history")
    page.click("button:has-text('Record decision')")
    page.wait_for_selector("text=Decision recorded")
    assert PairReview.objects.filter(decision="same").count() == 1

    page.goto("/returns/baseline/")
    assert page.locator("text=Exact figures, for analysts only").is_visible()
    assert_accessible(page)

    sign_in(page, "pat.lead", PASSWORD)
    page.goto(f"/returns/baseline/?period={period.pk}")
    assert page.locator("h1:has-text('Regional baseline')").is_visible()
    assert not page.locator("text=Exact figures").is_visible()
    assert_accessible(page)
