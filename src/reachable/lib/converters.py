"""URL converters shared by every app.

Record ids are 64-bit integers. Django's ``int`` converter accepts any run of digits, so an id
above 2**63 - 1 reached the database and ended as an OverflowError (HTTP 500). ``<id:...>``
accepts at most 18 digits: every id the database can hold resolves, anything longer is a 404
from the URL resolver before a view or query runs.
"""

from __future__ import annotations

# 18 digits always fit a signed 64-bit integer (its maximum has 19).
RECORD_ID_REGEX = "[0-9]{1,18}"


class RecordIdConverter:
    regex = RECORD_ID_REGEX

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


def parse_record_id(value: object) -> int | None:
    """A record id from a form or query string, or None if it is not one the database could hold."""
    text = str(value or "").strip()
    if not text.isdigit() or len(text) > 18:
        return None
    return int(text)
