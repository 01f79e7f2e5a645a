from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import TOTP

from reachable.accounts.models import User
from reachable.accounts.services import totp_device_for


class Command(BaseCommand):
    help = (
        "Demo only: print the current two-factor code for a demo account, instead of a phone app."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        if settings.MODE != "demo":
            raise CommandError("totp_code works only in demo mode (REACHABLE_MODE=demo).")
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user '{username}'.")
        device = totp_device_for(user)
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
