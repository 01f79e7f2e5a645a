"""Small-number suppression for figures people outside the team see (DESIGN principle 6).

Counts from 1 to 4 are shown as ``[c]``. When a column's total is published, one suppressed cell
alone could be worked out by subtraction, so another cell (the smallest) is suppressed too; where
that is impossible, the total is suppressed instead.
"""

from __future__ import annotations

SUPPRESSED = "[c]"
THRESHOLD = 5


def is_small(count: int) -> bool:
    return 0 < count < THRESHOLD


def suppress_column(counts: list[int]) -> tuple[list[int | str], int | str]:
    """The column's cells and total as published."""
    shown: list[int | str] = [SUPPRESSED if is_small(c) else c for c in counts]
    hidden = [i for i, v in enumerate(shown) if v == SUPPRESSED]
    if len(hidden) == 1:
        # A zero is a fine partner: readers cannot tell which hidden cell holds the count.
        candidates = [i for i, v in enumerate(shown) if v != SUPPRESSED]
        if candidates:
            partner = min(candidates, key=lambda i: counts[i])
            shown[partner] = SUPPRESSED
            hidden.append(partner)
    total = sum(counts)
    protect_total = is_small(total) or len(hidden) == 1
    return shown, SUPPRESSED if protect_total else total
