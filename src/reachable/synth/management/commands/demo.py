from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from reachable.accounts.roles import Role
from reachable.casework.synth import demo_casework, synth_cases
from reachable.children.models import Child
from reachable.custody.synth import synth_detentions
from reachable.events.synth import synth_events
from reachable.learning.synth import synth_learning
from reachable.lines.synth import synth_lines
from reachable.programmes.synth import synth_programmes
from reachable.returns.models import PopulationReference
from reachable.returns.synthetic_returns import demo_returns
from reachable.synth.demo_users import DEMO_PASSWORD, DEMO_USERS
from reachable.synth.services import system_user


class Command(BaseCommand):
    help = "Set up the demo on SQLite with synthetic data, print the sign-ins, and serve on 127.0.0.1:8000."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--children", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument(
            "--no-serve", action="store_true", help="Set up and print the sign-ins, then stop."
        )

    def handle(
        self, *args: Any, children: int, seed: int, addrport: str, no_serve: bool, **options: Any
    ) -> None:
        if settings.MODE != "demo":
            raise CommandError(
                "Run the demo with REACHABLE_MODE=demo (the `reachable demo` command sets it)."
            )
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("returns_spec_load", verbosity=0)
        if not Child.objects.exists():
            self.stdout.write(
                f"Generating the synthetic partnership ({children} children, seed {seed})..."
            )
            call_command("synth", seed=seed, children=children)
            synth_detentions(seed=seed, count=children, user_id=system_user().pk, detained_now=6)
            synth_cases(seed=seed, count=children // 5, user_id=system_user().pk)
            demo_casework()
            synth_lines(seed=seed, user_id=system_user().pk, child_links=15)
            synth_programmes(seed=seed, user_id=system_user().pk)
            synth_learning(user_id=system_user().pk)
            synth_events(seed=seed)
            if not PopulationReference.objects.exists():
                call_command("returns_population_load", verbosity=0)
            self.stdout.write("Sending synthetic minimum dataset returns and linking them...")
            demo_returns(seed=seed)
        self.stdout.write(
            "\nDemo sign-ins (synthetic people; password for all: " + DEMO_PASSWORD + ")"
        )
        for spec in DEMO_USERS:
            self.stdout.write(f"  {spec.username:<20} {Role(spec.role).label}")
        self.stdout.write(
            "  The admin account needs a two-factor code: scan the QR code at first sign-in, or run\n"
            "  `REACHABLE_MODE=demo reachable totp_code admin` for the current code.\n"
        )
        if not no_serve:
            self.stdout.write(f"Serving on http://{addrport}/ (Ctrl+C to stop)")
            call_command("runserver", addrport, use_reloader=False)
