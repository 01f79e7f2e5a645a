"""Backup and restore: the database and the files beside it, in one folder, checked on the way
back.

A backup is a new folder holding:
- ``database.dump`` (PostgreSQL: ``pg_dump --format=custom``) or ``database.sqlite3`` (SQLite's
  online backup API, a consistent copy while the service runs);
- ``files.tar``: the accepted returns (pseudonymised Parquet, ``REACHABLE_RETURNS_DIR``) and any
  uploads waiting for their job (``REACHABLE_UPLOAD_DIR``);
- ``manifest.json``: when, from which kind of database, every table's row count taken in the
  same snapshot as the dump, and the SHA-256 of each file.

A restore checks the files against the manifest before it touches anything, refuses to write over
a database that holds data unless told to, and afterwards compares every table's row count with
the manifest. The command then verifies the audit chain (``reachable restore`` does both).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction

MANIFEST = "manifest.json"
FILES = "files.tar"
FOLDERS = {"returns": "REACHABLE_RETURNS_DIR", "uploads": "REACHABLE_UPLOAD_DIR"}


class BackupError(Exception):
    """A backup or restore that cannot go on, and why (nothing has been changed)."""


@dataclass
class Manifest:
    created_at: str
    vendor: str
    database_file: str
    tables: dict[str, int]
    checksums: dict[str, str] = field(default_factory=dict)
    format: int = 1


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _tables() -> list[str]:
    return sorted(connection.introspection.table_names())


def _counts(cursor: Any, tables: list[str]) -> dict[str, int]:
    quote = connection.ops.quote_name
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _pg_env() -> dict[str, str]:
    db = connection.settings_dict
    env = {**os.environ, "PGDATABASE": db["NAME"]}
    for key, var in (("USER", "PGUSER"), ("HOST", "PGHOST"), ("PORT", "PGPORT")):
        if db.get(key):
            env[var] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _run(command: list[str]) -> None:
    done = subprocess.run(command, env=_pg_env(), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[:500]}")


def _database_backup(target: Path) -> tuple[str, dict[str, int]]:
    tables = _tables()
    if connection.vendor == "postgresql":
        dump = target / "database.dump"
        # One snapshot for the dump and the counts, so the manifest describes the dump exactly.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _counts(cursor, tables)
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    f"--snapshot={snapshot}",
                    f"--file={dump}",
                ]
            )
        return dump.name, counts
    if connection.vendor == "sqlite":
        copy = target / "database.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(copy) as out:
            connection.connection.backup(out)
            return copy.name, _counts(out.cursor(), tables)
    raise BackupError(f"Backups are made for PostgreSQL and SQLite, not {connection.vendor}.")


def backup_make(target: Path) -> Manifest:
    """Write a backup into ``target``, a folder that must not exist yet."""
    if target.exists():
        raise BackupError(f"{target} exists: give a new folder for each backup.")
    target.mkdir(parents=True)
    try:
        database_file, counts = _database_backup(target)
        with tarfile.open(target / FILES, "w") as tar:
            for name, setting in FOLDERS.items():
                folder = Path(getattr(settings, setting))
                if folder.exists():
                    tar.add(folder, arcname=name)
        manifest = Manifest(
            created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            vendor=connection.vendor,
            database_file=database_file,
            tables=counts,
            checksums={n: _sha256(target / n) for n in (database_file, FILES)},
        )
        (target / MANIFEST).write_text(json.dumps(asdict(manifest), indent=1), encoding="utf-8")
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)  # no half-made backup is left to be trusted
        raise
    return manifest


def manifest_read(source: Path) -> Manifest:
    path = source / MANIFEST
    if not path.exists():
        raise BackupError(f"{source} holds no {MANIFEST}: it is not a Reachable backup.")
    manifest = Manifest(**json.loads(path.read_text(encoding="utf-8")))
    for name, expected in manifest.checksums.items():
        if not (source / name).exists() or _sha256(source / name) != expected:
            raise BackupError(f"{name} does not match its checksum: the backup is damaged.")
    if manifest.vendor != connection.vendor:
        raise BackupError(
            f"The backup is of a {manifest.vendor} database; this one is {connection.vendor}."
        )
    return manifest


def _holds_data() -> bool:
    with connection.cursor() as cursor:
        return any(
            count
            for table, count in _counts(cursor, _tables()).items()
            if not table.startswith("django_")
        )


def _database_restore(source: Path, manifest: Manifest) -> None:
    dump = source / manifest.database_file
    if connection.vendor == "postgresql":
        connection.close()  # nothing of ours holds a lock while the tables are replaced
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={connection.settings_dict['NAME']}",
                str(dump),
            ]
        )
        return
    connection.ensure_connection()
    with sqlite3.connect(dump) as copy:
        copy.backup(connection.connection)


def _files_restore(source: Path) -> None:
    with tarfile.open(source / FILES) as tar:
        for name, setting in FOLDERS.items():
            folder = Path(getattr(settings, setting))
            shutil.rmtree(folder, ignore_errors=True)
            members = [
                m for m in tar.getmembers() if m.name == name or m.name.startswith(name + "/")
            ]
            for member in members:
                member.name = member.name[len(name) :].lstrip("/") or "."
            folder.mkdir(parents=True, exist_ok=True)
            tar.extractall(folder, members=members, filter="data")


def restore(source: Path, *, replace: bool = False) -> list[str]:
    """Restore a backup over this database and its folders; returns any table whose row count
    differs from the manifest afterwards (none, when all went well)."""
    manifest = manifest_read(source)
    if not replace and _holds_data():
        raise BackupError(
            "This database already holds data. Restore into an empty database, or pass "
            "--replace to overwrite it (everything written since the backup is lost)."
        )
    _database_restore(source, manifest)
    _files_restore(source)
    with connection.cursor() as cursor:
        now = _counts(cursor, sorted(manifest.tables))
    return [
        f"{table}: {now[table]} rows, the backup had {count}"
        for table, count in manifest.tables.items()
        if now.get(table) != count
    ]
