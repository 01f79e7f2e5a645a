from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand

from reachable.audit.services import audit_head_publish
from reachable.sharing.models import RetentionItem, RetentionReview
from reachable.sharing.retention import retention_carry_out, retention_review_create
from reachable.sharing.services import agreement_expiry_alerts


class Command(BaseCommand):
    help = (
        "Daily information-governance job: list records due under the retention schedule for the "
        "data protection lead to approve, and warn of sharing agreements ending within 30 days. "
        "Run once a day (cron or a scheduler)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # An approval stopped half-way (a restart) is finished before anything new is listed.
        for unfinished in RetentionReview.objects.filter(
            status=RetentionReview.Status.APPROVED, items__state=RetentionItem.State.DUE
        ).distinct():
            finished = retention_carry_out(unfinished)
            self.stdout.write(
                f"Retention: review {unfinished.pk}: {finished} record(s) carried out."
            )
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
        # Other apps' daily governance work: an AppConfig with a daily() method (custody clears
        # old import reports), so this command needs to import no app above it.
        for config in apps.get_app_configs():
            daily = getattr(config, "daily", None)
            if callable(daily):
                self.stdout.write(daily())
        head = audit_head_publish()
        self.stdout.write(
            f"Audit: head event {head['seq']} published to {settings.REACHABLE_AUDIT_HEAD_FILE}."
        )
