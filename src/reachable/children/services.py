"""Writes to children's records: validation, then save, then audit, in one transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from reachable.accounts.permissions import can, team_ids_for
from reachable.audit.services import audit_record
from reachable.children.access import child_write_check
from reachable.children.identifiers import normalise_identifier, validate_identifier
from reachable.children.matching import name_affixes, name_key
from reachable.children.models import (
    Carer,
    Child,
    ChildIdentifier,
    Involvement,
    ServiceStatus,
)
from reachable.core.models import Area, Code, Team

OLDEST_AGE = 25  # the oldest person a "child" record may describe: care leavers to 25


@dataclass(frozen=True)
class IdentifierInput:
    kind: Code
    value: str


def _validate_person(
    *, given_name: str, family_name: str, date_of_birth: dt.date
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not given_name.strip():
        errors["given_name"] = ["Enter the child's first name."]
    if not family_name.strip():
        errors["family_name"] = ["Enter the child's last name."]
    today = timezone.localdate()
    if date_of_birth > today:
        errors["date_of_birth"] = ["Date of birth must be in the past."]
    elif today.year - date_of_birth.year > OLDEST_AGE + 1:
        errors["date_of_birth"] = [f"Date of birth must be within the last {OLDEST_AGE} years."]
    return errors


def _check_identifiers(
    identifiers: list[IdentifierInput], *, exclude_child: Child | None = None
) -> dict[str, list[str]]:
    errors: list[str] = []
    for ident in identifiers:
        try:
            validate_identifier(ident.kind.code, ident.value)
        except ValidationError as exc:
            errors.append(f"{ident.kind.label}: {exc.messages[0]}")
            continue
        clash = ChildIdentifier.objects.filter(
            kind=ident.kind, value_normalised=normalise_identifier(ident.value)
        )
        if exclude_child is not None:
            clash = clash.exclude(child=exclude_child)
        if clash.exists():
            errors.append(
                f"{ident.kind.label} {ident.value} already belongs to another child's record; "
                "search for it, and merge the records if they are the same child."
            )
    return {"identifiers": errors} if errors else {}


def _apply_name_keys(child: Child) -> None:
    child.given_name_key = name_key(child.given_name)
    child.family_name_key = name_key(child.family_name)
    child.given_name_prefix, child.given_name_suffix = name_affixes(child.given_name)
    child.family_name_prefix, child.family_name_suffix = name_affixes(child.family_name)


def child_create(
    *,
    user: Any,
    given_name: str,
    family_name: str,
    date_of_birth: dt.date,
    sex: Code,
    ethnicity: Code | None = None,
    home_la: Area | None = None,
    known_as: str = "",
    team: Team | None = None,
    identifiers: list[IdentifierInput] | None = None,
) -> Child:
    """Create a child's record, and an involvement for the creator's team so they can go on seeing it."""
    if not can(user, "child.create"):
        raise ValidationError("Your role cannot add children's records.")
    identifiers = identifiers or []
    errors = _validate_person(
        given_name=given_name, family_name=family_name, date_of_birth=date_of_birth
    )
    errors.update(_check_identifiers(identifiers))
    allowed_teams = team_ids_for(user, "child.create")
    if team is None and allowed_teams:
        team = Team.objects.get(pk=allowed_teams[0])
    if team is None or team.pk not in allowed_teams:
        errors["team"] = ["Choose one of your own teams to hold this record."]
    if errors:
        raise ValidationError(errors)
    assert team is not None  # narrowed by the check above
    return _insert_child(
        user=user,
        team=team,
        worker=user,
        reason="Created the record",
        identifiers=identifiers,
        person={
            "given_name": given_name,
            "family_name": family_name,
            "known_as": known_as,
            "date_of_birth": date_of_birth,
            "sex": sex,
            "ethnicity": ethnicity,
            "home_la": home_la,
        },
    )


def child_add_for_team(*, user: Any, team: Team, reason: str, **person: Any) -> Child:
    """Add a child's record held by another team than the user's: a partner refers a child and the
    receiving team holds the record. The user gets no access to it. Callers check the user may
    refer; this only validates the person's details (the fields of ``child_create``)."""
    errors = _validate_person(
        given_name=person["given_name"],
        family_name=person["family_name"],
        date_of_birth=person["date_of_birth"],
    )
    if errors:
        raise ValidationError(errors)
    return _insert_child(
        user=user, team=team, worker=None, reason=reason, identifiers=[], person=person
    )


