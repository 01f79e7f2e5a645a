"""Database triggers that keep the audit log append-only, for SQLite and PostgreSQL.

They refuse UPDATE, DELETE and (PostgreSQL) TRUNCATE of audit events, and deleting the chain's
head or moving it backwards. The application never does any of these; the triggers stop anyone
else doing it through the database account the service uses. That account should not own the
tables (see "Database roles" in docs/security.md): only the owner can drop a trigger. Edits made
with the owner's rights are caught by ``audit verify``: the chain is keyed with a secret kept
outside the database, and its head is published daily.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "audit_auditevent"
HEAD = "audit_chainhead"

_SQLITE_INSTALL = [
    f"CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;",
    f"CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;",
    f"CREATE TRIGGER IF NOT EXISTS audit_head_no_delete BEFORE DELETE ON {HEAD} "
    "BEGIN SELECT RAISE(ABORT, 'the audit chain head cannot be removed'); END;",
    f"CREATE TRIGGER IF NOT EXISTS audit_head_forward_only BEFORE UPDATE ON {HEAD} "
    "WHEN NEW.last_seq < OLD.last_seq "
    "BEGIN SELECT RAISE(ABORT, 'the audit chain head only moves forward'); END;",
]
_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_no_update;",
    "DROP TRIGGER IF EXISTS audit_no_delete;",
    "DROP TRIGGER IF EXISTS audit_head_no_delete;",
    "DROP TRIGGER IF EXISTS audit_head_forward_only;",
]

_PG_INSTALL = [
    "CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql;",
    "CREATE OR REPLACE FUNCTION audit_head_forward_only() RETURNS trigger AS $$ "
    "BEGIN IF TG_OP <> 'UPDATE' OR NEW.last_seq < OLD.last_seq THEN "
    "RAISE EXCEPTION 'the audit chain head only moves forward'; END IF; RETURN NEW; END; "
    "$$ LANGUAGE plpgsql;",
    f"DROP TRIGGER IF EXISTS audit_append_only ON {TABLE};",
    f"CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION audit_append_only();",
    f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE};",
    f"CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {TABLE} "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();",
    f"DROP TRIGGER IF EXISTS audit_head_forward_only ON {HEAD};",
    f"CREATE TRIGGER audit_head_forward_only BEFORE UPDATE OR DELETE ON {HEAD} "
    "FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only();",
    f"DROP TRIGGER IF EXISTS audit_head_no_truncate ON {HEAD};",
    f"CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON {HEAD} "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();",
]
_PG_DROP = [
    f"DROP TRIGGER IF EXISTS audit_append_only ON {TABLE};",
    f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE};",
    f"DROP TRIGGER IF EXISTS audit_head_forward_only ON {HEAD};",
    f"DROP TRIGGER IF EXISTS audit_head_no_truncate ON {HEAD};",
]


def _run(connection: BaseDatabaseWrapper, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def install(connection: BaseDatabaseWrapper) -> None:
    if connection.vendor == "postgresql":
        _run(connection, _PG_INSTALL)
    elif connection.vendor == "sqlite":
        _run(connection, _SQLITE_INSTALL)


def drop(connection: BaseDatabaseWrapper) -> None:
    if connection.vendor == "postgresql":
        _run(connection, _PG_DROP)
    elif connection.vendor == "sqlite":
        _run(connection, _SQLITE_DROP)
