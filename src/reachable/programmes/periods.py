"""Reporting quarters: the financial year's (April to June is Q1), as funders and boards report."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True, order=True)
class Quarter:
    starts_on: dt.date

    @classmethod
    def containing(cls, day: dt.date) -> Quarter:
        month = ((day.month - 1) // 3) * 3 + 1
        return cls(dt.date(day.year, month, 1))

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """A quarter from the date it starts on (as in URLs: 2026-04-01); ValueError otherwise."""
        day = dt.date.fromisoformat(text.strip())
        if day.day != 1 or day.month not in {1, 4, 7, 10}:
            raise ValueError(f"{text!r} is not the first day of a quarter")
        return cls(day)

    @property
    def ends_on(self) -> dt.date:
        return self.next().starts_on - dt.timedelta(days=1)

    def next(self) -> Quarter:
        year, month = self.starts_on.year, self.starts_on.month + 3
        return Quarter(dt.date(year + (month > 12), (month - 1) % 12 + 1, 1))

    def previous(self) -> Quarter:
        year, month = self.starts_on.year, self.starts_on.month - 3
        return Quarter(dt.date(year - (month < 1), (month - 1) % 12 + 1, 1))

    @property
    def financial_year(self) -> int:
        """The calendar year the financial year starts in (2026 for 2026-27)."""
        return self.starts_on.year if self.starts_on.month >= 4 else self.starts_on.year - 1

    @property
    def financial_year_starts_on(self) -> dt.date:
        return dt.date(self.financial_year, 4, 1)

    @property
    def financial_year_label(self) -> str:
        """2026-27, as funders write it."""
        return f"{self.financial_year}-{(self.financial_year + 1) % 100:02d}"

    @property
    def number(self) -> int:
        return (self.starts_on.month - 4) % 12 // 3 + 1

    @property
    def label(self) -> str:
        return f"{self.short} ({self.starts_on:%B} to {self.ends_on:%B %Y})"

    @property
    def short(self) -> str:
        return f"{self.financial_year_label} Q{self.number}"

    @staticmethod
    def is_whole_quarters(start: dt.date, end: dt.date) -> bool:
        """Whether the dates run from a quarter's first day to a quarter's last day."""
        return (
            Quarter.containing(start).starts_on == start and Quarter.containing(end).ends_on == end
        )

    def key(self) -> str:
        return self.starts_on.isoformat()


def quarters_between(first: dt.date, last: dt.date) -> list[Quarter]:
    found, quarter = [], Quarter.containing(first)
    while quarter.starts_on <= last:
        found.append(quarter)
        quarter = quarter.next()
    return found


def local_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, day after end) as aware datetimes in the partnership's time zone."""
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return (
        dt.datetime.combine(start, dt.time(), tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=tz),
    )
