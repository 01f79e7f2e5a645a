"""Small-number suppression for published tables.

Primary: a count from 1 to 4 (cells and totals alike) is shown as ``[c]``.
Secondary: a suppressed cell must not be recoverable from what is published. A table with totals
is a set of equations (each row adds up to its row total, each column to its column total); a
suppressed cell is recoverable exactly when it is fixed by those equations and the published
numbers, i.e. when removing it lowers the rank of the equations over the suppressed cells. While
any is, one more cell on one of its lines is suppressed: the smallest non-zero count first, a
total if there is none, and a zero only as a last resort.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

SUPPRESSED = "[c]"
LOW, HIGH = 1, 4


@dataclass(frozen=True)
class Grid:
    """A table with its margins: ``values[i][j]`` for i < rows and j < cols are the cells; the
    last column holds row totals (if ``row_totals``) and the last row column totals (if
    ``col_totals``)."""

    values: list[list[int]]
    row_totals: bool
    col_totals: bool

    @classmethod
    def of(
        cls, cells: Sequence[Sequence[int]], *, row_totals: bool = True, col_totals: bool = True
    ) -> Grid:
        values = [list(r) + ([sum(r)] if row_totals else []) for r in cells]
        if col_totals:
            width = len(values[0]) if values else 0
            values.append([sum(r[j] for r in values) for j in range(width)])
        return cls(values, row_totals, col_totals)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.values), len(self.values[0]) if self.values else 0

    def lines(self) -> list[list[tuple[int, int]]]:
        """Each equation as its cells: the line's parts first, its total last."""
        rows, cols = self.shape
        found = []
        if self.row_totals:
            found += [[(i, j) for j in range(cols)] for i in range(rows)]
        if self.col_totals:
            found += [[(i, j) for i in range(rows)] for j in range(cols)]
        return found

    def is_total(self, i: int, j: int) -> bool:
        rows, cols = self.shape
        return (self.row_totals and j == cols - 1) or (self.col_totals and i == rows - 1)


def _rank(matrix: list[list[Fraction]]) -> int:
    rows = [r[:] for r in matrix]
    rank = 0
    width = len(rows[0]) if rows else 0
    for col in range(width):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][col] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for r in range(len(rows)):
            if r != rank and rows[r][col] != 0:
                factor = rows[r][col] / rows[rank][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[rank], strict=True)]
        rank += 1
    return rank


def recoverable(grid: Grid, hidden: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """The hidden cells that the published cells and the table's equations fix exactly."""
    unknowns = sorted(hidden)
    if not unknowns:
        return []
    equations = []
    for line in grid.lines():
        *parts, total = line
        coefficient = {cell: Fraction(1) for cell in parts}
        coefficient[total] = Fraction(-1)
        equations.append([coefficient.get(u, Fraction(0)) for u in unknowns])
    full = _rank(equations)
    return [
        u for k, u in enumerate(unknowns) if _rank([e[:k] + e[k + 1 :] for e in equations]) < full
    ]


def suppress(grid: Grid) -> set[tuple[int, int]]:
    """The cells to show as ``[c]``: primary (1-4) plus secondary until none is recoverable."""
    rows, cols = grid.shape
    hidden = {(i, j) for i in range(rows) for j in range(cols) if LOW <= grid.values[i][j] <= HIGH}
    lines = grid.lines()

    def cost(cell: tuple[int, int], first: tuple[int, int]) -> tuple[bool, bool, bool, int]:
        # A cell whose other line already hides something closes a loop of hidden cells, which
        # is what protects them; so it goes before a smaller count that opens a new line.
        value = grid.values[cell[0]][cell[1]]
        closes = any(
            cell in line and first not in line and any(c in hidden for c in line) for line in lines
        )
        return (value == 0, grid.is_total(*cell), not closes, value)

    while exposed := recoverable(grid, hidden):
        through = {cell: [line for line in lines if cell in line] for cell in exposed}
        open_cells = [
            cell for cell in exposed if any(c not in hidden for ln in through[cell] for c in ln)
        ]
        if not open_cells:  # every line through them is hidden already
            break

        # Partner a cell that is the only hidden one on a line, on that line, if there is one.
        alone = {
            cell: [ln for ln in through[cell] if sum(c in hidden for c in ln) == 1]
            for cell in open_cells
        }
        first = next((c for c in open_cells if alone[c]), open_cells[0])
        pool = [c for ln in (alone[first] or through[first]) for c in ln if c not in hidden]
        hidden.add(min(pool, key=lambda cell: cost(cell, first)))
    return hidden


def published(grid: Grid) -> list[list[int | str]]:
    """The table as it may be published: numbers, with ``[c]`` where suppressed."""
    hidden = suppress(grid)
    return [
        [SUPPRESSED if (i, j) in hidden else value for j, value in enumerate(row)]
        for i, row in enumerate(grid.values)
    ]


def published_part_of_whole(
    tables: Sequence[Sequence[tuple[int, int]]],
) -> list[list[list[int | str]]]:
    """Tables of (part, whole) counts by group, e.g. positive decisions of those decided, each
    published as rows of [part, whole - part, whole] and a last row of the overall totals.

    Each table is suppressed as one grid with all its margins: the rest (whole - part) is a cell
    like the others, so a hidden "decided" cannot be rebuilt from a shown "positive" and "not
    positive", nor a hidden part from the whole. The tables share their overall row (every
    breakdown adds up to the same totals), so an overall figure is shown only if every table
    can show it: hiding a margin only removes an equation, so each table stays protected.
    """
    shown = [published(Grid.of([[part, whole - part] for part, whole in t])) for t in tables]
    if not shown:
        return []
    width = len(shown[0][-1])
    overall_hidden = {j for t in shown for j in range(width) if t[-1][j] == SUPPRESSED}
    for table in shown:
        table[-1] = [SUPPRESSED if j in overall_hidden else v for j, v in enumerate(table[-1])]
    return shown
