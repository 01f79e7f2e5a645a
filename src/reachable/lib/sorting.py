"""Sortable tables, sorted by the server: a column's header is a link that sorts by it (again to
reverse), and says which way the table is sorted with ``aria-sort``, so it reads the same to a
screen reader. Unknown or missing choices fall back to the table's default."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet
from django.http import HttpRequest


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    fields: tuple[str, ...]  # what to order by, in turn; empty for a column that does not sort


@dataclass(frozen=True)
class Header:
    label: str
    url: str  # empty for a column that does not sort
    aria_sort: str  # ascending, descending or none


def sorted_by(
    request: HttpRequest, rows: QuerySet[Any], columns: list[Column], default: str
) -> tuple[QuerySet[Any], list[Header]]:
    known = {c.key: c for c in columns if c.fields}
    asked = request.GET.get("sort", default)
    descending = asked.startswith("-")
    key = asked.lstrip("-") if asked.lstrip("-") in known else default.lstrip("-")
    if key != asked.lstrip("-"):
        descending = default.startswith("-")
    order = [
        F(f).desc(nulls_last=True) if descending else F(f).asc(nulls_first=True)
        for f in known[key].fields
    ]
    headers = []
    for column in columns:
        if not column.fields:
            headers.append(Header(column.label, "", "none"))
            continue
        current = column.key == key
        query = request.GET.copy()
        query.pop("page", None)
        query["sort"] = f"-{column.key}" if current and not descending else column.key
        state = ("descending" if descending else "ascending") if current else "none"
        headers.append(Header(column.label, f"?{query.urlencode()}", state))
    return rows.order_by(*order, "pk"), headers
