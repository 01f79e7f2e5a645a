"""Break-glass, restriction of processing and disputes, through the services and the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from reachable.audit.models import AuditEvent
from reachable.children.selectors import child_get_for_user, children_visible
from reachable.children.services import child_update
from reachable.sharing.models import Alert, BreakGlass, Dispute
from reachable.sharing.services import (
    break_glass_open,
    dispute_raise,
    dispute_resolve,
    restriction_lift,
    restriction_place,
)
from reachable.testing import involve, make_child, page, person, share, signed_in_client

pytestmark = pytest.mark.django_db

REASON = "Found at a trap house at 2am; his own team is unreachable tonight"


@pytest.fixture
def kit(db):
    """A custody practitioner at Wymondham, her manager, another team's manager, and the DPO."""
    return person("custody_practitioner", "norfolk-yjs", "norfolk-custody-ei", username="kit.ei")


@pytest.fixture
def kits_manager(db):
    return person("team_manager", "norfolk-yjs", "norfolk-custody-ei", username="lou.manager")


@pytest.fixture
def other_manager(db):
    return person("team_manager", "cambs-yss", "cambs-safe", username="raj.manager")


def test_break_glass_opens_the_record_for_a_limited_time_and_tells_the_right_people(
    kit, kits_manager, other_manager, dee, settings
) -> None:
    settings.REACHABLE_BREAK_GLASS_MINUTES = 30
    child = make_child()
    involve(child, "cambs-safe")
    assert not children_visible(kit).filter(pk=child.pk).exists()

    glass = break_glass_open(user=kit, child_pk=child.pk, reason=REASON)

    assert child_get_for_user(kit, child.pk) == child
    assert glass.expires_at - glass.opened_at == dt.timedelta(minutes=30)
    event = AuditEvent.objects.get(action="breakglass.open", child_id=child.pk)
    assert event.is_break_glass
    assert event.reason == REASON
    told = set(
        Alert.objects.filter(kind="break-glass").values_list("recipient__username", flat=True)
    )
    assert told == {"lou.manager", "dee.dpo"}
    assert REASON in Alert.objects.get(recipient=dee).message

    BreakGlass.objects.filter(pk=glass.pk).update(expires_at=timezone.now())
    assert not children_visible(kit).filter(pk=child.pk).exists(), "closes by itself"


def test_break_glass_needs_a_real_reason_and_a_real_record(kit) -> None:
    child = make_child()
    with pytest.raises(ValidationError) as refused:
        break_glass_open(user=kit, child_pk=child.pk, reason="urgent")
    assert "reason" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        break_glass_open(user=kit, child_pk=999_999, reason=REASON)
    assert "record" in refused.value.message_dict
    assert not BreakGlass.objects.exists()


def test_break_glass_page_opens_the_record_and_partners_cannot_use_it(kit) -> None:
    child = make_child()
    client = signed_in_client(kit)
    response = client.post(
        "/sharing/break-glass/", {"record": child.pk, "reason": REASON, "understood": "on"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/children/{child.pk}/"
    assert "Emergency access open until" in page(client.get(response["Location"]))

    partner = person("partner_user", "norfolk-education", "northgate-safeguarding")
    assert signed_in_client(partner).get("/sharing/break-glass/").status_code == 403


def test_a_restricted_record_can_be_read_but_not_changed_or_shared(dee) -> None:
    mo = person("exploitation_practitioner", "norfolk-childrens", "norfolk-mace")
    child = make_child(given_name="Jay")
    involve(child, "norfolk-mace", worker=mo)
    restriction = restriction_place(user=dee, child=child, reason="Accuracy contested by mother")

    assert child_get_for_user(mo, child.pk) == child
    with pytest.raises(ValidationError, match="restricted"):
        child_update(user=mo, child=child, given_name="Jason")
    with pytest.raises(ValidationError, match="restricted"):
        share(child, "norfolk-education", by=mo)
    client = signed_in_client(mo)
    assert "Processing of this record is restricted" in page(client.get(f"/children/{child.pk}/"))

    restriction_lift(user=dee, restriction=restriction)
    child_update(user=mo, child=child, given_name="Jason", reason="Corrected")
    child.refresh_from_db()
    assert child.given_name == "Jason"


def test_a_dispute_shows_on_the_record_until_resolved(dee) -> None:
    mo = person("exploitation_practitioner", "norfolk-childrens", "norfolk-mace")
    child = make_child()
    involve(child, "norfolk-mace", worker=mo)
    client = signed_in_client(mo)
    response = client.post(
        f"/sharing/children/{child.pk}/dispute/",
        {
            "what": "Chronology entry of 3 May",
            "on_behalf_of": "The child",
            "details": "He was at school that day, not in Ipswich",
        },
    )
    assert response.status_code == 302
    assert "Disputed: Chronology entry of 3 May" in page(client.get(f"/children/{child.pk}/"))

    dispute = Dispute.objects.get(child=child)
    with pytest.raises(ValidationError):
        dispute_resolve(user=dee, dispute=dispute, status="corrected", outcome="")
    dispute_resolve(
        user=dee, dispute=dispute, status="corrected", outcome="Entry corrected with the school"
    )
    assert "Disputed:" not in page(client.get(f"/children/{child.pk}/"))
    with pytest.raises(ValidationError, match="already"):
        dispute_resolve(user=dee, dispute=dispute, status="corrected", outcome="Again and again")


def test_a_dispute_needs_what_who_and_details() -> None:
    mo = person("exploitation_practitioner", "norfolk-childrens", "norfolk-mace")
    with pytest.raises(ValidationError) as refused:
        dispute_raise(user=mo, child=make_child(), what="", on_behalf_of="", details="no")
    assert set(refused.value.message_dict) == {"what", "on_behalf_of", "details"}


def test_the_data_protection_lead_sees_holds_restrictions_and_who_viewed(dee) -> None:
    mo = person("exploitation_practitioner", "norfolk-childrens", "norfolk-mace", username="mo")
    child = make_child()
    involve(child, "norfolk-mace", worker=mo)
    child_get_for_user(mo, child.pk)
    client = signed_in_client(dee)
    assert (
        client.post(
            f"/sharing/governance/{child.pk}/hold/", {"reason": "Serious case review under way"}
        ).status_code
        == 302
    )
    text = page(client.get(f"/sharing/governance/{child.pk}/"))
    assert "On hold" in text
    assert "Serious case review" in text
    assert "Opened the record" in text
    assert '<td class="govuk-table__cell">mo</td>' in text
    assert client.post(f"/sharing/governance/{child.pk}/lift/hold/").status_code == 302
    assert "On hold" not in page(client.get(f"/sharing/governance/{child.pk}/"))
