from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reachable.returns.spec import BUNDLED_SPECS, SpecError, specs_load_all


class Command(BaseCommand):
    help = "Load (or reload) every version of the minimum dataset specification from its folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", nargs="?", default=str(BUNDLED_SPECS))

    def handle(self, *args: Any, folder: str, **options: Any) -> None:
        try:
            loaded = specs_load_all(Path(folder))
        except SpecError as exc:
            raise CommandError(str(exc)) from exc
        for spec in loaded:
            self.stdout.write(f"{spec}: {spec.domains.count()} domains")
