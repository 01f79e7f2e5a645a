from __future__ import annotations

import resource
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from reachable.synth.services import synth_partnership


class Command(BaseCommand):
    help = (
        "Generate a deterministic synthetic partnership: reference data, demo users and N children."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same data.")
        parser.add_argument("--children", type=int, default=2000, help="How many children to add.")
        parser.add_argument(
            "--chunk", type=int, default=20000, help="Rows generated and written per batch."
        )
        parser.add_argument(
            "--no-demo-users", action="store_true", help="Do not create the demo sign-ins."
        )

    def handle(
        self, *args: Any, seed: int, children: int, chunk: int, no_demo_users: bool, **options: Any
    ) -> None:
        if children < 0:
            self.stderr.write("--children must be 0 or more.")
            raise SystemExit(2)
        started = time.perf_counter()
        summary = synth_partnership(
            seed=seed, children=children, chunk=chunk, with_demo_users=not no_demo_users
        )
        elapsed = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            f"synth seed={seed}: {summary.children} children, {summary.identifiers} identifiers, "
            f"{summary.carers} carers, {summary.involvements} involvements, {summary.shares} shares, "
            f"{summary.users_created} demo users in {elapsed:.1f} s (peak memory {peak_mb:.0f} MB)"
        )
