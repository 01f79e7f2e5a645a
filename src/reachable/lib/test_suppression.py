"""Suppression: every count from 1 to 4 is hidden, and no hidden cell can be worked out from the
published cells and totals.

The check here is independent of the rank test the module uses: in a table with margins each
hidden cell joins its row's equation to its column's; a hidden cell is fixed by the published
figures exactly when that link is a bridge (on no cycle of hidden cells), so the test looks for
another path between its row and its column through the other hidden cells."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reachable.lib.suppression import SUPPRESSED, Grid, published, published_part_of_whole


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


def _hidden(shown: list[list[int | str]]) -> set[tuple[int, int]]:
    return {(i, j) for i, row in enumerate(shown) for j, v in enumerate(row) if v == SUPPRESSED}


groups = st.lists(
    st.tuples(st.integers(min_value=0, max_value=30), st.integers(min_value=0, max_value=30)).map(
        lambda t: (min(t), max(t))  # a part is never more than its whole
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(groups, min_size=1, max_size=3).filter(
        # Breakdowns of one set of decisions: every table adds up to the same totals.
        lambda ts: len({(sum(p for p, _ in t), sum(w for _, w in t)) for t in ts}) == 1
    )
)
def test_no_part_whole_or_rest_can_be_worked_out_across_tables(tables) -> None:
    shown = published_part_of_whole(tables)
    overall = shown[0][-1]
    for table, exact in zip(shown, tables, strict=True):
        assert table[-1] == overall  # one overall row, whichever breakdown it is read from
        grid = Grid.of([[p, w - p] for p, w in exact])
        hidden = _hidden(table)
        for i, row in enumerate(grid.values):
            for j, value in enumerate(row):
                if 1 <= value <= 4:
                    assert (i, j) in hidden, (exact, i, j)
                elif (i, j) not in hidden:
                    assert table[i][j] == value
        # Each hidden cell, overall figures included, lies on a loop of hidden cells, so the
        # published rows, columns and totals of this table never pin it down.
        for cell in hidden:
            assert _on_a_cycle(hidden, cell), (exact, sorted(hidden), cell)


periods = st.integers(min_value=1, max_value=6).flatmap(
    lambda n: st.lists(
        st.lists(st.integers(min_value=0, max_value=25), min_size=4, max_size=4),
        min_size=n,
        max_size=n,
    )
)


@settings(max_examples=200, deadline=None)
@given(periods)
def test_a_period_reads_the_same_whichever_later_period_is_viewed(rows) -> None:
    # The trend: periods down, counties across, a regional total per period and no column
    # total (a child counts once per period).
    full = published(Grid.of(rows, col_totals=False))
    for upto in range(1, len(rows) + 1):
        assert published(Grid.of(rows[:upto], col_totals=False)) == full[:upto]
    for exact, shown in zip(rows, full, strict=True):
        hidden = [j for j, v in enumerate(shown) if v == SUPPRESSED]
        assert len(hidden) != 1  # one hidden cell on a line is its total minus the rest
        if shown[-1] != SUPPRESSED:
            assert shown[-1] == sum(exact)


def test_a_lone_small_count_takes_a_partner_from_its_row_and_its_column() -> None:
    shown = published(Grid.of([[3, 10, 12], [20, 30, 40]]))
    assert shown[0][0] == SUPPRESSED
    assert sum(v == SUPPRESSED for v in shown[0]) >= 2
    assert sum(row[0] == SUPPRESSED for row in shown) >= 2
    assert shown[1][2] == 40
