from __future__ import annotations

import getpass
import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from reachable.accounts.models import User
from reachable.accounts.roles import Role
from reachable.accounts.services import membership_add, user_create
from reachable.core.models import Agency


class Command(BaseCommand):
    help = "Create a partnership admin. They set up two-factor sign-in the first time they sign in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--agency", required=True, help="Slug of the agency they work for.")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--email", default="")

    def handle(self, *args: Any, username: str, agency: str, **options: Any) -> None:
        found = Agency.objects.filter(slug=agency).first()
        if found is None:
            raise CommandError(
                f"No agency '{agency}'. Load the partnership first, or check the slug in the admin."
            )
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user called '{username}' already exists.")
        password = os.environ.get("REACHABLE_ADMIN_PASSWORD") or getpass.getpass("Password: ")
        if (
            "REACHABLE_ADMIN_PASSWORD" not in os.environ
            and getpass.getpass("Password again: ") != password
        ):
            raise CommandError("The passwords do not match. Nothing was created.")
        try:
            user = user_create(
                username=username,
                password=password,
                first_name=options["first_name"],
                last_name=options["last_name"],
                email=options["email"],
            )
        except ValidationError as exc:
            raise CommandError("Password not accepted: " + " ".join(exc.messages)) from exc
        membership_add(user=user, role=Role.PARTNERSHIP_ADMIN, agency=found)
        self.stdout.write(
            f"Created partnership admin '{username}'. At first sign-in they will set up an authenticator app."
        )
