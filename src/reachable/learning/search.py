"""Finding practice examples: full-text over every section, weighted, with facets and snippets.

On PostgreSQL a weighted ``tsvector`` (kept by the services) is matched with ``websearch``
syntax and ranked by ``ts_rank``: the title, summary and tags weigh most (A), purpose,
implementation and delivery next (B), the other sections less (C), further information and the
attachments (their titles and the text of their PDFs) least (D).
On SQLite (the demo, tests) the same weights are applied to whole-word matches in Python, so both
give the same order for plain words; PostgreSQL also matches other forms of a word (stemming).
Snippets and "more like this" are computed the same way on both.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from reachable.learning.models import Audience, PracticeExample, State

MAX_QUERY = 200
WEIGHTS = {"A": 1.0, "B": 0.4, "C": 0.2, "D": 0.1}  # PostgreSQL's ts_rank defaults
FIELD_WEIGHTS = {
    "title": "A",
    "summary": "A",
    "tags": "A",
    "purpose": "B",
    "implementation": "B",
    "delivery": "B",
    "readiness": "C",
    "enablers": "C",
    "barriers": "C",
    "evaluation": "C",
    "feedback": "C",
    "further_information": "D",
    "attachment_text": "D",
}
FACETS = {
    "theme": ("theme__code", "theme__label", "Thematic area"),
    "county": ("county__slug", "county__name", "County"),
    "audience": ("audience", "audience", "Audience"),
    "evidence": ("evidence__code", "evidence__label", "Evidence"),
}
WORD = re.compile(r"[a-z0-9]+")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def vector_update(example_pk: int) -> None:
    """Keep the weighted vector for PostgreSQL's search (nothing to keep on SQLite)."""
    if connection.vendor != "postgresql":
        return
    vector: Any = None
    for name, weight in FIELD_WEIGHTS.items():
        part = SearchVector(name, weight=weight, config="english")
        vector = part if vector is None else vector + part
    PracticeExample.objects.filter(pk=example_pk).update(search_vector=vector)


def terms_of(text: str) -> list[str]:
    return WORD.findall(text.lower()[:MAX_QUERY])


@dataclass
class Result:
    example: PracticeExample
    rank: float
    snippet: SafeString


@dataclass
class Found:
    query: str
    results: list[Result]
    facets: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)
    chosen: dict[str, str] = field(default_factory=dict)
    total: int = 0  # every match; ``results`` holds the first page of them


def _filtered(chosen: dict[str, str]) -> QuerySet[PracticeExample]:
    found = PracticeExample.objects.filter(state=State.PUBLISHED).select_related(
        "theme", "county", "evidence"
    )
    for facet, value in chosen.items():
        if facet in FACETS and value:
            found = found.filter(**{FACETS[facet][0]: value})
    return found


def _python_rank(example: PracticeExample, terms: list[str]) -> float:
    """Every term must match somewhere; each match adds its field's weight."""
    total = 0.0
    for term in terms:
        matched = [
            WEIGHTS[weight]
            for name, weight in FIELD_WEIGHTS.items()
            if term in WORD.findall(str(getattr(example, name)).lower())
        ]
        if not matched:
            return 0.0
        total += sum(matched)
    return total


def snippet(example: PracticeExample, terms: list[str], width: int = 220) -> SafeString:
    """The passage of the highest-weighted section that holds a term, the terms marked."""
    ordered = sorted(FIELD_WEIGHTS, key=lambda n: -WEIGHTS[FIELD_WEIGHTS[n]])
    text = example.summary
    start = 0
    for name in ordered:
        if name in {"title", "tags"}:
            continue
        value = str(getattr(example, name))
        lowered = value.lower()
        hits = [m.start() for t in terms for m in re.finditer(rf"\b{re.escape(t)}", lowered)]
        if hits:
            text, start = value, max(0, min(hits) - width // 3)
            break
    piece = ("…" if start else "") + text[start : start + width]
    piece += "…" if start + width < len(text) else ""
    if not terms:
        return escape(piece)
    # Mark on the raw text, then escape each part: a term can never match inside markup.
    pattern = re.compile(
        r"(?i)\b((?:"
        + "|".join(re.escape(t) for t in sorted(set(terms), key=len, reverse=True))
        + r")\w*)"
    )
    parts = pattern.split(piece)
    shown = "".join(
        f"<mark>{escape(part)}</mark>" if index % 2 else str(escape(part))
        for index, part in enumerate(parts)
    )
    return mark_safe(shown)


def _facet_counts(matched: QuerySet[PracticeExample]) -> dict[str, list[tuple[str, str, int]]]:
    """Counts per facet value over every match, from one pass over the matches (each facet
    counted by the database separately would repeat the full-text match four times)."""
    columns = [column for value, label, _ in FACETS.values() for column in (value, label)]
    counts: dict[str, Counter[tuple[str, str]]] = {facet: Counter() for facet in FACETS}
    for row in matched.values_list(*columns).iterator(chunk_size=5000):
        for index, facet in enumerate(FACETS):
            value, label = row[2 * index], row[2 * index + 1]
            if value:
                counts[facet][str(value), str(label or "")] += 1
    names = {"audience": dict(Audience.choices)}  # stored as values; shown by their labels
    return {
        facet: sorted(
            ((v, names.get(facet, {}).get(v, lab), n) for (v, lab), n in found.items()),
            key=lambda t: t[1],
        )
        for facet, found in counts.items()
    }


def search(text: str, chosen: dict[str, str] | None = None, limit: int = 50) -> Found:
    chosen = {k: v for k, v in (chosen or {}).items() if k in FACETS and v}
    # Control characters (a NUL byte is refused by PostgreSQL) are spaces in a search box.
    query_text = CONTROL.sub(" ", text).strip()[:MAX_QUERY]
    terms = terms_of(query_text)
    base = _filtered(chosen)
    counted = base
    if not terms:
        matched: list[tuple[PracticeExample, float]] = [
            (e, 0.0) for e in base.order_by("title")[:limit]
        ]
    elif connection.vendor == "postgresql":
        query = SearchQuery(query_text, search_type="websearch", config="english")
        counted = base.filter(search_vector=query)
        ranked = counted.annotate(rank=SearchRank(F("search_vector"), query)).order_by(
            "-rank", "title"
        )[:limit]
        matched = [(e, float(e.rank)) for e in ranked]
    else:
        scored = [(e, _python_rank(e, terms)) for e in base]
        matched = sorted(
            ((e, r) for e, r in scored if r > 0), key=lambda pair: (-pair[1], pair[0].title)
        )
        counted = base.filter(pk__in=[e.pk for e, _ in matched])
        matched = matched[:limit]
    results = [Result(e, rank, snippet(e, terms)) for e, rank in matched]
    facets = _facet_counts(counted)
    total = sum(n for _, _, n in facets["theme"])  # every published example has one theme
    return Found(query_text, results, facets, chosen, total)


def more_like_this(example: PracticeExample, limit: int = 3) -> list[PracticeExample]:
    """Published examples on the same theme, those sharing most tags first."""
    tags = set(example.tag_list)
    others = list(
        PracticeExample.objects.filter(state=State.PUBLISHED, theme=example.theme)
        .exclude(pk=example.pk)
        .select_related("county")
    )
    shared = Counter({o.pk: len(tags & set(o.tag_list)) for o in others})
    return sorted(others, key=lambda o: (-shared[o.pk], o.title))[:limit]


def facet_label(facet: str) -> str:
    return FACETS[facet][2]


def facet_names() -> list[tuple[str, str]]:
    return [(k, v[2]) for k, v in FACETS.items()]
