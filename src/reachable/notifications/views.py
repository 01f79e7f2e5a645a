"""A person's email preferences, and the outbox for the partnership admin."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from reachable.accounts.permissions import can
from reachable.notifications.kinds import KINDS
from reachable.notifications.models import Email, Preference
from reachable.notifications.services import preference_set


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    choosable = [k for k in KINDS.values() if not k.must_send]
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "frequency"))
    if request.method == "POST":
        for kind in choosable:
            value = request.POST.get(kind.key, "")
            if value in Preference.Frequency.values:
                preference_set(user=user, kind=kind.key, frequency=value)
        messages.success(request, "Your email preferences are saved.")
        return redirect("notifications:preferences")
    rows = [(kind, chosen.get(kind.key, Preference.Frequency.IMMEDIATELY)) for kind in choosable]
    return render(
        request,
        "notifications/preferences.html",
        {
            "rows": rows,
            "frequencies": Preference.Frequency.choices,
            "always": [k for k in KINDS.values() if k.must_send],
        },
    )


@login_required
def outbox(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "notifications.outbox"):
        raise PermissionDenied("Only the partnership admin sees the outbox.")
    counts = dict(Email.objects.values_list("state").annotate(n=Count("pk")).order_by())
    stuck = Email.objects.filter(state__in=[Email.State.FAILED, Email.State.PENDING]).defer(
        "body", "attachment"
    )[:200]
    return render(
        request,
        "notifications/outbox.html",
        {"counts": [(label, counts.get(v, 0)) for v, label in Email.State.choices], "stuck": stuck},
    )
