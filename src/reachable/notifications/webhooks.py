"""Webhooks out to partner systems: an event is written as a delivery in the same transaction as
the change (a change rolled back sends nothing), then POSTed by ``deliveries_send`` with its
signature, retried after 1, 5, 30 minutes, 2 and 12 hours when the system does not answer 2xx,
then shown as failed.

Who hears of what: only webhooks of clients whose own account could read the thing (a concern:
clients working in the receiving team; a triage decision: clients of the referring agency; a
return: clients of the agency that sent it). A payload carries references and what changed
(ids, a decision, a status), never a child's name, date of birth or the text of a concern: the
system fetches what its role may read through the API.

Signature: ``X-Reachable-Signature: sha256=<hex>``, the HMAC-SHA256 under the webhook's secret
of ``<X-Reachable-Timestamp>.<body>``; a receiver checks it and refuses old timestamps.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from reachable.accounts.models import ApiClient
from reachable.audit.services import audit_record
from reachable.notifications.models import Delivery, Webhook
from reachable.notifications.services import BACKOFF_MINUTES, LEASE

KINDS = dict(Webhook.EVENTS)
TIMEOUT = 10


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


@transaction.atomic
def webhook_add(*, by: Any, client: ApiClient, url: str, events: list[str]) -> tuple[Webhook, str]:
    """A new webhook and its secret, which the caller shows once."""
    parsed = urlparse(url)
    loopback = parsed.hostname in {"127.0.0.1", "localhost", "::1"}
    if parsed.scheme != "https" and not (loopback and not settings.PRODUCTION):
        raise ValidationError({"url": "Give a secure address, starting https://"})
    unknown = [e for e in events if e not in KINDS]
    if not events or unknown:
        raise ValidationError({"events": "Choose at least one event from the list."})
    secret = secrets.token_hex(32)
    hook = Webhook.objects.create(client=client, url=url, events=events, secret=secret)
    audit_record(user=by, action="webhook.add", obj=client, detail={"url": url, "events": events})
    return hook, secret


def _clients_in_team(team: Any) -> Any:
    return ApiClient.objects.filter(
        account__memberships__team=team, account__memberships__active=True, account__is_active=True
    )


def _clients_of_agency(agency: Any) -> Any:
    return ApiClient.objects.filter(
        account__memberships__agency=agency,
        account__memberships__active=True,
        account__is_active=True,
    )


def emit(event: str, clients: Any, payload: dict[str, Any]) -> int:
    """Write one delivery per subscribed webhook of these clients; returns how many."""
    body = {"event": event, "at": timezone.now().isoformat(), **payload}
    hooks = Webhook.objects.filter(client__in=clients.distinct(), active=True)
    made = [
        Delivery(webhook=h, event=event, payload=body, next_attempt_at=timezone.now())
        for h in hooks
        if event in h.events
    ]
    Delivery.objects.bulk_create(made)
    return len(made)


def concern_shared(share: Any) -> int:
    return emit(
        "custody.concern_shared",
        _clients_in_team(share.to_team),
        {"concern": share.pk, "team": share.to_team.slug, "detention": share.detention_id},
    )


def referral_triaged(referral: Any) -> int:
    return emit(
        "casework.referral_triaged",
        _clients_of_agency(referral.referring_agency),
        {"referral": referral.pk, "decision": referral.decision, "team": referral.to_team.slug},
    )


def return_checked(submission: Any, status: str) -> int:
    return emit(
        "returns.checked",
        _clients_of_agency(submission.agency),
        {"submission": submission.pk, "status": status, "county": submission.county.slug},
    )


def _post(hook: Webhook, delivery: Delivery) -> int:
    body = json.dumps(delivery.payload, sort_keys=True).encode()
    stamp = str(int(time.time()))
    request = urllib.request.Request(
        hook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Reachable-Webhooks/1",
            "X-Reachable-Event": delivery.event,
            "X-Reachable-Delivery": str(delivery.pk),
            "X-Reachable-Timestamp": stamp,
            "X-Reachable-Signature": sign(hook.secret, stamp, body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as refused:
        return int(refused.code)


def deliveries_send(limit: int = 200) -> tuple[int, int]:
    """Deliver what is due; returns (delivered, refused)."""
    now = timezone.now()
    lease_ends = now + LEASE
    with transaction.atomic():
        due = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(state=Delivery.State.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        Delivery.objects.filter(pk__in=due).update(next_attempt_at=lease_ends)
    delivered = refused = 0
    ours = Delivery.objects.filter(pk__in=due, next_attempt_at=lease_ends).select_related("webhook")
    for delivery in ours.order_by("pk"):
        if timezone.now() > lease_ends - dt.timedelta(minutes=1):
            break  # left for the next run, rather than risk sending it twice
        delivery.attempts += 1
        try:
            status = _post(delivery.webhook, delivery)
            error = "" if 200 <= status < 300 else f"answered {status}"
        except (urllib.error.URLError, OSError, ValueError) as exc:
            status, error = 0, f"{type(exc).__name__}: {exc}"[:2000]
        delivery.last_status = status or None
        if not error:
            delivered += 1
            delivery.state, delivery.delivered_at, delivery.last_error = (
                Delivery.State.DELIVERED,
                timezone.now(),
                "",
            )
        else:
            refused += 1
            delivery.last_error = error
            if delivery.attempts > len(BACKOFF_MINUTES):
                delivery.state = Delivery.State.FAILED
            else:
                wait = BACKOFF_MINUTES[delivery.attempts - 1]
                delivery.next_attempt_at = timezone.now() + dt.timedelta(minutes=wait)
        delivery.save()
    return delivered, refused
