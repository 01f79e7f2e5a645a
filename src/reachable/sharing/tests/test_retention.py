"""The retention job on synthetic data: it lists exactly what is due, keeps what is held, deletes or
anonymises only after approval, leaves tombstones in the audit log, and never brings anything back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from reachable.audit.models import AuditEvent
from reachable.audit.services import audit_verify
from reachable.casework.models import Case, PeerLink
from reachable.children.models import Child
from reachable.core.models import Team
from reachable.sharing.models import RetentionItem, RetentionReview
from reachable.sharing.retention import retention_review_create, retention_review_decide
from reachable.sharing.services import legal_hold_place, restriction_place
from reachable.sharing.tests.conftest import child_with_data_everywhere
from reachable.testing import make_child, make_detention, signed_in_client

pytestmark = pytest.mark.django_db


def _born(years_ago: int, days: int = 0) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years_ago) - dt.timedelta(days=days)


def _rows_about(child_ids: set[int]) -> int:
    """Rows in any table with a foreign key to a child, for these children."""
    total = 0
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if f.is_relation and f.related_model is Child:
                total += model._default_manager.filter(**{f"{f.name}__in": child_ids}).count()
    return total


LONG_AGO = timezone.now() - dt.timedelta(days=11 * 365)


def _all_activity_long_ago(child: Child) -> None:
    """Everything that happened on the record happened when the child was a child."""
    from reachable.casework.models import ChronologyEntry, Referral
    from reachable.custody.models import Detention

    Detention.objects.filter(child=child).update(
        arrested_at=LONG_AGO - dt.timedelta(hours=1), arrived_at=LONG_AGO
    )
    Referral.objects.filter(child=child).update(
        received_at=LONG_AGO, decision=Referral.Decision.ACCEPTED
    )
    ChronologyEntry.objects.filter(child=child).update(occurred_at=LONG_AGO)
    Case.objects.filter(child=child).update(closed_at=LONG_AGO)


@pytest.fixture
def cohort(db):
    """Custody-only children either side of the 6-years-after-18 line, one with a case, one whose
    closed case passed 7 years after 18, and one whose case is still open. Their detentions were
    when they were children."""
    due_custody = make_child(date_of_birth=_born(24, days=1))
    make_detention(due_custody, arrived=LONG_AGO)
    not_yet = make_child(date_of_birth=_born(24, days=-1))
    make_detention(not_yet, arrived=LONG_AGO)
    with_case = make_child(date_of_birth=_born(30))
    make_detention(with_case, arrived=LONG_AGO)
    Case.objects.create(
        child=with_case, team=Team.objects.get(slug="norfolk-mace"), opened_at=LONG_AGO
    )
    closed = child_with_data_everywhere(born=_born(26)).child
    _all_activity_long_ago(closed)
    still_open = child_with_data_everywhere(born=_born(26)).child
    return {
        "due custody": due_custody,
        "not yet": not_yet,
        "with case": with_case,
        "closed case": closed,
        "open case": still_open,
    }


def test_a_later_detention_or_a_waiting_referral_keeps_a_record_from_being_due(cohort) -> None:
    from reachable.casework.models import Referral

    # Detained again last year, as an adult: the custody record's clock starts again.
    make_detention(cohort["due custody"], arrived=timezone.now() - dt.timedelta(days=300))
    # A new referral, not yet triaged, for the child whose case closed long ago.
    Referral.objects.filter(child=cohort["closed case"]).update(
        decision=Referral.Decision.PENDING, received_at=timezone.now()
    )
    assert retention_review_create() is None


def test_anonymising_removes_the_subject_access_export_and_deleting_keeps_the_request(
    cohort, dee
) -> None:
    from reachable.sharing.models import SubjectAccessRequest

    closed = cohort["closed case"]
    SubjectAccessRequest.objects.filter(child=closed).update(export=b"PK-a-whole-copy")
    custody = cohort["due custody"]
    asked = SubjectAccessRequest.objects.create(
        child=custody,
        requested_child_id=custody.pk,
        requester="The child's father",
        received_on=timezone.localdate(),
        recorded_by=dee,
        recorded_at=timezone.now(),
        export=b"PK-another-copy",
    )
    review = retention_review_create()
    assert review is not None
    retention_review_decide(user=dee, review=review, approve=True)
    assert not SubjectAccessRequest.objects.filter(child=closed).exclude(export=None).exists()
    asked.refresh_from_db()
    assert (asked.child_id, asked.export) == (None, None)
    assert asked.requested_child_id == custody.pk  # that a request was answered stays
    assert "father" not in asked.requester


def test_the_job_lists_exactly_what_is_due(cohort) -> None:
    review = retention_review_create()
    assert review is not None
    listed = {i.child_id: i.rule.key for i in review.items.select_related("rule")}
    assert listed == {
        cohort["due custody"].pk: "custody-contact-nfa",
        cohort["closed case"].pk: "exploitation-case-closed",
    }
    assert retention_review_create() is None, "a pending review is not listed again"


def test_approval_deletes_and_anonymises_exactly_what_is_due(cohort, dee) -> None:
    untouched = {k: c.pk for k, c in cohort.items() if k not in {"due custody", "closed case"}}
    rows_before = {k: _rows_about({pk}) for k, pk in untouched.items()}
    review = retention_review_create()
    assert review is not None

    retention_review_decide(user=dee, review=review, approve=True)

    deleted = cohort["due custody"].pk
    assert not Child.objects.filter(pk=deleted).exists()
    assert _rows_about({deleted}) == 0
    anonymised = Child.objects.get(pk=cohort["closed case"].pk)
    assert anonymised.given_name == "Anonymised"
    assert anonymised.date_of_birth.day == 1
    assert anonymised.identifiers.count() == 0
    assert anonymised.carers.count() == 0
    assert Case.objects.filter(child=anonymised).exists(), "kept for statistics"
    assert not PeerLink.objects.filter(child=anonymised).exists()
    assert PeerLink.objects.filter(peer=anonymised).exists(), "the other child's link stays"
    assert not Child.objects.filter(pk__in=[anonymised.pk], given_name="Jay").exists()
    assert {k: _rows_about({pk}) for k, pk in untouched.items()} == rows_before

    tombstones = AuditEvent.objects.filter(action__in=["retention.delete", "retention.anonymise"])
    assert {(e.action, e.child_id) for e in tombstones} == {
        ("retention.delete", deleted),
        ("retention.anonymise", anonymised.pk),
    }
    assert all(e.detail["review"] == review.pk and e.detail["rows"] > 0 for e in tombstones)
    assert "Okafor" not in str(list(tombstones.values_list("detail", flat=True)))
    assert audit_verify().ok

    # The next day nothing comes back and nothing is listed again.
    assert retention_review_create() is None
    assert not Child.objects.filter(pk=deleted).exists()


def test_a_legal_hold_keeps_a_record_even_when_placed_after_the_listing(cohort, dee) -> None:
    legal_hold_place(user=dee, child=cohort["due custody"], reason="Civil claim pending")
    review = retention_review_create()
    assert review is not None
    held = review.items.get(child_id=cohort["due custody"].pk)
    assert held.state == RetentionItem.State.HELD

    # A restriction placed after listing also wins.
    restriction_place(user=dee, child=cohort["closed case"], reason="Accuracy contested")
    retention_review_decide(user=dee, review=review, approve=True)
    assert Child.objects.filter(pk=cohort["due custody"].pk).exists()
    assert Child.objects.get(pk=cohort["closed case"].pk).given_name == "Jay"
    assert not AuditEvent.objects.filter(action__startswith="retention.delete").exists()
    assert set(review.items.values_list("state", flat=True)) == {"held"}


def test_rejection_keeps_everything_and_needs_a_reason(cohort, dee) -> None:
    review = retention_review_create()
    assert review is not None
    with pytest.raises(ValidationError):
        retention_review_decide(user=dee, review=review, approve=False, note="")
    retention_review_decide(
        user=dee, review=review, approve=False, note="Schedule under review by the board"
    )
    assert Child.objects.filter(pk=cohort["due custody"].pk).exists()
    assert set(review.items.values_list("state", flat=True)) == {"kept"}
    with pytest.raises(ValidationError, match="already"):
        retention_review_decide(user=dee, review=review, approve=True)


def test_the_review_page_approves_in_one_step(cohort, dee) -> None:
    review = retention_review_create()
    assert review is not None
    client = signed_in_client(dee)
    listing = client.get(f"/sharing/governance/retention/{review.pk}/").content.decode()
    assert "1 due" not in listing
    assert "2 due" in listing
    response = client.post(
        f"/sharing/governance/retention/{review.pk}/", {"decision": "approve", "note": ""}
    )
    assert response.status_code == 302
    assert RetentionReview.objects.get(pk=review.pk).status == "approved"
    assert not Child.objects.filter(pk=cohort["due custody"].pk).exists()


def test_an_approval_stopped_half_way_is_finished_later_and_nothing_is_done_twice(
    cohort, dee, monkeypatch
) -> None:
    from django.core.management import call_command

    from reachable.sharing import retention

    review = retention_review_create()
    assert review is not None
    calls: list[int] = []
    real = {"child_erase": retention.child_erase, "child_anonymise": retention.child_anonymise}

    def dies_on_the_second_record(name):
        def run(child):
            calls.append(child.pk)
            if len(calls) == 2:  # the worker is killed while carrying out the second record
                raise RuntimeError("killed")
            return real[name](child)

        return run

    for name in real:
        monkeypatch.setattr(retention, name, dies_on_the_second_record(name))
    with pytest.raises(RuntimeError):
        retention_review_decide(user=dee, review=review, approve=True)
    first, second = calls
    # The decision and the first record are kept; the second is untouched and still due.
    assert RetentionReview.objects.get(pk=review.pk).status == "approved"
    assert review.items.get(child_id=first).state == "done"
    assert review.items.get(child_id=second).state == "due"
    assert Child.objects.filter(pk=second).exists()

    for name, function in real.items():
        monkeypatch.setattr(retention, name, function)
    call_command("governance_daily")
    assert set(review.items.values_list("state", flat=True)) == {"done"}
    assert not Child.objects.filter(pk=cohort["due custody"].pk).exists()
    assert Child.objects.get(pk=cohort["closed case"].pk).given_name == "Anonymised"
    for action in ("retention.delete", "retention.anonymise"):
        assert AuditEvent.objects.filter(action=action).count() == 1
    assert audit_verify().ok
