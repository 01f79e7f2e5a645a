"""Formats of identifiers. Unknown kinds (added by a partnership as data) get a generic rule."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

_FORMATS: dict[str, tuple[re.Pattern[str], str]] = {
    "police": (
        re.compile(r"^\d{2}/?\d{1,7}[A-Z]$"),
        "two digits for the year, up to 7 digits and a letter, e.g. 09/123456A",
    ),
    "upn": (
        re.compile(r"^[A-Z]\d{11}[0-9A-Z]$"),
        "13 characters: a letter, 11 digits and a final digit or letter",
    ),
    "nhs": (re.compile(r"^\d{10}$"), "10 digits"),
    "la-child": (re.compile(r"^[A-Z0-9]{3,20}$"), "3 to 20 letters and digits"),
}
_GENERIC = (re.compile(r"^[A-Z0-9/]{1,40}$"), "up to 40 letters and digits")


def normalise_identifier(value: str) -> str:
    """Upper case with spaces, dashes, dots and slashes removed: the form used for look-up."""
    return re.sub(r"[^0-9A-Z]", "", value.upper())


def _nhs_check_digit_ok(digits: str) -> bool:
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def validate_identifier(kind: str, value: str) -> str:
    """Return the value as it should be stored, or raise ValidationError saying how to fix it."""
    cleaned = re.sub(r"[\s-]", "", value.strip().upper())
    pattern, hint = _FORMATS.get(kind, _GENERIC)
    if not cleaned or not pattern.match(cleaned):
        raise ValidationError(f"Enter the identifier as {hint}.", code="format")
    if kind == "nhs" and not _nhs_check_digit_ok(cleaned):
        raise ValidationError(
            "This NHS number's check digit is wrong; check each digit.", code="check_digit"
        )
    return cleaned
