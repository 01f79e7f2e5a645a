from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from reachable.custody.services import concerns_escalate


class Command(BaseCommand):
    help = "Escalate concerns shared from custody that nobody has acknowledged in time. Run every few minutes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--after-minutes", type=int, default=60, help="How long a recipient has to acknowledge."
        )

    def handle(self, *args: Any, after_minutes: int, **options: Any) -> None:
        count = concerns_escalate(older_than=dt.timedelta(minutes=after_minutes))
        self.stdout.write(
            f"Escalated {count} unacknowledged concern(s) older than {after_minutes} minutes."
        )
