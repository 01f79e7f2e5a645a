from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from reachable.core.backup import BackupError, backup_make


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, or SQLite's online backup) and the returns and upload "
        "folders into a new folder, with a manifest of row counts and checksums. Safe while the "
        "service runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--to",
            type=Path,
            help="The new folder to write (default: var/backups/<date and time>).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        target = options["to"] or Path(settings.VAR_DIR) / "backups" / stamp
        try:
            manifest = backup_make(target)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest.tables.values())
        self.stdout.write(
            f"Backed up {len(manifest.tables)} tables ({rows:,} rows) and the returns and "
            f"upload folders to {target}."
        )
