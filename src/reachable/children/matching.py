"""Turning what a practitioner types into something we can find a child by, typos and all."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

import jellyfish
from rapidfuzz import fuzz

from reachable.children.identifiers import normalise_identifier

_DATE_PATTERNS = (
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
    re.compile(r"^(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{2}|\d{4})$"),
)
_NAME = re.compile(r"^[^\W\d_]+(?:['\u2019-][^\W\d_]+)*$")


def fold(text: str) -> str:
    """Lower case ASCII letters only: "O'Brien-Zoë" -> "obrienzoe"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z]", "", ascii_text.lower())


def name_key(name: str) -> str:
    """Soundex of the folded name: stable under most typos after the first letter."""
    folded = fold(name)
    return jellyfish.soundex(folded) if folded else ""


def name_affixes(name: str) -> tuple[str, str]:
    """First and last three letters of the folded name.

    With the Soundex key they give three ways for a name to match: a single typo near the start
    leaves the suffix intact, one near the end leaves the prefix, and a phonetic spelling
    (Smyth for Smith) keeps the Soundex key.
    """
    folded = fold(name)
    return folded[:3], folded[-3:]


def parse_date(token: str, *, today: dt.date | None = None) -> dt.date | None:
    """A UK-style date (day first) or an ISO date; two-digit years are taken as the most recent past."""
    for pattern in _DATE_PATTERNS:
        match = pattern.match(token)
        if not match:
            continue
        year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
        if len(match["y"]) == 2:
            today = today or dt.date.today()
            year += 2000 if year <= today.year % 100 else 1900
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None
    return None


@dataclass
class ParsedQuery:
    names: list[str] = field(default_factory=list)
    date_of_birth: dt.date | None = None
    identifiers: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.names or self.date_of_birth or self.identifiers)


def parse_query(text: str) -> ParsedQuery:
    parsed = ParsedQuery()
    for token in re.split(r"[\s,;]+", text.strip()):
        if not token:
            continue
        date = parse_date(token)
        if date is not None:
            parsed.date_of_birth = date
        elif _NAME.match(token):
            if len(fold(token)) >= 2:  # a lone initial is too vague to search on
                parsed.names.append(token)
        elif any(ch.isdigit() for ch in token):
            ident = normalise_identifier(token)
            if ident:
                parsed.identifiers.append(ident)
    # An identifier typed with spaces ("09 123456 A") arrives as several tokens.
    whole = normalise_identifier(text)
    if (
        parsed.date_of_birth is None
        and any(ch.isdigit() for ch in whole)
        and whole not in parsed.identifiers
    ):
        parsed.identifiers.append(whole)
    return parsed


def name_similarity(query_names: list[str], given: str, family: str, known_as: str = "") -> float:
    """0-100: how well the typed names match the child's, first and last name in either order."""
    if not query_names:
        return 0.0
    givens = [g for g in (fold(given), *(fold(n) for n in known_as.split())) if g]
    surname = fold(family)
    if len(query_names) == 1:
        typed = fold(query_names[0])
        return max((fuzz.ratio(typed, form) for form in (*givens, surname) if form), default=0.0)

    def pair(typed_given: str, typed_family: str) -> float:
        best_given = max((fuzz.ratio(typed_given, g) for g in givens), default=0.0)
        return (best_given + fuzz.ratio(typed_family, surname)) / 2

    first, last = fold(query_names[0]), fold(query_names[-1])
    return max(pair(first, last), pair(last, first))
