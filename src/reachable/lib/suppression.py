"""Small-number suppression for figures people outside the team see (DESIGN principle 6).

Counts from 1 to 4 are shown as ``[c]``. When a column's total is published, one suppressed cell
alone could be worked out by subtraction, so the next smallest cell is suppressed too.
"""

from __future__ import annotations

SUPPRESSED = "[c]"
THRESHOLD = 5


def suppress_column(counts: list[int]) -> list[int | str]:
    """The column as published: primary suppression of 1-4, then secondary so that the column's
    total cannot reveal a suppressed cell."""
    shown: list[int | str] = [SUPPRESSED if 0 < c < THRESHOLD else c for c in counts]
    hidden = [i for i, v in enumerate(shown) if v == SUPPRESSED]
    if len(hidden) == 1:
        candidates = [i for i, v in enumerate(shown) if v != SUPPRESSED and counts[i] > 0]
        if candidates:
            shown[min(candidates, key=lambda i: counts[i])] = SUPPRESSED
    return shown
