"""Suppression: every count from 1 to 4 is hidden, and no hidden cell can be worked out from the
published cells and totals.

The check here is independent of the rank test the module uses: in a table with margins each
hidden cell joins its row's equation to its column's; a hidden cell is fixed by the published
figures exactly when that link is a bridge (on no cycle of hidden cells), so the test looks for
another path between its row and its column through the other hidden cells."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reachable.lib.suppression import SUPPRESSED, Grid, published, suppress_column


def _on_a_cycle(hidden: set[tuple[int, int]], cell: tuple[int, int]) -> bool:
    others = hidden - {cell}
    start, goal = ("row", cell[0]), ("col", cell[1])
    seen, frontier = {start}, [start]
    while frontier:
        kind, index = frontier.pop()
        for i, j in others:
            if (kind == "row" and i == index) or (kind == "col" and j == index):
                step = ("col", j) if kind == "row" else ("row", i)
                if step not in seen:
                    seen.add(step)
                    frontier.append(step)
    return goal in seen


tables = st.integers(min_value=1, max_value=6).flatmap(
    lambda rows: st.lists(
        st.lists(st.integers(min_value=0, max_value=25), min_size=1, max_size=5).map(tuple),
        min_size=rows,
        max_size=rows,
    ).filter(lambda t: len({len(r) for r in t}) == 1)
)


@settings(max_examples=300, deadline=None)
@given(tables)
def test_no_suppressed_cell_can_be_recovered_from_the_published_totals(cells) -> None:
    grid = Grid.of(cells)
    shown = published(grid)
    hidden = {(i, j) for i, row in enumerate(shown) for j, v in enumerate(row) if v == SUPPRESSED}
    for i, row in enumerate(grid.values):
        for j, value in enumerate(row):
            if 1 <= value <= 4:
                assert (i, j) in hidden, (cells, i, j)
            if (i, j) not in hidden:
                assert shown[i][j] == value
    for cell in hidden:
        assert _on_a_cycle(hidden, cell), (cells, sorted(hidden), cell)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=8))
def test_a_single_column_never_hides_exactly_one_part_of_a_published_total(counts) -> None:
    cells, total = suppress_column(counts)
    hidden = [c for c in cells if c == SUPPRESSED]
    if total != SUPPRESSED:
        assert len(hidden) != 1
        assert total == sum(counts)
    assert all(c == SUPPRESSED for c, n in zip(cells, counts, strict=True) if 1 <= n <= 4)


def test_a_lone_small_count_takes_a_partner_from_its_row_and_its_column() -> None:
    shown = published(Grid.of([[3, 10, 12], [20, 30, 40]]))
    assert shown[0][0] == SUPPRESSED
    assert sum(v == SUPPRESSED for v in shown[0]) >= 2
    assert sum(row[0] == SUPPRESSED for row in shown) >= 2
    assert shown[1][2] == 40
