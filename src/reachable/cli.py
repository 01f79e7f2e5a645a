"""The `reachable` command: Django's management commands, with a few friendlier names."""

from __future__ import annotations

import os
import sys

ALIASES = {("audit", "verify"): ["audit_verify"]}


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    for words, replacement in ALIASES.items():
        if tuple(args[: len(words)]) == words:
            args = replacement + args[len(words) :]
    if args[:1] == ["demo"]:
        os.environ.setdefault("REACHABLE_MODE", "demo")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reachable.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["reachable", *args])


if __name__ == "__main__":
    main()
