from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Production server: migrate, collect static files, then run gunicorn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("REACHABLE_BIND", "0.0.0.0:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("REACHABLE_WORKERS", "3"))
        )
        parser.add_argument("--no-migrate", action="store_true")

    def handle(self, *args: Any, bind: str, workers: int, no_migrate: bool, **options: Any) -> None:
        if not no_migrate:
            call_command("migrate", interactive=False)
        call_command("collectstatic", interactive=False, verbosity=0)
        gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
        os.execv(
            gunicorn,
            [
                gunicorn,
                "reachable.wsgi:application",
                "--bind",
                bind,
                "--workers",
                str(workers),
                "--access-logfile",
                "-",
            ],
        )
