"""Merging a duplicate record into the one kept: everything about the child moves with it.

Every foreign key in the project that points at a child's record is found from the schema, not
from a list, so a table added by a later app moves too. What cannot move without breaking a
"only one" rule is settled explicitly: where both records hold the same arrest or an open case
with the same team, the merge is refused with what to do first; a service status or a peer link
the kept record already has stays with the duplicate as history (the kept record's wins), and a
peer link between the two records is not turned into a link from the child to itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from reachable.accounts.permissions import can
from reachable.audit.services import audit_record
from reachable.children.access import child_write_check
from reachable.children.models import Child, ChildMerge

# References that record the merge itself, or a request made about one record number.
STAY_WITH_THE_DUPLICATE = {
    ("children.Child", "merged_into"),
    ("children.ChildMerge", "kept"),
    ("children.ChildMerge", "merged"),
    ("sharing.SubjectAccessRequest", "child"),
}


def references_to_a_child() -> Iterator[tuple[type[models.Model], models.Field[Any, Any]]]:
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            moves = (model._meta.label, field.name) not in STAY_WITH_THE_DUPLICATE
            if field.is_relation and field.related_model is Child and moves:
                yield model, field


def _snapshot(child: Child) -> dict[str, Any]:
    from reachable.children.services import EDITABLE_FIELDS

    return {
        **model_to_dict(child, fields=(*EDITABLE_FIELDS, "id")),
        "identifiers": [(i.kind.code, i.value) for i in child.identifiers.select_related("kind")],
        "carers": [
            (c.name, c.relationship.code) for c in child.carers.select_related("relationship")
        ],
        "services": [(s.service.code, s.status) for s in child.services.select_related("service")],
    }


def _conflicts(keep: Child, duplicate: Child) -> list[str]:
    """What both records hold that the rules allow only once: the person must settle it first."""
    from reachable.casework.models import Case

    problems = []
    arrests = set(keep.detentions.values_list("arrested_at", flat=True))
    for d in duplicate.detentions.filter(arrested_at__in=arrests).select_related("suite"):
        problems.append(
            f"Both records have a detention for the arrest at {timezone.localtime(d.arrested_at):%d %b %Y %H:%M} "
            f"({d.suite.name}). Ask the custody team to correct or remove the one recorded twice, "
            "then merge."
        )
    open_teams = set(
        Case.objects.filter(child=keep)
        .exclude(status=Case.Status.CLOSED)
        .values_list("team", flat=True)
    )
    for case in (
        Case.objects.filter(child=duplicate, team__in=open_teams)
        .exclude(status=Case.Status.CLOSED)
        .select_related("team")
    ):
        problems.append(
            f"Both records have an open case with {case.team.name}. Close one of them (its work "
            "stays in the history) or transfer it, then merge."
        )
    return problems


def _move(keep: Child, duplicate: Child) -> dict[str, int]:
    """Re-point every reference from the duplicate to the kept record. Returns rows moved by table."""
    from reachable.casework.models import PeerLink
    from reachable.children.models import ServiceStatus

    moved: dict[str, int] = {}
    for model, field in references_to_a_child():
        rows = model._default_manager.filter(**{field.name: duplicate})
        if model is ServiceStatus:
            rows = rows.exclude(service__in=keep.services.values("service"))
        elif model is PeerLink:
            other = "peer" if field.name == "child" else "child"
            already = PeerLink.objects.filter(**{field.name: keep}).values(other)
            rows = rows.exclude(**{f"{other}__in": already}).exclude(**{other: keep})
        count = rows.update(**{field.name: keep})
        if count:
            label = f"{model._meta.label}.{field.name}"
            moved[label] = moved.get(label, 0) + count
    return moved


def child_merge(*, user: Any, keep: Child, duplicate: Child, reason: str) -> ChildMerge:
    """Fold a duplicate record into the one kept. The duplicate stays, marked merged, for history."""
    if not can(user, "child.merge"):
        raise ValidationError("Only a team manager can merge records.")
    for record in (keep, duplicate):
        child_write_check(user, record.pk, "child.merge", "merge these records")
    if not reason.strip():
        raise ValidationError({"reason": ["Say why these are the same child."]})
    if keep.pk == duplicate.pk:
        raise ValidationError({"duplicate": ["Choose two different records."]})
    with transaction.atomic():
        # Lock both records, lowest number first, so two merges of the same pair (in either
        # direction) run one after the other: the second then sees the first's result.
        locked = {
            c.pk: c
            for c in Child.objects.select_for_update()
            .filter(pk__in=[keep.pk, duplicate.pk])
            .order_by("pk")
        }
        return _merge_locked(
            user=user, keep=locked[keep.pk], duplicate=locked[duplicate.pk], reason=reason
        )


def _merge_locked(*, user: Any, keep: Child, duplicate: Child, reason: str) -> ChildMerge:
    if keep.merged_into_id or duplicate.merged_into_id:
        raise ValidationError(
            {
                "duplicate": [
                    "One of these records has already been merged; use the record it was merged into."
                ]
            }
        )
    problems = _conflicts(keep, duplicate)
    if problems:
        raise ValidationError({"duplicate": problems})
    snapshot = _snapshot(duplicate)
    moved = _move(keep, duplicate)
    duplicate.merged_into = keep
    duplicate.updated_at = timezone.now()
    duplicate.save(update_fields=["merged_into", "updated_at"])
    merge = ChildMerge.objects.create(
        kept=keep, merged=duplicate, merged_by=user, reason=reason.strip(), snapshot=snapshot
    )
    for child_id in (keep.pk, duplicate.pk):
        audit_record(
            user=user,
            action="child.merge",
            obj=merge,
            child_id=child_id,
            reason=reason,
            detail={"kept": keep.pk, "merged": duplicate.pk, "moved": moved},
        )
    return merge
