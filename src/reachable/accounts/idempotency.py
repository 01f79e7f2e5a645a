"""``Idempotency-Key``: a partner system may retry a write and nothing is done twice.

A system that sent "record this detention" and lost the connection cannot know whether it was
recorded. It sends the same request again with the same ``Idempotency-Key`` header and gets the
first answer back (marked ``Idempotent-Replayed: true``) instead of a second detention.

- The key belongs to the account that sent it: another client's key never replays.
- The same key with a different request (another path or body) is refused with 422.
- A retry while the first is still running gets 409 and may try again shortly; a first request
  that never finished (its worker was killed) is given up after ``STALE`` and the retry runs.
- A refusal (4xx) is kept and replayed as it was. A server error (5xx) is not, so the retry runs
  the request afresh.
- An answer about a record is not kept: only the record's id is. The replay reads the record
  again through the view's ``replay_read`` (its own read path), so a caller who has lost access
  since gets 404, and the read is audited like any other.
- Answers are deleted after ``REACHABLE_IDEMPOTENCY_HOURS`` (``idempotency_tidy``, daily).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any, cast

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from reachable.accounts.models import IdempotentRequest, User

HEADER = "Idempotency-Key"
KEY_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{8,100}$")
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
NOT_KEPT = frozenset({status.HTTP_409_CONFLICT, status.HTTP_429_TOO_MANY_REQUESTS})
STALE = dt.timedelta(minutes=2)  # far longer than any API write takes (uploads are queued)


class Answered(Exception):
    """Raised before the handler runs: this request is answered without running it again."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def _error(code: int, message: str) -> Answered:
    return Answered(Response({"detail": message}, status=code))


def _fingerprint(request: Request) -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    data = request.data
    if not isinstance(data, Mapping):  # a JSON list, string or number: hash it as it is
        digest.update(json.dumps(data, sort_keys=True, default=str).encode())
        return digest.hexdigest()
    fields: dict[str, Any] = {}
    pairs = data.lists() if hasattr(data, "lists") else ((k, [v]) for k, v in data.items())
    for name, values in pairs:
        kept = []
        for value in values:
            if hasattr(value, "chunks"):
                for chunk in value.chunks():
                    digest.update(chunk)
                value.seek(0)
                kept.append(f"file:{value.name}:{value.size}")
            else:
                kept.append(value)
        fields[name] = kept
    digest.update(json.dumps(fields, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def _replay(view: Any, request: Request, earlier: IdempotentRequest) -> Response:
    if earlier.object_id is not None:
        replay = view.replay_read(request, earlier.object_id)  # 404 if access has gone
        replay.status_code = earlier.status_code
    else:
        replay = Response(earlier.body, status=earlier.status_code)
    replay["Idempotent-Replayed"] = "true"
    if earlier.location:
        replay["Location"] = earlier.location
    return replay


def claim(view: Any, request: Request) -> IdempotentRequest | None:
    """The row this write will answer into, or None when no key was sent. Raises ``Answered``
    for a replay, a key reused for another request, or a request still running."""
    key = request.headers.get(HEADER)
    if key is None or request.method not in WRITES:
        return None
    if not KEY_PATTERN.match(key):
        raise _error(
            status.HTTP_400_BAD_REQUEST,
            f"{HEADER} must be 8 to 100 letters, digits or . _ : - (a UUID is ideal).",
        )
    fingerprint = _fingerprint(request)
    user = cast(User, request.user)  # DRF has signed the caller in by now
    for _ in range(2):
        try:
            with transaction.atomic():
                return IdempotentRequest.objects.create(user=user, key=key, fingerprint=fingerprint)
        except IntegrityError:
            pass
        earlier = IdempotentRequest.objects.filter(user=user, key=key).first()
        if earlier is None:  # tidied away between the insert and the read: claim it afresh
            continue
        if earlier.fingerprint != fingerprint:
            raise _error(
                status.HTTP_422_UNPROCESSABLE_ENTITY,
                f"This {HEADER} was already used for a different request. Use a new key for a "
                "new request; send exactly the same request to retry.",
            )
        if earlier.status_code is not None:
            raise Answered(_replay(view, request, earlier))
        if earlier.created_at > timezone.now() - STALE:
            raise _error(
                status.HTTP_409_CONFLICT,
                "The first request with this key is still being processed. Try again in a moment.",
            )
        # Abandoned (its worker stopped before answering): give it up and run this one.
        IdempotentRequest.objects.filter(pk=earlier.pk, status_code__isnull=True).delete()
    raise _error(status.HTTP_409_CONFLICT, "Try again in a moment.")


def answer_keep(view: Any, claimed: IdempotentRequest | None, response: Response) -> None:
    """Keep the answer for a retry (a record's id rather than its contents); forget the key
    when the request failed on our side."""
    if claimed is None:
        return
    if response.status_code >= 500 or response.status_code in NOT_KEPT:
        claimed.delete()
        return
    claimed.status_code = response.status_code
    data = getattr(response, "data", None)
    if (
        response.status_code < 300
        and isinstance(data, Mapping)
        and isinstance(data.get("id"), int)
        and hasattr(view, "replay_read")
    ):
        claimed.object_id, claimed.body = data["id"], None
    else:
        claimed.body = json.loads(JSONRenderer().render(data)) if data is not None else None
    claimed.location = response.get("Location", "")[:300]
    claimed.save(update_fields=["status_code", "body", "object_id", "location"])


def idempotency_tidy(now: dt.datetime | None = None) -> int:
    """Delete answers older than REACHABLE_IDEMPOTENCY_HOURS. Returns how many went."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=settings.REACHABLE_IDEMPOTENCY_HOURS)
    deleted, _ = IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()
    return deleted


class IdempotentMixin:
    """For every API view that writes: honours ``Idempotency-Key`` (see the module's doc).

    A view whose writes answer with a record (``{"id": ...}``) defines ``replay_read(request,
    object_id)``, the answer built again through its own access-checked read for ``self.action``.
    """

    _claimed: IdempotentRequest | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]  # signed in, allowed, throttled
        self._claimed = claim(self, request)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, Answered):
            return exc.response
        try:
            return super().handle_exception(exc)  # type: ignore[misc]
        except BaseException:
            # A server error: forget the key, so the retry runs the request afresh.
            claimed, self._claimed = self._claimed, None
            if claimed is not None:
                claimed.delete()
            raise

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        claimed, self._claimed = self._claimed, None
        answer_keep(self, claimed, response)
        return response
