"""The child header: who the child is and what needs attention, at the top of every page about
them, built for the reader.

The foundation's own alerts (processing restricted, reading under emergency access) are added
here; apps above add theirs through an AppConfig ``record_alerts(user, child)`` hook (casework:
missing now, NRM decision pending, review due, and the practitioner's risk judgement for the team
holding the case), each deciding through its own access module what this reader may see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.utils import timezone

from reachable.sharing.access import restriction_on
from reachable.sharing.models import BreakGlass


@dataclass
class Alert:
    text: str
    colour: str = "yellow"  # a GOV.UK tag colour: red for what must be acted on now


@dataclass
class Header:
    child: Any
    age: int
    alerts: list[Alert] = field(default_factory=list)


def child_header(user: Any, child: Any) -> Header:
    alerts: list[Alert] = []
    if restriction_on(child.pk):
        alerts.append(Alert("Processing restricted: read only", "red"))
    glass = (
        BreakGlass.objects.filter(child=child, user=user, expires_at__gt=timezone.now())
        .order_by("-expires_at")
        .first()
    )
    if glass:
        until = timezone.localtime(glass.expires_at)
        alerts.append(Alert(f"Emergency access until {until:%H:%M}", "orange"))
    for config in apps.get_app_configs():
        hook = getattr(config, "record_alerts", None)
        if hook is not None:
            alerts += hook(user, child)
    return Header(child, child.age_on(timezone.localdate()), alerts)
