"""A merge moves everything about the child to the record kept; what cannot move is settled."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from reachable.children.merge import child_merge, references_to_a_child
from reachable.sharing.models import LegalHold
from reachable.sharing.tests.conftest import child_with_data_everywhere
from reachable.testing import involve, make_child, make_detention, page, person, signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def grace(db):
    return person("team_manager", "norfolk-childrens", "norfolk-mace", username="grace.merge")


def test_every_row_about_the_duplicate_moves_to_the_record_kept(grace) -> None:
    everywhere = child_with_data_everywhere()
    duplicate = everywhere.child
    LegalHold.objects.create(
        child=duplicate, reason="Inquiry", placed_by=grace, placed_at=timezone.now()
    )
    keep = make_child(given_name="Jay", family_name="Okafor")
    involve(keep, "norfolk-mace")

    counts_before = {
        f"{m._meta.label}.{f.name}": m._default_manager.filter(**{f.name: duplicate}).count()
        for m, f in references_to_a_child()
    }
    assert all(counts_before[k] for k in ("custody.Detention.child", "casework.Case.child"))
    child_merge(user=grace, keep=keep, duplicate=duplicate, reason="Same child: same school")

    left = {
        label: n
        for m, f in references_to_a_child()
        if (n := m._default_manager.filter(**{f.name: duplicate}).count())
        for label in [f"{m._meta.label}.{f.name}"]
    }
    assert left == {}, f"left on the duplicate: {left}"
    for label, n in counts_before.items():
        model_label, field = label.rsplit(".", 1)
        model = next(m for m, f in references_to_a_child() if m._meta.label == model_label)
        assert model._default_manager.filter(**{field: keep}).count() >= n, label
    # A legal hold on the duplicate now protects the record kept from retention.
    assert LegalHold.objects.filter(child=keep, reason="Inquiry", lifted_at=None).exists()

    # The kept record's pages show what the duplicate had.
    client = signed_in_client(everywhere.worker)
    assert "Met at school" in page(client.get(f"/casework/children/{keep.pk}/chronology/"))


def test_a_merge_that_would_break_an_only_one_rule_is_refused_and_changes_nothing(grace) -> None:
    keep, duplicate = make_child(), make_child()
    for record in (keep, duplicate):
        involve(record, "norfolk-mace")
    arrested = timezone.now() - dt.timedelta(hours=3)
    make_detention(keep, arrived=arrested)
    recorded_twice = make_detention(duplicate, arrived=arrested)
    with pytest.raises(ValidationError) as refused:
        child_merge(user=grace, keep=keep, duplicate=duplicate, reason="Same child")
    assert "Both records have a detention for the arrest" in str(refused.value)
    recorded_twice.refresh_from_db()
    duplicate.refresh_from_db()
    assert recorded_twice.child_id == duplicate.pk
    assert duplicate.merged_into_id is None


def test_a_peer_link_between_the_two_records_does_not_become_a_link_to_itself(grace) -> None:
    from reachable.casework.models import PeerLink

    keep, duplicate, friend = make_child(), make_child(), make_child()
    for record in (keep, duplicate):
        involve(record, "norfolk-mace")
    now = timezone.now()
    PeerLink.objects.create(child=duplicate, peer=keep, nature="x", recorded_at=now, by=grace)
    PeerLink.objects.create(child=duplicate, peer=friend, nature="y", recorded_at=now, by=grace)
    PeerLink.objects.create(child=keep, peer=friend, nature="z", recorded_at=now, by=grace)
    child_merge(user=grace, keep=keep, duplicate=duplicate, reason="Same child")
    assert not PeerLink.objects.filter(child=keep, peer=keep).exists()
    assert PeerLink.objects.filter(child=keep, peer=friend).count() == 1
