from __future__ import annotations

import datetime as dt

import pytest

from reachable.children.models import ChildIdentifier
from reachable.children.selectors import child_search
from reachable.core.models import Code
from reachable.testing import involve, make_child, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def jordan(norfolk_worker):
    child = make_child(
        given_name="Jordan", family_name="Whitfield", date_of_birth=dt.date(2009, 3, 14)
    )
    involve(child, "norfolk-mace", worker=norfolk_worker)
    return child


@pytest.mark.parametrize(
    "typed",
    [
        "Jordan Whitfield",
        "jordan whitfield",
        "Whitfield Jordan",
        "Jordan Whitfeild",  # letters swapped
        "Jordon Whitfield",  # vowel wrong
        "Jordan Whitfielx",  # last letter wrong
        "Xordan Whitfield",  # first letter wrong
        "Whitfield",
        "Jordan Smith 14/03/2009",  # right first name and date of birth, wrong last name
        "14/03/2009",
        "2009-03-14",
    ],
)
def test_it_finds_the_child_despite_typos(norfolk_worker, jordan, typed: str) -> None:
    hits = child_search(norfolk_worker, typed)
    assert jordan in [h.child for h in hits]


def test_the_best_match_comes_first(norfolk_worker, jordan) -> None:
    other = make_child(
        given_name="Jordan", family_name="Whitford", date_of_birth=dt.date(2010, 1, 1)
    )
    involve(other, "norfolk-mace")
    hits = child_search(norfolk_worker, "Jordan Whitfield")
    assert hits[0].child == jordan


def test_it_finds_a_child_by_identifier_typed_any_way(norfolk_worker, jordan) -> None:
    ChildIdentifier.objects.create(
        child=jordan,
        kind=Code.objects.get(code_list__key="identifier-kind", code="police"),
        value="09/123456A",
        value_normalised="09123456A",
    )
    for typed in ("09/123456A", "09 123456 a", "09123456a"):
        hits = child_search(norfolk_worker, typed)
        assert [h.child for h in hits] == [jordan]
        assert hits[0].matched_on == "identifier"


def test_it_does_not_return_unrelated_names(norfolk_worker, jordan) -> None:
    assert child_search(norfolk_worker, "Amelia Hartley") == []


def test_it_never_finds_a_child_outside_the_users_scope(jordan) -> None:
    outsider = person(
        "exploitation_practitioner", "cambs-yss", "cambs-safe", username="lewis.outsider"
    )
    assert child_search(outsider, "Jordan Whitfield") == []


def test_a_search_is_audited_with_its_results(norfolk_worker, jordan) -> None:
    from reachable.audit.models import AuditEvent

    child_search(norfolk_worker, "Jordan Whitfield")
    event = AuditEvent.objects.filter(user=norfolk_worker, action="child.search").latest("seq")
    assert event.detail["results"] == [jordan.pk]
