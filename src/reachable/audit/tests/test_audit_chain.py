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
