"""Sign-in limits beyond django-axes' per username-and-address lockout, and failed sign-ins in
the audit log.

Axes locks a username at one address after REACHABLE_LOCKOUT_FAILURES. Guesses spread across
many addresses never reach that, so the account is also locked once its failures from every
address together reach REACHABLE_LOCKOUT_ACCOUNT_FAILURES within the cool-off time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from reachable.audit.services import audit_record


def account_locked(username: str) -> bool:
    since = timezone.now() - dt.timedelta(hours=float(settings.AXES_COOLOFF_TIME))
    failures = AccessAttempt.objects.filter(username=username, attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start", default=0)
    )["n"]
    return bool(failures >= settings.REACHABLE_LOCKOUT_ACCOUNT_FAILURES)


def record_failed_sign_in(
    sender: Any, credentials: dict[str, Any], request: Any = None, **_: Any
) -> None:
    """Every failed sign-in is an audit event: the data protection lead sees guessing, and the
    chain proves nothing was removed. The password is never recorded."""
    audit_record(
        user=None,
        action="signin.failed",
        detail={
            "username": str(credentials.get("username", ""))[:150],
            "address": (request.META.get("REMOTE_ADDR", "") if request is not None else ""),
        },
    )
