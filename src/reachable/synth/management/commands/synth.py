from __future__ import annotations

import resource
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reachable.synth.services import synth_partnership, system_user


class Command(BaseCommand):
    help = "Generate a deterministic synthetic partnership: reference data, demo users, children and detentions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same data.")
        parser.add_argument("--children", type=int, default=2000, help="How many children to add.")
        parser.add_argument(
            "--detentions", type=int, default=0, help="Also add this many custody detentions."
        )
        parser.add_argument(
            "--cases", type=int, default=0, help="Also open this many exploitation cases."
        )
        parser.add_argument(
            "--entries-per-case", type=int, default=6, help="Chronology entries per synthetic case."
        )
        parser.add_argument(
            "--chunk", type=int, default=20000, help="Rows generated and written per batch."
        )
        parser.add_argument(
            "--no-demo-users", action="store_true", help="Do not create the demo sign-ins."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        seed, children, detentions = options["seed"], options["children"], options["detentions"]
        if min(children, detentions, options["cases"], options["entries_per_case"]) < 0:
            raise CommandError(
                "--children, --detentions, --cases and --entries-per-case must be 0 or more."
            )
        started = time.perf_counter()
        summary = synth_partnership(
            seed=seed,
            children=children,
            chunk=options["chunk"],
            with_demo_users=not options["no_demo_users"],
        )
        self.stdout.write(
            f"synth seed={seed}: {summary.children} children, {summary.identifiers} identifiers, "
            f"{summary.carers} carers, {summary.involvements} involvements, {summary.shares} shares, "
            f"{summary.users_created} demo users in {time.perf_counter() - started:.1f} s "
            f"(peak memory {_peak_mb():.0f} MB)"
        )
        if detentions:
            from reachable.custody.synth import synth_detentions

            started = time.perf_counter()
            d = synth_detentions(seed=seed, count=detentions, user_id=system_user().pk)
            self.stdout.write(
                f"synth seed={seed}: {d.detentions} detentions, {d.engagements} engagements, "
                f"{d.offers} community offers, {d.involvements} custody involvements, "
                f"{d.entries} chronology entries in "
                f"{time.perf_counter() - started:.1f} s (peak memory {_peak_mb():.0f} MB)"
            )
        if options["cases"]:
            from reachable.casework.synth import synth_cases

            started = time.perf_counter()
            try:
                c = synth_cases(
                    seed=seed,
                    count=options["cases"],
                    user_id=system_user().pk,
                    entries_per_case=options["entries_per_case"],
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(
                f"synth seed={seed}: {c.cases} cases, {c.entries} chronology entries, "
                f"{c.nrm_referrals} NRM referrals in {time.perf_counter() - started:.1f} s "
                f"(peak memory {_peak_mb():.0f} MB)"
            )


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
