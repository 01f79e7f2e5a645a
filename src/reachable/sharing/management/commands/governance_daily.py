from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from reachable.sharing.retention import retention_review_create
from reachable.sharing.services import agreement_expiry_alerts


class Command(BaseCommand):
    help = (
        "Daily information-governance job: list records due under the retention schedule for the "
        "data protection lead to approve, and warn of sharing agreements ending within 30 days. "
        "Run once a day (cron or a scheduler)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        review = retention_review_create()
        if review is None:
            self.stdout.write("Retention: nothing is due.")
        else:
            held = review.items.filter(state="held").count()
            self.stdout.write(
                f"Retention: review {review.pk} lists {review.items.count()} record(s) "
                f"({held} kept under a hold or restriction), waiting for approval."
            )
        alerts = agreement_expiry_alerts()
        self.stdout.write(f"Agreements: {alerts} expiry alert(s) sent.")
