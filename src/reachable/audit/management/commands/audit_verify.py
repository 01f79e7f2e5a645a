from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from reachable.audit.services import audit_verify


class Command(BaseCommand):
    help = "Check the audit log's hash chain; exit 1 if any event was edited, deleted or reordered."

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify()
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
