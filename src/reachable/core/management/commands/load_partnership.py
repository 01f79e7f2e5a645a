from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reachable.core.services import BUNDLED_PARTNERSHIP, PartnershipFileError, partnership_load


class Command(BaseCommand):
    help = "Create or update the partnership's reference data from a TOML file (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", type=Path, default=BUNDLED_PARTNERSHIP)

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        try:
            summary = partnership_load(path=path)
        except (OSError, PartnershipFileError) as exc:
            raise CommandError(f"Nothing was loaded. {exc}") from exc
        self.stdout.write(f"Loaded {path.name}: {summary}")
