"""Backup and restore round trip: every table comes back exactly as it was backed up (rows and
values), the returns folder too, and the audit chain verifies afterwards. On SQLite always, and
on PostgreSQL through pg_dump and pg_restore when the suite runs there."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from reachable.audit.services import audit_verify
from reachable.core.backup import BackupError, backup_make, restore
from reachable.testing import make_child, make_detention, person


@pytest.fixture
def committed(transactional_db, settings, tmp_path) -> Iterator[Path]:
    """Real commits (pg_dump reads only what is committed), the partnership loaded."""
    from reachable.audit import guard
    from reachable.core.services import partnership_load

    settings.REACHABLE_RETURNS_DIR = tmp_path / "returns"
    partnership_load()
    yield tmp_path
    guard.drop(connection)  # the audit guard would refuse emptying the database afterwards


def _digests() -> dict[str, str]:
    """Every table's rows, in key order, as one digest each."""
    quote = connection.ops.quote_name
    found = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f"SELECT * FROM {quote(table)}")
            rows = sorted(repr(tuple(str(v) for v in row)) for row in cursor.fetchall())
            found[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return found


def test_a_backup_restores_every_table_and_file_and_the_audit_chain_verifies(
    committed: Path, settings
) -> None:
    from reachable.audit.services import audit_record

    worker = person("custody_practitioner", "norfolk-yjs", "norfolk-custody-ei", username="bk")
    child = make_child(given_name="Backed", family_name="Upson")
    make_detention(child, custody_team_works=True)
    audit_record(user=worker, action="child.view", obj=child, child_id=child.pk)
    returns = Path(settings.REACHABLE_RETURNS_DIR)
    (returns / "2026").mkdir(parents=True)
    (returns / "2026" / "accepted.parquet").write_bytes(b"PAR1 synthetic PAR1")
    before = _digests()

    manifest = backup_make(committed / "backup")
    assert manifest.tables["children_child"] >= 1

    # What happens after the backup: a new record, a file lost.
    make_child(given_name="After", family_name="Backupson")
    (returns / "2026" / "accepted.parquet").unlink()
    with pytest.raises(BackupError, match="already holds data"):
        restore(committed / "backup")

    assert restore(committed / "backup", replace=True) == []
    assert _digests() == before
    assert (returns / "2026" / "accepted.parquet").read_bytes() == b"PAR1 synthetic PAR1"
    verified = audit_verify()
    assert verified.problems == []
    assert verified.checked >= 1


def test_a_damaged_backup_is_refused_before_anything_changes(committed: Path) -> None:
    make_child(given_name="Kept", family_name="Asitwas")
    call_command("backup", "--to", str(committed / "b"))
    dump = next(p for p in (committed / "b").iterdir() if p.name.startswith("database"))
    with dump.open("r+b") as f:
        f.seek(200)
        f.write(b"damage")
    before = _digests()
    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", str(committed / "b"), "--replace")
    assert _digests() == before
