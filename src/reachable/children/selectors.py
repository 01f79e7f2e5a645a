"""Scoped reads of children's records. Every view, API endpoint and command reads through here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from reachable.audit.services import audit_record
from reachable.children.access import Basis, basis_of, children_readable, may_write, read_scope
from reachable.children.matching import name_affixes, name_key, name_similarity, parse_query
from reachable.children.models import Child, ChildIdentifier

CANDIDATE_LIMIT = 2000  # rows scored in Python per search; the blocking keys keep it far below this
MIN_NAME_SCORE = 70


def children_visible(user: Any) -> QuerySet[Child]:
    """The children this user may see, excluding records merged into another."""
    return children_readable(user)


def merged_target(pk: int) -> int:
    """The record a (possibly merged) record number stands for now: merges are followed to the
    record kept. Returns ``pk`` itself for a record never merged, or one that does not exist."""
    target_pk, hops = pk, 0
    child = Child.objects.filter(pk=pk).only("pk", "merged_into").first()
    while child is not None and child.merged_into_id is not None and hops < 10:
        target_pk, hops = child.merged_into_id, hops + 1
        child = Child.objects.filter(pk=target_pk).only("pk", "merged_into").first()
    return target_pk


def child_get_for_user(
    user: Any, pk: int, *, action: str = "child.view", reason: str = ""
) -> Child:
    """The child's record if the user may see it, audited; otherwise 404, and the attempt audited.

    A merged record resolves to the record it was merged into.
    """
    target_pk = merged_target(pk)
    found = (
        Child.objects.filter(read_scope(user), pk=target_pk)
        .select_related("sex", "ethnicity", "home_la", "home_la__parent")
        .first()
    )
    if found is None:
        audit_record(
            user=user, action=f"{action}.denied", child_id=pk, reason=reason, detail={"id": pk}
        )
        raise Http404("No child found")
    if basis_of(user, found.pk) is Basis.BREAK_GLASS:
        # Reads under emergency access are flagged in the log, not mixed with ordinary reads.
        action = f"breakglass.{action}"
    audit_record(user=user, action=action, obj=found, child_id=found.pk, reason=reason)
    return found


def child_get_for_writing(user: Any, pk: int, *, doing: str) -> Child:
    """The child's record for a page that changes it: read as ``child_get_for_user`` does, then
    refused (403, with the reason) unless the user works with the child."""
    child = child_get_for_user(user, pk)
    if not may_write(user, child.pk):
        raise PermissionDenied(
            f"Only a team working with the child can {doing}. You can read this record "
            "through a share or emergency access; ask the team working with the child."
        )
    return child


@dataclass(frozen=True)
class SearchHit:
    child: Child
    score: float
    matched_on: str


def _is(name: str, part: str) -> Q:
    """The child's given or family name sounds like ``name``, allowing for a typo."""
    prefix, suffix = name_affixes(name)
    return (
        Q(**{f"{part}_name_key": name_key(name)})
        | Q(**{f"{part}_name_prefix": prefix})
        | Q(**{f"{part}_name_suffix": suffix})
    )


def _candidates(query_text: str) -> tuple[Q | None, Any]:
    parsed = parse_query(query_text)
    if parsed.is_empty:
        return None, parsed
    clauses = Q(pk__in=[])
    if parsed.identifiers:
        clauses |= Q(
            pk__in=ChildIdentifier.objects.filter(value_normalised__in=parsed.identifiers).values(
                "child_id"
            )
        )
    names = [n for n in parsed.names if name_key(n)]
    if len(names) >= 2:
        first, last = names[0], names[-1]
        clauses |= _is(first, "given") & _is(last, "family") | _is(last, "given") & _is(
            first, "family"
        )
    elif len(names) == 1:
        clauses |= _is(names[0], "given") | _is(names[0], "family")
    if parsed.date_of_birth:
        by_dob = Q(date_of_birth=parsed.date_of_birth)
        if names:
            # With a date of birth, one name matching is enough: it tolerates a badly misspelt other name.
            any_name = Q(pk__in=[])
            for n in names:
                any_name |= _is(n, "given") | _is(n, "family")
            by_dob &= any_name
        clauses |= by_dob
    return clauses, parsed


def child_search(user: Any, query_text: str, *, limit: int = 25) -> list[SearchHit]:
    """Find children by name, date of birth and/or identifier, tolerating typos; best matches first."""
    clauses, parsed = _candidates(query_text)
    if clauses is None:
        return []
    candidates = list(
        children_visible(user)
        .filter(clauses)
        .select_related("home_la", "sex")
        .prefetch_related("identifiers")[:CANDIDATE_LIMIT]
    )
    hits: list[SearchHit] = []
    for child in candidates:
        idents = {i.value_normalised for i in child.identifiers.all()}
        if idents & set(parsed.identifiers):
            hits.append(SearchHit(child, 100.0, "identifier"))
            continue
        score = name_similarity(parsed.names, child.given_name, child.family_name, child.known_as)
        dob_match = parsed.date_of_birth is not None and child.date_of_birth == parsed.date_of_birth
        if parsed.names and score < MIN_NAME_SCORE and not dob_match:
            continue
        if parsed.names:
            score = min(100.0, score + (15 if dob_match else 0))
            hits.append(SearchHit(child, score, "name and date of birth" if dob_match else "name"))
        elif dob_match:
            hits.append(SearchHit(child, 60.0, "date of birth"))
    hits.sort(key=lambda h: (-h.score, h.child.family_name, h.child.given_name, h.child.pk))
    audit_record(
        user=user,
        action="child.search",
        detail={"query": query_text[:200], "results": [h.child.pk for h in hits[:limit]]},
    )
    return hits[:limit]


def child_possible_duplicates(
    *, given_name: str, family_name: str, date_of_birth: dt.date, limit: int = 5
) -> QuerySet[Child]:
    """Existing records that look like the same child, across the whole partnership.

    Only the fact of a possible match and its identifier are shown to the creator: enough to ask
    a manager to check, without disclosing a record they may not see.
    """
    return Child.objects.filter(
        _is(given_name, "given") & _is(family_name, "family")
        | _is(family_name, "given") & _is(given_name, "family"),
        date_of_birth=date_of_birth,
        merged_into__isnull=True,
    ).order_by("pk")[:limit]


def similarly_named(*, given_name: str, family_name: str, date_of_birth: dt.date) -> list[Child]:
    """Possible duplicates whose name differs from the one given: custody then asks whether the
    name is right before a new record is added. (The same name and date of birth is the same
    child, found and used, so it is no duplicate.)"""
    typed = (given_name.lower(), family_name.lower())
    return [
        d
        for d in child_possible_duplicates(
            given_name=given_name, family_name=family_name, date_of_birth=date_of_birth
        )
        if (d.given_name.lower(), d.family_name.lower()) != typed
    ]