def _insert_child(
    *,
    user: Any,
    team: Team,
    worker: Any,
    reason: str,
    identifiers: list[IdentifierInput],
    person: dict[str, Any],
) -> Child:
    """Save a validated new record with its identifiers and the team holding it, and audit it."""
    now = timezone.now()
    text = ("given_name", "family_name", "known_as")
    with transaction.atomic():
        child = Child(
            **{k: (v or "").strip() if k in text else v for k, v in person.items()},
            created_at=now,
            updated_at=now,
            created_by=user,
        )
        _apply_name_keys(child)
        child.save()
        for ident in identifiers:
            ChildIdentifier.objects.create(
                child=child,
                kind=ident.kind,
                value=validate_identifier(ident.kind.code, ident.value),
                value_normalised=normalise_identifier(ident.value),
            )
        Involvement.objects.create(
            child=child, team=team, worker=worker, started_on=now.date(), reason=reason
        )
        audit_record(
            user=user,
            action="child.create",
            obj=child,
            child_id=child.pk,
            detail={"team": team.slug, "identifiers": len(identifiers), "for": reason},
        )
    return child


def involvement_start(
    *, child_id: int, team: Team, reason: str, started_on: dt.date | None = None
) -> None:
    """The team works with the child from now on (if it does not already): that is what lets the
    team see the record."""
    active = Involvement.objects.filter(child_id=child_id, team=team, ended_on__isnull=True)
    if not active.exists():
        Involvement.objects.create(
            child_id=child_id,
            team=team,
            started_on=started_on or timezone.localdate(),
            reason=reason,
        )


def involvement_end(*, child_id: int, team: Team) -> None:
    """The team stops seeing the record now. ``ended_on`` is the last day of access, so yesterday."""
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Involvement.objects.filter(child_id=child_id, team=team, ended_on__isnull=True).update(
        ended_on=yesterday
    )


EDITABLE_FIELDS = (
    "given_name",
    "family_name",
    "known_as",
    "date_of_birth",
    "sex",
    "ethnicity",
    "home_la",
)


def child_update(*, user: Any, child: Child, reason: str = "", **changes: Any) -> Child:
    """Change the person details. The audit event keeps before and after for every changed field."""
    child_write_check(user, child.pk, "child.edit", "change this child's record")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))} here.")
    merged = {
        f: changes.get(f, getattr(child, f)) for f in ("given_name", "family_name", "date_of_birth")
    }
    errors = _validate_person(**merged)
    if errors:
        raise ValidationError(errors)
    before = model_to_dict(child, fields=EDITABLE_FIELDS)
    with transaction.atomic():
        for name, value in changes.items():
            setattr(child, name, value.strip() if isinstance(value, str) else value)
        _apply_name_keys(child)
        child.updated_at = timezone.now()
        child.save()
        after = model_to_dict(child, fields=EDITABLE_FIELDS)
        diff = {
            k: {"from": before[k], "to": after[k]} for k in EDITABLE_FIELDS if before[k] != after[k]
        }
        audit_record(
            user=user,
            action="child.update",
            obj=child,
            child_id=child.pk,
            reason=reason,
            detail=diff,
        )
    return child


def identifier_add(*, user: Any, child: Child, kind: Code, value: str) -> ChildIdentifier:
    child_write_check(user, child.pk, "child.edit", "change this child's record")
    errors = _check_identifiers([IdentifierInput(kind, value)], exclude_child=child)
    if errors:
        raise ValidationError({"value": errors["identifiers"]})
    with transaction.atomic():
        ident = ChildIdentifier.objects.create(
            child=child,
            kind=kind,
            value=validate_identifier(kind.code, value),
            value_normalised=normalise_identifier(value),
        )
        audit_record(
            user=user,
            action="child.identifier.add",
            obj=ident,
            child_id=child.pk,
            detail={"kind": kind.code},
        )
    return ident


def carer_add(
    *,
    user: Any,
    child: Child,
    name: str,
    relationship: Code,
    parental_responsibility: bool,
    contact: str = "",
) -> Carer:
    child_write_check(user, child.pk, "child.edit", "change this child's record")
    if not name.strip():
        raise ValidationError({"name": ["Enter the carer's name."]})
    with transaction.atomic():
        carer = Carer.objects.create(
            child=child,
            name=name.strip(),
            relationship=relationship,
            parental_responsibility=parental_responsibility,
            contact=contact.strip(),
        )
        audit_record(user=user, action="child.carer.add", obj=carer, child_id=child.pk)
    return carer


def service_status_set(
    *, user: Any, child: Child, service: Code, status: str, since: dt.date | None = None
) -> ServiceStatus:
    child_write_check(user, child.pk, "child.edit", "change this child's record")
    if since and since > timezone.localdate():
        raise ValidationError({"since": ["The date must be today or in the past."]})
    with transaction.atomic():
        record, _ = ServiceStatus.objects.update_or_create(
            child=child, service=service, defaults={"status": status, "since": since}
        )
        audit_record(
            user=user,
            action="child.service.set",
            obj=record,
            child_id=child.pk,
            detail={"service": service.code, "status": status},
        )
    return record
