from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reachable.casework import selectors
from reachable.casework.models import Case, NrmReferral
from reachable.children.models import Child
from reachable.core.models import Agency, Code, Team
from reachable.lib.suppression import SUPPRESSED
from reachable.testing import involve, make_child, page, signed_in_client


def _cases(n: int, team: Team, **fields) -> list[Case]:
    out = []
    for _ in range(n):
        child = make_child()
        involve(child, team)
        out.append(Case.objects.create(child=child, team=team, opened_at=timezone.now(), **fields))
    return out


@pytest.mark.django_db
def test_caseload_filters_no_contact_and_reviews_due(grace, mace) -> None:
    now = timezone.now()
    stale = _cases(1, mace, last_contact_at=now - dt.timedelta(days=40))[0]
    fresh = _cases(1, mace, last_contact_at=now - dt.timedelta(days=2))[0]
    due = _cases(1, mace, review_due_on=timezone.localdate() + dt.timedelta(days=3))[0]
    _cases(1, Team.objects.get(slug="cambs-safe"))
    every = set(selectors.caseload(grace))
    assert every == {stale, fresh, due}
    quiet = set(selectors.caseload(grace, f=selectors.CaseloadFilter(no_contact_days=28)))
    assert quiet == {stale, due}  # no contact at all counts as no contact
    reviews = set(selectors.caseload(grace, f=selectors.CaseloadFilter(review_due_within=7)))
    assert reviews == {due}


@pytest.mark.django_db
def test_caseload_page_reads_a_fixed_number_of_queries(grace, mace) -> None:
    client = signed_in_client(grace)
    _cases(3, mace)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("casework:caseload"))
    _cases(20, mace)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("casework:caseload"))
    assert len(many) == len(few)
    assert "23 open cases" in page(response)


@pytest.mark.django_db
def test_caseload_exports_as_csv(grace, mace) -> None:
    case = _cases(1, mace)[0]
    response = signed_in_client(grace).get(reverse("casework:caseload"), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert case.child.full_name in response.content.decode()


@pytest.mark.django_db
def test_nrm_figures_give_the_positive_rate_and_suppress_small_groups(grace, mace) -> None:
    agency = Agency.objects.get(slug="norfolk-childrens")
    cases = _cases(15, mace)
    for i, case in enumerate(cases):
        NrmReferral.objects.create(
            case=case,
            referred_on=timezone.localdate() - dt.timedelta(days=90),
            first_responder=agency,
            reasonable_grounds="positive" if i < 9 else "negative",
            reasonable_grounds_on=timezone.localdate() - dt.timedelta(days=40),
            by=grace,
        )
    figures = selectors.nrm_figures()
    assert figures["overall"]["rate"] == 60.0
    by_sex = {r["group"]: r for r in figures["tables"][0][1]}
    assert (by_sex["Male"]["decided"], by_sex["Male"]["not_positive"]) == (15, 6)
    body = page(signed_in_client(grace).get(reverse("casework:nrm_figures")))
    assert "60.0% positive (9 of 15 decided)" in body


@pytest.mark.django_db
def test_no_rate_is_published_when_one_refusal_could_be_read_from_it(grace, mace) -> None:
    # 9 positive of 10 decided says exactly one was not positive: a count below 5.
    for i, case in enumerate(_cases(10, mace)):
        NrmReferral.objects.create(
            case=case,
            referred_on=timezone.localdate() - dt.timedelta(days=90),
            first_responder=Agency.objects.get(slug="norfolk-childrens"),
            reasonable_grounds="positive" if i < 9 else "negative",
            reasonable_grounds_on=timezone.localdate() - dt.timedelta(days=40),
            by=grace,
        )
    assert selectors.nrm_figures()["overall"] is None
    body = page(signed_in_client(grace).get(reverse("casework:nrm_figures")))
    assert "9 of 10" not in body


@pytest.mark.django_db
def test_nrm_figures_hide_positive_and_not_positive_with_a_small_decided(grace, mace) -> None:
    # 3 girls decided (2 positive), 12 boys (9 positive): the girls' row must not be readable
    # from the overall figures and the boys' row, in any of its three numbers.
    cases = _cases(15, mace)
    for i, case in enumerate(cases):
        girl = i < 3
        Child.objects.filter(pk=case.child_id).update(
            sex=Code.objects.get(code_list__key="sex", code="F" if girl else "M")
        )
        NrmReferral.objects.create(
            case=case,
            referred_on=timezone.localdate() - dt.timedelta(days=90),
            first_responder=Agency.objects.get(slug="norfolk-childrens"),
            reasonable_grounds="positive" if (i < 2 or 3 <= i < 12) else "negative",
            reasonable_grounds_on=timezone.localdate() - dt.timedelta(days=40),
            by=grace,
        )
    figures = selectors.nrm_figures()
    by_sex = {r["group"]: r for r in figures["tables"][0][1]}
    girls, boys = by_sex["Female"], by_sex["Male"]
    assert girls["decided"] == girls["positive"] == girls["not_positive"] == SUPPRESSED
    overall = figures["overall"]
    for column in ("decided", "positive", "not_positive"):
        # Either the boys' figure or the overall one is hidden too: never both shown.
        assert SUPPRESSED in (boys[column], overall[column] if overall else SUPPRESSED)
    body = page(signed_in_client(grace).get(reverse("casework:nrm_figures")))
    assert "Not positive" in body


@pytest.mark.django_db
def test_nrm_figures_are_in_the_navigation_only_for_managers_and_the_programme(grace, sam) -> None:
    from reachable.testing import person

    lead = person("programme_lead", "partnership-team", username="ruth.lead")
    for user, shown in ((grace, True), (lead, True), (sam, False)):
        response = signed_in_client(user).get(reverse("work:home"))
        links = {link["label"] for g in response.context["nav_items"] for link in g["links"]}
        assert ("NRM figures" in links) is shown
