from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from reachable.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `reachable backup`: checks its checksums first, refuses a "
        "database that holds data unless --replace, then compares every table's row count "
        "with the backup and verifies the audit chain. Stop the service while it runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, help="The backup's folder.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Overwrite a database that holds data (what was written since is lost).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            differences = restore(options["source"], replace=options["replace"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if differences:
            raise CommandError("Restored, but the row counts differ: " + "; ".join(differences))
        self.stdout.write(f"Restored {options['source']}; every table's row count matches.")
        call_command("audit_verify", stdout=self.stdout)  # fails loudly if the chain is broken
