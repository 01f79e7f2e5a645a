"""Retention: which records are due for deletion or anonymisation, the review a data protection
lead approves, and carrying it out with a tombstone in the audit log.

The kinds of record a rule can name are defined here (each is a query); how long each is kept and
what happens then is data (``RetentionRule``, from the partnership file).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, Max, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from reachable.audit.services import audit_record
from reachable.children.matching import name_affixes, name_key
from reachable.children.models import Carer, Child, ChildIdentifier, ChildMerge
from reachable.sharing.models import (
    LegalHold,
    Restriction,
    RetentionItem,
    RetentionReview,
    RetentionRule,
)
from reachable.sharing.record_tree import record_tree, tree_delete

REMOVED = "[removed under the retention schedule]"


def _years_after(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (or earlier, if negative); 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _custody_contact_only() -> QuerySet[Child]:
    """Children met in custody whose contact went no further (no referral, no case)."""
    from reachable.casework.models import Case, Referral
    from reachable.custody.models import Detention

    return Child.objects.filter(
        Exists(Detention.objects.filter(child=OuterRef("pk"))),
        ~Exists(Referral.objects.filter(child=OuterRef("pk"))),
        ~Exists(Case.objects.filter(child=OuterRef("pk"))),
    )


def _exploitation_case_closed() -> QuerySet[Child]:
    """Children whose exploitation cases are all closed and who wait for no referral decision."""
    from reachable.casework.models import Case, Referral

    return Child.objects.filter(
        Exists(Case.objects.filter(child=OuterRef("pk"))),
        ~Exists(Case.objects.filter(child=OuterRef("pk"), closed_at__isnull=True)),
        ~Exists(Referral.objects.filter(child=OuterRef("pk"), decision=Referral.Decision.PENDING)),
    )


RECORD_TYPES: dict[str, Callable[[], QuerySet[Child]]] = {
    "custody-contact": _custody_contact_only,
    "exploitation-case-closed": _exploitation_case_closed,
}

LONG_AGO = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)


# Where each app records that something happened on a child's record.
ACTIVITY = (
    ("custody.Detention", "arrived_at"),
    ("casework.Referral", "received_at"),
    ("casework.Case", "closed_at"),
    ("casework.ChronologyEntry", "occurred_at"),
)


def _activity_models() -> list[tuple[type[models.Model], str]]:
    from django.apps import apps

    return [(apps.get_model(label), column) for label, column in ACTIVITY]


def _quiet_since(moment: dt.datetime) -> list[Any]:
    """Conditions: nothing happened on the record, in any app, after ``moment``. A rule dated from
    case closure alone deleted a later detention, or a referral still waiting, with the rest."""
    return [
        ~Exists(model._default_manager.filter(child=OuterRef("pk"), **{f"{column}__gt": moment}))
        for model, column in _activity_models()
    ]


def _last_activity() -> Any:
    """The newest thing that happened on the record in any app (for the due date)."""

    def newest(model: type[models.Model], column: str) -> Any:
        found = (
            model._default_manager.filter(child=OuterRef("pk"))
            .order_by()
            .values("child")
            .annotate(newest=Max(column))
            .values("newest")
        )
        # SQLite's two-argument max() is NULL when any argument is: never pass it a NULL.
        return Coalesce(Subquery(found), Value(LONG_AGO))

    return Greatest(*(newest(model, column) for model, column in _activity_models()))


def due_under(rule: RetentionRule, today: dt.date) -> list[tuple[int, dt.date]]:
    """(child id, due date) for each record the rule makes due on or before ``today``."""
    cutoff = _years_after(today, -rule.years)
    end_of_cutoff = timezone.make_aware(dt.datetime.combine(cutoff, dt.time.max))
    # Nothing is due while anything happened on the record within the kept years (anti-joins on
    # indexed columns first; the newest date is worked out only for what is left).
    children = RECORD_TYPES[rule.record_type]().filter(
        *_quiet_since(end_of_cutoff), merged_into__isnull=True
    )
    if rule.anchor == RetentionRule.Anchor.EIGHTEENTH_BIRTHDAY:
        children = children.filter(date_of_birth__lte=_years_after(cutoff, -18))
    # Already listed for review, or already anonymised under this rule: not again.
    listed = RetentionItem.objects.filter(
        models.Q(review__status=RetentionReview.Status.PENDING)
        | models.Q(rule=rule, state=RetentionItem.State.DONE)
    ).values("child_id")
    due: list[tuple[int, dt.date]] = []
    for pk, dob, last in (
        children.exclude(pk__in=listed)
        .annotate(last_activity=_last_activity())
        .values_list("pk", "date_of_birth", "last_activity")
    ):
        activity_due = _years_after(timezone.localdate(last), rule.years)
        if rule.anchor == RetentionRule.Anchor.EIGHTEENTH_BIRTHDAY:
            due.append((pk, max(_years_after(dob, 18 + rule.years), activity_due)))
        else:
            due.append((pk, activity_due))
    return due


def _is_held(child_id: int) -> bool:
    return (
        LegalHold.objects.filter(child_id=child_id, lifted_at__isnull=True).exists()
        or Restriction.objects.filter(child_id=child_id, lifted_at__isnull=True).exists()
    )


def _held_among(child_ids: list[int]) -> set[int]:
    """Which of these records are under a legal hold or a restriction now (two queries a batch)."""
    held: set[int] = set()
    for start in range(0, len(child_ids), 5000):
        batch = child_ids[start : start + 5000]
        for model in (LegalHold, Restriction):
            held.update(
                model.objects.filter(child_id__in=batch, lifted_at__isnull=True).values_list(
                    "child_id", flat=True
                )
            )
    return held


def retention_review_create(today: dt.date | None = None) -> RetentionReview | None:
    """The daily job: list what is due under every rule for approval. None if nothing is due."""
    today = today or timezone.localdate()
    with transaction.atomic():
        found: dict[int, tuple[RetentionRule, dt.date]] = {}
        for rule in RetentionRule.objects.order_by("key"):
            for child_id, due_on in due_under(rule, today):
                found.setdefault(child_id, (rule, due_on))
        held = _held_among(list(found))
        items = [
            RetentionItem(
                rule=rule,
                child_id=child_id,
                due_on=due_on,
                state=RetentionItem.State.HELD if child_id in held else RetentionItem.State.DUE,
            )
            for child_id, (rule, due_on) in found.items()
        ]
        if not items:
            return None
        review = RetentionReview.objects.create(created_at=timezone.now())
        for item in items:
            item.review = review
        RetentionItem.objects.bulk_create(items)
        audit_record(
            user=None,
            action="retention.review",
            obj=review,
            detail={"items": len(items), "held": sum(i.state == "held" for i in items)},
        )
    return review


def _scrub(obj: models.Model) -> None:
    """Blank the free text and structured notes of one row, keeping codes, dates and figures."""
    changed: list[str] = []
    for f in obj._meta.concrete_fields:
        if f.is_relation or f.primary_key or f.choices:
            continue
        if isinstance(f, models.TextField) or (isinstance(f, models.CharField) and f.blank):
            setattr(obj, f.attname, "" if f.blank else REMOVED)
            changed.append(f.attname)
        elif isinstance(f, models.JSONField):
            setattr(obj, f.attname, f.get_default())
            changed.append(f.attname)
        elif isinstance(f, models.BinaryField) and f.null:
            # e.g. a subject access export: a whole copy of the record, names and all.
            setattr(obj, f.attname, None)
            changed.append(f.attname)
    if changed:
        type(obj)._default_manager.filter(pk=obj.pk).update(
            **{name: getattr(obj, name) for name in changed}
        )


# Rows that say who the child is, or who is around them: removed outright when anonymising.
IDENTIFYING = (ChildIdentifier, Carer, ChildMerge)


def child_anonymise(child: Child) -> int:
    """Keep the record's shape for statistics (dates, codes, outcomes); remove who the child is."""
    from reachable.casework.models import PeerLink, PlaceLink

    tree = record_tree(child)
    records = set(tree[Child])
    rows = 0
    for model, objects in tree.items():
        if model is PeerLink:
            # The child's own links go; another child's link to this (now nameless) record is
            # part of that child's history and stays.
            own = [pk for pk, link in objects.items() if link.child_id in records]  # type: ignore[attr-defined]
            rows += PeerLink.objects.filter(pk__in=own).delete()[0]
            continue
        if model in IDENTIFYING or model is PlaceLink:
            rows += model._default_manager.filter(pk__in=list(objects)).delete()[0]
            continue
        for obj in objects.values():
            if isinstance(obj, Child):
                continue
            _scrub(obj)
            rows += 1
    for record in tree[Child].values():
        assert isinstance(record, Child)
        dob = record.date_of_birth
        given, family = "Anonymised", f"record {record.pk}"
        Child.objects.filter(pk=record.pk).update(
            given_name=given,
            family_name=family,
            known_as="",
            # The birth month is kept for age bands; the day is not.
            date_of_birth=dob.replace(day=1),
            given_name_key=name_key(given),
            family_name_key=name_key(family),
            given_name_prefix=name_affixes(given)[0],
            given_name_suffix=name_affixes(given)[1],
            family_name_prefix=name_affixes(family)[0],
            family_name_suffix=name_affixes(family)[1],
            updated_at=timezone.now(),
        )
        rows += 1
    return rows


