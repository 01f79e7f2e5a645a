"""Clerical-review decisions that contradict each other, found before they are applied and after.

An analyst's "different children" holds only for the pair decided: if "same child" decisions
(or scored links) join the two records through other records, the clustering merges them anyway
and the "different" decision is silently lost. So:

- when a decision is recorded, one that contradicts decisions already made is refused, naming
  the pairs it contradicts (``decision_contradiction``);
- after a run, every "different" decision whose two records ended in one person is listed on
  the run (``run_conflicts``), for an analyst to resolve by changing one of the decisions.
"""

from __future__ import annotations

from typing import Any

import duckdb

from reachable.returns.models import PairReview, person_reference


class _Groups:
    """Union-find over record keys."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def join(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)


def _described(reviews: list[PairReview]) -> str:
    return "; ".join(
        f"pair {r.pk} ({r.get_decision_display().lower()}, {r.decided_by or 'an analyst'}"
        f"{', ' + f'{r.decided_at:%d %b %Y}' if r.decided_at else ''})"
        for r in reviews
    )


def decision_contradiction(
    review: PairReview, decision: str, persons: dict[str, int]
) -> str | None:
    """Why ``decision`` on ``review`` contradicts decisions already recorded, or None.

    ``persons`` is the last run's person key -> person ID. "Same child" joins the two records'
    persons; it contradicts a "different children" decision between those two persons.
    "Different children" contradicts "same child" decisions that already join the two records.
    """
    others = list(
        PairReview.objects.exclude(pk=review.pk)
        .exclude(decision=PairReview.Decision.PENDING)
        .select_related("decided_by")
    )
    same = [r for r in others if r.decision == PairReview.Decision.SAME]
    different = [r for r in others if r.decision == PairReview.Decision.DIFFERENT]
    groups = _Groups()
    for r in same:
        groups.join(r.key_l, r.key_r)
    if decision == PairReview.Decision.DIFFERENT:
        if groups.find(review.key_l) != groups.find(review.key_r):
            return None
        joining = [r for r in same if groups.find(r.key_l) == groups.find(review.key_l)]
        return (
            "This contradicts decisions already recorded: "
            f"{_described(joining)} join these two records as the same child. "
            "Change the decision that is wrong first."
        )
    # Same child: which persons would now be one, through decisions and the last run's persons.
    by_person: dict[int, list[str]] = {}
    for key, person in persons.items():
        by_person.setdefault(person, []).append(key)
    for keys in by_person.values():
        for key in keys[1:]:
            groups.join(keys[0], key)
    groups.join(review.key_l, review.key_r)
    clashing = [r for r in different if groups.find(r.key_l) == groups.find(r.key_r)]
    if not clashing:
        return None
    return (
        "This contradicts decisions already recorded: "
        f"{_described(clashing)} keep records of these two children apart. "
        "Change the decision that is wrong first, or decide this pair 'different children'."
    )


def run_conflicts(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every 'different children' decision whose two records a run put in one person, with the
    'same child' decisions inside that person. Reads the run's ``decided`` and ``assigned``."""
    rows = con.execute(
        "SELECT d.key_l, d.key_r, a.person_id FROM decided AS d "
        "JOIN assigned AS a ON a.person_key = d.key_l "
        "JOIN assigned AS b ON b.person_key = d.key_r "
        "WHERE d.decision = 'different' AND a.person_id = b.person_id ORDER BY a.person_id"
    ).fetchall()
    if not rows:
        return []
    persons = {int(p) for _, _, p in rows}
    members = con.execute(
        "SELECT person_key, person_id FROM assigned WHERE person_id IN "
        f"({', '.join(str(p) for p in sorted(persons))})"
    ).fetchall()
    keys_of: dict[int, set[str]] = {}
    for key, person in members:
        keys_of.setdefault(int(person), set()).add(key)
    decided = {
        (r.key_l, r.key_r): r
        for r in PairReview.objects.exclude(decision=PairReview.Decision.PENDING)
    }
    found = []
    for key_l, key_r, person in rows:
        keys = keys_of[int(person)]
        same = sorted(
            r.pk
            for (left, right), r in decided.items()
            if r.decision == PairReview.Decision.SAME and left in keys and right in keys
        )
        found.append(
            {
                "different": decided[(key_l, key_r)].pk,
                "same": same,
                "person": person_reference(int(person)),
            }
        )
    return found
