"""Signed links for people who have no account: one token per registration, in every email.

The token is the registration's id signed with the site's secret and a time
(``django.core.signing``), so nothing is stored, a changed character fails, a reminder can carry
the same link again, and a link stops working ``MAX_AGE`` after it was made (long after any
series: certificates stay downloadable for a year).
"""

from __future__ import annotations

from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.crypto import salted_hmac

from reachable.events.models import Registration

SALT = "reachable.events.registration"
MAX_AGE = 400 * 24 * 3600  # seconds
NOT_VALID = (
    "This link is not valid: it may have been copied incompletely. Use the link in your latest "
    "email from us, or register again from the event's page."
)


def registration_token(registration: Registration) -> str:
    return signing.TimestampSigner(salt=SALT).sign_object(registration.pk)


def registration_from_token(token: str) -> Registration:
    try:
        pk = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=MAX_AGE)
    except signing.BadSignature as exc:
        raise ValidationError(NOT_VALID) from exc
    found = Registration.objects.select_related("session", "session__series").filter(pk=pk)
    registration = found.first()
    if registration is None:
        raise ValidationError(NOT_VALID)
    return registration


def keyed(purpose: str, value: str) -> str:
    """A keyed hash: pairs or counts records without keeping who they belong to."""
    return salted_hmac(f"reachable.events.{purpose}", value, algorithm="sha256").hexdigest()
