from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from reachable.audit import guard
from reachable.audit.models import AuditEvent
from reachable.audit.services import audit_record, audit_verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_events(norfolk_worker):
    return [
        audit_record(user=norfolk_worker, action="child.view", child_id=i, reason="visit")
        for i in (1, 2, 3)
    ]


@pytest.fixture(autouse=True)
def append_only_guard():
    """The triggers as migrations install them (a browser test drops them so it can empty its database)."""
    guard.install(connection)


@pytest.fixture
def guard_lifted():
    """Someone with the database owner's rights, able to drop the append-only triggers."""
    guard.drop(connection)
    yield
    guard.install(connection)


def test_a_clean_chain_verifies(three_events) -> None:
    result = audit_verify()
    assert result.ok, result.problems
    assert result.checked == AuditEvent.objects.count()
    assert result.head_hash == three_events[-1].hash


def test_each_event_links_to_the_one_before(three_events) -> None:
    first, second, third = three_events
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert third.seq == second.seq + 1


def test_the_database_refuses_to_edit_an_event(three_events) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=three_events[0].pk).update(reason="nothing to see")


def test_the_database_refuses_to_delete_an_event(three_events) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=three_events[0].pk).delete()


def test_verify_detects_an_edited_event(three_events, guard_lifted) -> None:
    AuditEvent.objects.filter(pk=three_events[1].pk).update(reason="edited afterwards")
    result = audit_verify()
    assert not result.ok
    assert any(f"event {three_events[1].seq} has been edited" in p for p in result.problems)


def test_without_the_key_a_rewritten_chain_does_not_verify(three_events, guard_lifted) -> None:
    # Someone with the database owner's rights edits an event and re-chains every hash after it
    # with plain SHA-256: they do not have REACHABLE_AUDIT_KEY, which never enters the database.
    import hashlib
    import json

    from reachable.audit.models import ChainHead

    prev = "0" * 64
    for event in AuditEvent.objects.order_by("seq"):
        if event.pk == three_events[1].pk:
            event.reason = "covered up"
        payload = {
            "seq": event.seq, "at": event.at.isoformat(), "user_id": event.user_id,
            "username": event.username, "action": event.action,
            "object_type": event.object_type, "object_id": event.object_id,
            "child_id": event.child_id, "reason": event.reason, "detail": event.detail,
            "prev_hash": prev,
        }  # fmt: skip
        canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
        digest = hashlib.sha256(canonical.encode()).hexdigest()
        AuditEvent.objects.filter(pk=event.pk).update(
            reason=event.reason, prev_hash=prev, hash=digest
        )
        prev = digest
    ChainHead.objects.filter(pk=1).update(last_hash=prev)
    result = audit_verify()
    assert not result.ok
    assert any("has been edited" in p for p in result.problems)


def test_a_published_head_catches_the_newest_events_removed_with_the_key(
    three_events, guard_lifted, tmp_path
) -> None:
    from reachable.audit.models import ChainHead
    from reachable.audit.services import audit_head_publish

    heads = tmp_path / "heads.jsonl"
    published = audit_head_publish(heads)
    assert published["seq"] == three_events[-1].seq
    assert audit_verify(heads=heads).ok
    # Someone with the key and the owner's rights removes the newest event and moves the head
    # back: the chain itself verifies, but the head published yesterday is gone from it.
    AuditEvent.objects.filter(pk=three_events[-1].pk).delete()
    ChainHead.objects.filter(pk=1).update(
        last_seq=three_events[1].seq, last_hash=three_events[1].hash
    )
    assert audit_verify().ok
    result = audit_verify(heads=heads)
    assert not result.ok
    assert any("no longer in the log" in p for p in result.problems)


def test_the_daily_job_publishes_the_head(three_events, settings) -> None:
    from django.core.management import call_command

    call_command("governance_daily")
    lines = settings.REACHABLE_AUDIT_HEAD_FILE.read_text().splitlines()
    assert len(lines) == 1
    assert audit_verify(heads=settings.REACHABLE_AUDIT_HEAD_FILE).ok


def test_the_database_refuses_to_remove_or_rewind_the_chain_head(three_events) -> None:
    from reachable.audit.models import ChainHead

    with pytest.raises(DatabaseError), transaction.atomic():
        ChainHead.objects.filter(pk=1).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        ChainHead.objects.filter(pk=1).update(last_seq=0)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no TRUNCATE")
def test_the_database_refuses_to_truncate_the_log(three_events) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditevent")


def test_verify_detects_an_edit_that_recomputes_the_hash(three_events, guard_lifted) -> None:
    from reachable.audit.services import _digest

    tampered = AuditEvent.objects.get(pk=three_events[1].pk)
    tampered.reason = "covered up"
    tampered.hash = _digest(tampered)
    AuditEvent.objects.filter(pk=tampered.pk).update(reason=tampered.reason, hash=tampered.hash)
    result = audit_verify()
    assert any(f"event {three_events[2].seq} does not follow" in p for p in result.problems)


def test_verify_detects_a_deleted_event(three_events, guard_lifted) -> None:
    AuditEvent.objects.filter(pk=three_events[1].pk).delete()
    result = audit_verify()
    assert any("missing" in p for p in result.problems)


def test_verify_detects_the_newest_events_deleted(three_events, guard_lifted) -> None:
    AuditEvent.objects.filter(pk=three_events[2].pk).delete()
    result = audit_verify()
    assert any("the log ends at" in p for p in result.problems)


def test_audit_verify_command_fails_on_tampering(three_events, guard_lifted, capsys) -> None:
    from django.core.management import call_command

    call_command("audit_verify")
    assert "chain intact" in capsys.readouterr().out
    AuditEvent.objects.filter(pk=three_events[0].pk).update(action="child.search")
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit_verify")
    assert exit_info.value.code == 1
    assert "FAILED" in capsys.readouterr().err


def test_reachable_audit_verify_runs_the_verify_command(monkeypatch) -> None:
    import django.core.management

    from reachable import cli

    seen: list[list[str]] = []
    monkeypatch.setattr(django.core.management, "execute_from_command_line", seen.append)
    cli.main(["audit", "verify"])
    assert seen == [["reachable", "audit_verify"]]