def child_erase(child: Child) -> int:
    """Delete every row about the child, except the log of subject access requests: that the
    request was received and answered stays (the data protection lead's evidence), without the
    export or anything saying who the child was."""
    from reachable.sharing.models import SubjectAccessRequest

    tree = record_tree(child)
    requests = tree.pop(SubjectAccessRequest, {})
    SubjectAccessRequest.objects.filter(pk__in=list(requests)).update(
        child=None, export=None, requester=REMOVED
    )
    return tree_delete(tree)


def retention_review_decide(
    *, user: Any, review: RetentionReview, approve: bool, note: str = ""
) -> RetentionReview:
    """Approve (and carry out) or reject a review.

    The decision is recorded first, in a short transaction of its own; then each record is deleted
    or anonymised in its own transaction (``retention_carry_out``). One transaction for thousands
    of records held the audit chain's lock for minutes and stalled every audited read in the
    partnership. Each record is still all-or-nothing, and a run stopped half-way (a restart, a
    crash) is finished by the next ``governance_daily`` or by approving again: nothing is done twice.
    """
    if not approve and len(note.strip()) < 10:
        raise ValidationError({"note": ["Say why the review is rejected."]})
    with transaction.atomic():
        # Read again under a lock: two people deciding at once must not both decide it.
        review = RetentionReview.objects.select_for_update().get(pk=review.pk)
        if review.status != RetentionReview.Status.PENDING:
            raise ValidationError("This review has already been decided.")
        if not approve:
            review.items.filter(state=RetentionItem.State.DUE).update(
                state=RetentionItem.State.KEPT
            )
        review.status = (
            RetentionReview.Status.APPROVED if approve else RetentionReview.Status.REJECTED
        )
        review.decided_by, review.decided_at = user, timezone.now()
        review.decision_note = note.strip()
        review.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit_record(
            user=user,
            action="retention.approve" if approve else "retention.reject",
            obj=review,
            reason=review.decision_note,
        )
    if approve:
        retention_carry_out(review)
    return review


