"""Two people (or one double-click) doing the same thing at the same moment: no duplicate, no
half-done merge, no server error. The races need real row locks, so these run on PostgreSQL; the
same calls one after the other are checked on every database."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from reachable.casework import services as casework
from reachable.casework.models import Referral
from reachable.children.merge import child_merge
from reachable.children.models import Child
from reachable.core.models import Team
from reachable.testing import ON_POSTGRES, at_once, involve, make_child, make_detention, person


@pytest.fixture
def partnership(transactional_db) -> Iterator[None]:
    """Transactional tests start from an emptied database; the audit guard would refuse emptying."""
    from reachable.audit import guard
    from reachable.core.services import partnership_load

    partnership_load()
    yield
    guard.drop(connection)


def _refer(user: Any, child: Child, **extra: Any) -> Callable[[], Referral]:
    values = {"concerns": "Seen with older boys at the station", "urgency": "urgent"}
    values.update(extra)
    return lambda: casework.referral_make(
        user=user,
        child=child,
        to_team=Team.objects.get(slug="norfolk-mace"),
        consent="given",
        **values,
    )


def _people() -> tuple[Any, Any]:
    grace = person("team_manager", "norfolk-childrens", "norfolk-mace", username="grace")
    priya = person("custody_practitioner", "norfolk-yjs", "norfolk-custody-ei", username="priya")
    return grace, priya


@ON_POSTGRES
def test_two_merges_of_the_same_pair_in_opposite_directions(partnership) -> None:
    grace, _ = _people()
    a, b = make_child(), make_child()
    for child in (a, b):
        involve(child, "norfolk-mace")
    results = at_once(
        lambda: child_merge(user=grace, keep=a, duplicate=b, reason="Same school, same carer"),
        lambda: child_merge(user=grace, keep=b, duplicate=a, reason="Same school, same carer"),
    )
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1, results
    assert "already been merged" in str(refused[0])
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.merged_into_id is None) != (b.merged_into_id is None)  # one kept, no cycle


@ON_POSTGRES
def test_a_double_clicked_referral_is_made_once(partnership) -> None:
    _, priya = _people()
    child = make_child()
    involve(child, "norfolk-custody-ei")
    results = at_once(_refer(priya, child), _refer(priya, child))
    assert all(isinstance(r, Referral) for r in results), results
    assert results[0].pk == results[1].pk
    assert Referral.objects.filter(child=child).count() == 1


@ON_POSTGRES
def test_a_detention_is_handed_over_once_when_two_hand_overs_race(partnership) -> None:
    _, priya = _people()
    child = make_child()
    involve(child, "norfolk-custody-ei")
    detention = make_detention(child)
    results = at_once(
        _refer(priya, child, detention=detention, concerns="Handed over from custody"),
        _refer(priya, child, detention=detention, concerns="Handed over, with the visit notes"),
    )
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1, results
    assert "already been handed over" in str(refused[0])
    assert Referral.objects.filter(detention=detention).count() == 1


@pytest.mark.django_db
def test_the_same_referral_sent_twice_is_kept_once() -> None:
    _, priya = _people()
    child = make_child()
    involve(child, "norfolk-custody-ei")
    first, again = _refer(priya, child)(), _refer(priya, child)()
    assert first.pk == again.pk
    with pytest.raises(ValidationError, match="already has a referral"):
        _refer(priya, child, concerns="Something different")()


@ON_POSTGRES
def test_an_import_and_a_child_added_meanwhile_never_take_the_same_id(partnership) -> None:
    import datetime as dt

    from django.utils import timezone

    from reachable.custody.importer import detentions_import

    _, priya = _people()
    arrested = timezone.localtime() - dt.timedelta(days=2)
    header = (
        "custody_reference,suite,arrested_at,arrived_at,offence,given_name,family_name,"
        "date_of_birth,sex,home_la\n"
    )
    lines = [
        f"R{i},wymondham-pic,{arrested:%Y-%m-%d %H:%M},"
        f"{arrested + dt.timedelta(minutes=40):%Y-%m-%d %H:%M},pwits-a,Child{i},Import,"
        f"{timezone.localdate() - dt.timedelta(days=5800):%Y-%m-%d},M,hackney\n"
        for i in range(50)
    ]
    from reachable.lib.bulk import reset_sequences

    make_child(given_name="Before", family_name="Import")
    reset_sequences(Child)  # as in a live system: the sequence stands at the highest id
    imported, added_meanwhile = threading.Event(), threading.Event()
    from reachable.custody import importer

    real_insert = importer.bulk_insert

    def insert_then_let_the_other_in(model: Any, *args: Any, **kwargs: Any) -> int:
        count = real_insert(model, *args, **kwargs)
        if model is Child:
            # The import's new children are written, not committed: a practitioner adds a child
            # through the pages now.
            imported.set()
            added_meanwhile.wait(timeout=3)
        return count

    def import_slowly() -> Any:
        return detentions_import(user=priya, text=header + "".join(lines))

    def add_a_child() -> Any:
        imported.wait(timeout=30)
        try:
            return make_child(given_name="Added", family_name="Meanwhile").pk
        finally:
            added_meanwhile.set()

    importer.bulk_insert = insert_then_let_the_other_in
    try:
        result, added = at_once(import_slowly, add_a_child)
    finally:
        importer.bulk_insert = real_insert
    assert not isinstance(result, Exception), result
    assert not isinstance(added, Exception), added
    assert result.ok, result.errors
    assert Child.objects.filter(family_name="Import").count() == 51
    assert Child.objects.filter(pk=added, family_name="Meanwhile").exists()
