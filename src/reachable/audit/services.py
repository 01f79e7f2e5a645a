"""Writing and verifying the audit chain. Callers write events inside their own transaction.

Each event's hash is an HMAC-SHA256, under REACHABLE_AUDIT_KEY, of the event and the previous
event's hash. The key is not in the database, so someone who can edit the table (even with the
triggers dropped) cannot write a chain that verifies. The newest hash is published daily
(``audit_head_publish``) to a file kept elsewhere; ``audit_verify`` checks the chain still passes
through every published head, which catches the last events being removed and the chain re-made.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
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
    key = settings.REACHABLE_AUDIT_KEY.encode("utf-8")
    return hmac.new(key, canonical.encode("utf-8"), hashlib.sha256).hexdigest()


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


def audit_head_publish(path: Path | None = None) -> dict[str, Any]:
    """Append the chain's newest event number and hash to the published heads file."""
    head = ChainHead.objects.filter(pk=1).first()
    line = {
        "seq": head.last_seq if head else 0,
        "hash": head.last_hash if head else GENESIS,
        "at": timezone.now().isoformat(),
    }
    target = path or settings.REACHABLE_AUDIT_HEAD_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("a", encoding="utf-8") as out:
        out.write(json.dumps(line) + "\n")
    return line


def _published_heads(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def audit_verify(heads: Path | None = None) -> VerifyResult:
    """Walk the whole chain and report every edited, deleted or reordered event, and (given the
    published heads file) every published head the chain no longer passes through."""
    published = {int(h["seq"]): h for h in _published_heads(heads)} if heads else {}
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
        if event.seq in published and published.pop(event.seq)["hash"] != event.hash:
            result.problems.append(
                f"event {event.seq} is not the event published as the head of the chain"
            )
        prev, expected_seq = event.hash, event.seq + 1
        result.checked += 1
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != expected_seq - 1 or head.last_hash != prev):
        result.problems.append(
            f"the newest event should be {head.last_seq}; the log ends at {expected_seq - 1} (events deleted)"
        )
    for seq, head_line in sorted(published.items()):
        if seq > 0:
            result.problems.append(
                f"the head published at {head_line['at']} (event {seq}) is no longer in the log"
            )
    result.head_hash = prev
    return result
