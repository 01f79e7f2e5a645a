"""The chronology written by hand, peers and places of concern."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from reachable.accounts.permissions import team_ids_for
from reachable.audit.services import audit_record
from reachable.casework.chronology import agency_of, chronicle
from reachable.casework.models import (
    Case,
    ChronologyEntry,
    PeerLink,
    PlaceLink,
)
from reachable.casework.services._common import (
    V,
    _blank,
    _not_before_birth,
    _not_future,
    _raise,
    _touch_contact,
)
from reachable.children.access import child_write_check
from reachable.children.models import Child
from reachable.core.models import Place

# ---------------------------------------------------------------- chronology and context


def chronology_add(
    *,
    user: Any,
    child: Child,
    occurred_at: dt.datetime,
    kind: str,
    summary: str,
    visibility: str,
    is_contact: bool = False,
) -> ChronologyEntry:
    """An entry by any agency working with the child, or one the record is shared with."""
    child_write_check(
        user, child.pk, "chronology.add", "add to a child's chronology", shared_may=True
    )
    errors: dict[str, list[str]] = {}
    _not_future(occurred_at, "occurred_at", errors)
    _not_before_birth(child, occurred_at, "occurred_at", errors)
    _blank(summary, "summary", "Write what happened.", errors)
    if visibility not in V.values:
        errors["visibility"] = ["Choose who may read this entry."]
    if kind not in ENTRY_KINDS:
        errors["kind"] = ["Choose the kind of entry."]
    _raise(errors)
    agency = agency_of(user, "chronology.add")
    with transaction.atomic():
        entry = chronicle(
            user=user,
            child_id=child.pk,
            kind=kind,
            summary=summary.strip(),
            occurred_at=occurred_at,
            visibility=visibility,
            is_contact=is_contact,
            agency=agency,
        )
        if is_contact:
            mine = Case.objects.filter(
                child=child, team_id__in=team_ids_for(user, "chronology.add")
            ).exclude(status=Case.Status.CLOSED)
            for case in mine:
                _touch_contact(case, occurred_at)
        audit_record(
            user=user,
            action="chronology.add",
            obj=entry,
            child_id=child.pk,
            detail={"visibility": visibility},
        )
    return entry


# Kinds a person may add by hand; the services write the others.
ENTRY_KINDS = {
    "contact": "Contact with the child",
    "contact-family": "Contact with the family",
    "information": "Information from a partner",
    "education": "Education: attendance, exclusion or suspension",
    "health": "Health: attendance or concern",
    "police": "Police: incident, stop or intelligence",
    "housing": "Housing: concern about an address",
    "note": "Case note",
}


def peer_link_add(*, user: Any, child: Child, peer: Child, nature: str) -> PeerLink:
    child_write_check(user, child.pk, "casework.work", "link children")
    errors: dict[str, list[str]] = {}
    if peer.pk == child.pk:
        errors["peer"] = ["Choose another child."]
    elif (
        PeerLink.objects.filter(child=child, peer=peer).exists()
        or PeerLink.objects.filter(child=peer, peer=child).exists()
    ):
        errors["peer"] = ["These children are already linked."]
    _blank(nature, "nature", "Say how the children are connected.", errors)
    _raise(errors)
    with transaction.atomic():
        link = PeerLink.objects.create(
            child=child, peer=peer, nature=nature.strip(), recorded_at=timezone.now(), by=user
        )
        audit_record(
            user=user, action="peer.link", obj=link, child_id=child.pk, detail={"peer": peer.pk}
        )
    return link


def place_link_add(
    *, user: Any, child: Child, nature: str, place: Place | None = None, location: str = ""
) -> PlaceLink:
    child_write_check(user, child.pk, "casework.work", "link places of concern")
    errors: dict[str, list[str]] = {}
    if place is None and not location.strip():
        errors["location"] = ["Choose a known place or describe the location."]
    _blank(nature, "nature", "Say why the place is of concern.", errors)
    _raise(errors)
    with transaction.atomic():
        link = PlaceLink.objects.create(
            child=child,
            place=place,
            location=location.strip(),
            nature=nature.strip(),
            recorded_at=timezone.now(),
            by=user,
        )
        audit_record(user=user, action="place.link", obj=link, child_id=child.pk)
    return link
