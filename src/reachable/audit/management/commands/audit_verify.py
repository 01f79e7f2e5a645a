from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from reachable.audit.services import audit_verify


class Command(BaseCommand):
    help = (
        "Check the audit log's hash chain, and that it still passes through every published head; "
        "exit 1 if any event was edited, deleted or reordered."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--heads",
            type=Path,
            default=None,
            help="The published heads file (default REACHABLE_AUDIT_HEAD_FILE, if it exists).",
        )

    def handle(self, *args: Any, heads: Path | None, **options: Any) -> None:
        heads = heads or settings.REACHABLE_AUDIT_HEAD_FILE
        result = audit_verify(heads=heads)
        for problem in result.problems:
            self.stderr.write(f"PROBLEM: {problem}")
        if not result.ok:
            self.stderr.write(
                f"Audit log FAILED verification: {len(result.problems)} problem(s) in {result.checked} events."
            )
            raise SystemExit(1)
        self.stdout.write(
            f"Audit log verified: {result.checked} events, chain intact. Head hash {result.head_hash}"
        )
