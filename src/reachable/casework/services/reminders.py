"""Daily reminders to action owners: how many of their actions are overdue, never which child."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from reachable.accounts.models import User
from reachable.casework.models import Action
from reachable.notifications.services import people_notify


def overdue_actions_notify() -> int:
    """One email a day to each owner with overdue actions open; returns how many were written."""
    today = timezone.localdate()
    overdue = (
        Action.objects.filter(done_at__isnull=True, due_on__lt=today)
        .values("owner")
        .annotate(n=Count("pk"))
        .order_by()
    )
    written = 0
    for row in overdue:
        owner = User.objects.get(pk=row["owner"])
        written += people_notify(
            "casework.actions_overdue",
            [owner],
            context={"count": row["n"]},
            link=reverse("casework:my_actions"),
            once_per=today.isoformat(),
        )
    return written
