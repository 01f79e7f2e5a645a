from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from reachable.notifications.services import digest_send, outbox_send, outbox_tidy
from reachable.notifications.webhooks import deliveries_send


class Command(BaseCommand):
    help = (
        "Send the emails waiting in the outbox, and the webhooks' deliveries (run every minute). With --daily, first gather "
        "each person's daily summary and delete old sent emails (run once a day)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--daily", action="store_true")
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args: Any, daily: bool, limit: int, **options: Any) -> None:
        if daily:
            self.stdout.write(f"Daily summaries written: {digest_send()}")
            self.stdout.write(f"Old sent emails deleted: {outbox_tidy()}")
        sent, refused = outbox_send(limit)
        self.stdout.write(f"Sent {sent}; refused by the mail server {refused} (retried later).")
        delivered, failed = deliveries_send()
        self.stdout.write(
            f"Webhooks: delivered {delivered}; not answered 2xx {failed} (retried later)."
        )
