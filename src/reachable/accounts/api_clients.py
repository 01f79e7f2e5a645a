"""Partner systems as API clients: registering one, issuing and revoking its tokens, and
recognising a token on a call.

A token reads ``rk_<prefix>_<secret>``. Only its SHA-256 is stored, looked up by the prefix and
compared in constant time; it is shown once, when issued. A token stops working at its expiry or
when revoked, and a client's account can be ended like any person's role. Each call through a
token is audited as the client's account (``api.call``), and limited per client per minute.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, throttling

from reachable.accounts.models import ApiClient, ApiToken, User
from reachable.accounts.services import membership_add
from reachable.audit.services import audit_record
from reachable.core.models import Agency, Team

PREFIX = "rk_"
MAX_DAYS = 366
LAST_USE_EVERY = dt.timedelta(minutes=1)  # how often a token's last use is written


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def client_register(
    *, by: Any, name: str, agency: Agency, role: str, team: Team | None = None
) -> ApiClient:
    if ApiClient.objects.filter(name__iexact=name.strip()).exists():
        raise ValidationError({"name": "A client with this name exists: choose another name."})
    account = User.objects.create(
        username=f"api.{secrets.token_hex(4)}", first_name=name.strip()[:150]
    )
    account.set_unusable_password()  # it never signs in to the pages
    account.save(update_fields=["password"])
    membership_add(user=account, role=role, agency=agency, team=team, by=by)
    client = ApiClient.objects.create(
        name=name.strip(), account=account, agency=agency, created_by=by
    )
    audit_record(user=by, action="api_client.register", obj=client, detail={"role": role})
    return client


@transaction.atomic
def token_issue(*, by: Any, client: ApiClient, days: int) -> tuple[ApiToken, str]:
    """A new token and its secret, which the caller shows once."""
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError({"days": f"Choose from 1 to {MAX_DAYS} days."})
    prefix = secrets.token_hex(4)
    secret = f"{PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        client=client,
        prefix=prefix,
        digest=_digest(secret),
        issued_by=by,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    audit_record(user=by, action="api_token.issue", obj=client, detail={"token": prefix})
    return token, secret


@transaction.atomic
def token_revoke(*, by: Any, token: ApiToken) -> ApiToken:
    if token.revoked_at:
        raise ValidationError("This token is already revoked.")
    token.revoked_at, token.revoked_by = timezone.now(), by
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        user=by, action="api_token.revoke", obj=token.client, detail={"token": token.prefix}
    )
    return token


def token_find(presented: str) -> ApiToken | None:
    """The live token this secret belongs to, or None."""
    parts = presented.split("_")
    if len(parts) < 3 or not presented.startswith(PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("client", "client__account").filter(prefix=parts[1]).first()
    )
    if token is None or not hmac.compare_digest(token.digest, _digest(presented)):
        return None
    if token.revoked_at or token.expires_at <= timezone.now():
        return None
    if not token.client.account.is_active:
        return None
    return token


class ClientTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer rk_…``: the call acts as the client's account."""

    keyword = "Bearer"

    def authenticate(self, request: Any) -> tuple[User, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if len(header) != 2 or header[0] != self.keyword or not header[1].startswith(PREFIX):
            return None
        token = token_find(header[1])
        if token is None:
            raise exceptions.AuthenticationFailed(
                "This token is not valid: it may have expired or been revoked. Ask the "
                "partnership admin for a new one."
            )
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USE_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            ApiClient.objects.filter(pk=token.client_id).update(last_used_at=now)
        audit_record(
            user=token.client.account,
            action="api.call",
            detail={
                "client": token.client.name,
                "token": token.prefix,
                "method": request.method,
                "path": request.path[:200],
            },
        )
        return token.client.account, token

    def authenticate_header(self, request: Any) -> str:
        return self.keyword


class ClientRateThrottle(throttling.SimpleRateThrottle):
    """Each client's own calls per minute (people signed in to the pages are not limited)."""

    scope = "api_client"

    def get_rate(self) -> str:
        return "0/min"  # replaced per request in allow_request

    def allow_request(self, request: Any, view: Any) -> bool:
        token = getattr(request, "auth", None)
        if not isinstance(token, ApiToken):
            return True
        self.num_requests, self.duration = token.client.calls_per_minute, 60
        self.key = f"throttle_api_client_{token.client_id}"
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        if len(self.history) >= self.num_requests:
            return self.throttle_failure()
        return self.throttle_success()

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return None


def live_tokens(client: ApiClient) -> Any:
    return client.tokens.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ClientTokenScheme(OpenApiAuthenticationExtension):
    """How the schema describes client tokens (registered with drf-spectacular on import)."""

    target_class = "reachable.accounts.api_clients.ClientTokenAuthentication"
    name = "clientToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "rk_<prefix>_<secret>",
            "description": "A partner system's token, issued by the partnership admin.",
        }
