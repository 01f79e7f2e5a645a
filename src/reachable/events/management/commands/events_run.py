from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from reachable.events.services.registration import offers_expire
from reachable.events.services.reminders import feedback_requests_send, reminders_send


class Command(BaseCommand):
    help = (
        "Events' timed work (run every few minutes): lapse waiting-list offers past their time "
        "and offer the places on, write reminders now due, ask attendees for feedback. Safe to "
        "run twice: each email is written once."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Offers lapsed and offered on: {offers_expire()}")
        self.stdout.write(f"Reminders written: {reminders_send()}")
        self.stdout.write(f"Feedback requests written: {feedback_requests_send()}")