def retention_carry_out(review: RetentionReview) -> int:
    """Delete or anonymise each record still due under an approved review, one transaction per
    record. Returns how many records were carried out (held ones are kept and counted apart)."""
    if review.status != RetentionReview.Status.APPROVED:
        return 0
    done = 0
    for item_pk in list(
        review.items.filter(state=RetentionItem.State.DUE).values_list("pk", flat=True)
    ):
        with transaction.atomic():
            item = (
                RetentionItem.objects.select_for_update()
                .select_related("rule")
                .filter(pk=item_pk, state=RetentionItem.State.DUE)
                .first()
            )
            if item is None:  # carried out meanwhile by another run
                continue
            if _is_held(item.child_id):
                # A hold placed after the listing still wins.
                item.state = RetentionItem.State.HELD
                item.save(update_fields=["state"])
                continue
            child = Child.objects.select_for_update().filter(pk=item.child_id).first()
            if child is not None:
                erase = item.rule.action == RetentionRule.Action.DELETE
                item.rows_affected = child_erase(child) if erase else child_anonymise(child)
                audit_record(
                    user=review.decided_by,
                    action=f"retention.{item.rule.action}",
                    child_id=item.child_id,
                    reason=f"Retention rule {item.rule.key}, review {review.pk}",
                    detail={
                        "rule": item.rule.key,
                        "review": review.pk,
                        "due_on": item.due_on.isoformat(),
                        "rows": item.rows_affected,
                    },
                )
            item.state = RetentionItem.State.DONE
            item.save(update_fields=["state", "rows_affected"])
            done += 1
    return done
