from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from reachable.returns.population import BUNDLED, population_load


class Command(BaseCommand):
    help = "Load the 10-17 population by county and ethnic group (county,ethnic_group,children)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", default=str(BUNDLED))
        parser.add_argument("--source", default="", help="Where the figures come from.")

    def handle(self, *args: Any, file: str, source: str, **options: Any) -> None:
        path = Path(file)
        try:
            count = population_load(
                path.read_text(encoding="utf-8-sig"), source=source or path.name
            )
        except (OSError, ValidationError) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise CommandError("\n".join(messages)) from exc
        self.stdout.write(f"Loaded {count} population figures from {path}")
