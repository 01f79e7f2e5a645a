"""Background jobs that stop half-way: how a page tells a job still working from one whose
worker was killed or restarted (and so will never finish), so it can offer to run it again."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone


def stalled(running: bool, heartbeat_at: dt.datetime | None) -> bool:
    """A running job that has not reported progress for REACHABLE_JOB_STALE_MINUTES."""
    if not running or heartbeat_at is None:
        return False
    quiet = timezone.now() - heartbeat_at
    return quiet > dt.timedelta(minutes=settings.REACHABLE_JOB_STALE_MINUTES)
