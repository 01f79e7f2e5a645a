"""Writing and verifying the audit chain. Callers write events inside their own transaction."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from reachable.audit.models import AuditEvent, ChainHead

GENESIS = "0" * 64


def _digest(event: AuditEvent) -> str:
    payload = {
        "seq": event.seq,
        "at": event.at.isoformat(),
        "user_id": event.user_id,
        "username": event.username,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "child_id": event.child_id,
        "reason": event.reason,
        "detail": event.detail,
        "prev_hash": event.prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def audit_record(
    *,
    user: Any,
    action: str,
    obj: models.Model | None = None,
    child_id: int | None = None,
    reason: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Locks the chain head, so appends are serialised across processes."""
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            seq=head.last_seq + 1,
            at=timezone.now(),
            user_id=user.pk if authenticated else None,
            username=user.get_username() if authenticated else "",
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            child_id=child_id,
            reason=reason,
            # Round-trip through JSON so the hash is computed over exactly what is stored.
            detail=json.loads(json.dumps(detail or {}, default=str)),
            prev_hash=head.last_hash,
        )
        event.hash = _digest(event)
        event.save(force_insert=True)
        head.last_seq, head.last_hash = event.seq, event.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return event


def audit_list(
    *, user: Any, what: str, child_ids: Iterable[int | None], export: str = ""
) -> AuditEvent:
    """One event for a list page or an export that names children: which list, which children.

    ``export`` is the file format when the list left the system as a download.
    """
    ids = sorted({i for i in child_ids if i is not None})
    return audit_record(
        user=user,
        action="list.export" if export else "list.view",
        detail={"list": what, "children": ids, **({"format": export} if export else {})},
    )


@dataclass
class VerifyResult:
    checked: int = 0
    head_hash: str = GENESIS
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _events_in_order(batch: int = 5000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        chunk = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].seq


def audit_verify() -> VerifyResult:
    """Walk the whole chain and report every edited, deleted or reordered event."""
    result = VerifyResult()
    expected_seq, prev = 1, GENESIS
    for event in _events_in_order():
        if event.seq != expected_seq:
            result.problems.append(
                f"events {expected_seq}..{event.seq - 1} are missing (deleted from the log)"
            )
        if event.prev_hash != prev:
            result.problems.append(f"event {event.seq} does not follow the event before it")
        if _digest(event) != event.hash:
            result.problems.append(f"event {event.seq} has been edited since it was written")
        prev, expected_seq = event.hash, event.seq + 1
        result.checked += 1
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != expected_seq - 1 or head.last_hash != prev):
        result.problems.append(
            f"the newest event should be {head.last_seq}; the log ends at {expected_seq - 1} (events deleted)"
        )
    result.head_hash = prev
    return result
