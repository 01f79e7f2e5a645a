"""The one chart module: charts drawn on the server as SVG, each with a text description and the
data it shows as a table, for pages, downloads and PDFs alike.

Drawn with matplotlib (Agg, no display) so that a chart needs no JavaScript and prints in a
WeasyPrint PDF. The SVG is made reproducible (no creation date, a fixed id salt): the same figures
give the same bytes, so a board pack issued once can be issued again unchanged. Pages show it as an
``<img>`` from a data URL, which the site's content security policy allows (matplotlib writes style
attributes, which the policy would refuse inline), with the description as its alternative text
and the table beside it.
"""

from __future__ import annotations

import base64
import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import matplotlib

matplotlib.use("Agg")
from matplotlib import pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

# GOV.UK Design System colours, in the order series take them.
COLOURS = ["#1d70b8", "#f47738", "#00703c", "#4c2c92", "#d4351c", "#505a5f"]
TEXT, GRID = "#0b0c0c", "#b1b4b6"
_DRAWING = threading.Lock()  # matplotlib's state is global: one chart at a time per process
matplotlib.rcParams.update(
    {
        "svg.hashsalt": "reachable",
        "svg.fonttype": "none",  # text stays text: smaller, and selectable in a PDF
        "font.family": "sans-serif",  # a generic family: missing fonts fall through silently
        "font.sans-serif": ["Arial", "Liberation Sans", "DejaVu Sans"],
        "font.size": 10,
        "axes.edgecolor": GRID,
        "axes.labelcolor": TEXT,
        "xtick.color": TEXT,
        "ytick.color": TEXT,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)

Number = float | int | None


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    svg: str
    header: list[str] = field(default_factory=list)
    rows: list[list[object]] = field(default_factory=list)

    @property
    def data_url(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _figure(width: float = 7.0, height: float = 3.2) -> tuple[Figure, Axes]:
    figure, axes = plt.subplots(figsize=(width, height))
    axes.grid(axis="y", color=GRID, linewidth=0.5)
    axes.set_axisbelow(True)
    return figure, axes


def _described(title: str, labels: Sequence[str], series: dict[str, Sequence[Number]]) -> str:
    """A sentence a screen reader can use: the range of each series, where it peaks."""
    parts = []
    for name, values in series.items():
        known = [(v, labels[i]) for i, v in enumerate(values) if v is not None]
        if not known:
            parts.append(f"{name}: no data")
            continue
        high, low = max(known, key=lambda p: p[0]), min(known, key=lambda p: p[0])
        parts.append(
            f"{name}: from {low[0]:g} ({low[1]}) to {high[0]:g} ({high[1]})"
            if high != low
            else f"{name}: {high[0]:g}"
        )
    return f"{title}. " + "; ".join(parts) + ". The figures are in the table."


def line_chart(
    title: str,
    labels: Sequence[str],
    series: dict[str, Sequence[Number]],
    *,
    y_label: str,
    reference: tuple[str, float] | None = None,
) -> Chart:
    """One line per series over the labels (e.g. months); a gap where a value is None.
    ``reference`` draws a dashed horizontal line, such as a baseline or a target."""
    with _DRAWING:
        figure, axes = _figure()
        positions = list(range(len(labels)))
        for colour, (name, values) in zip(COLOURS, series.items(), strict=False):
            axes.plot(
                positions,
                [float("nan") if v is None else v for v in values],
                marker="o",
                markersize=3,
                color=colour,
                label=name,
            )
        if reference:
            axes.axhline(reference[1], color=TEXT, linestyle="--", linewidth=1, label=reference[0])
        axes.set_xticks(positions, labels, rotation=45, ha="right")
        axes.set_ylabel(y_label)
        axes.set_ylim(bottom=0)
        if len(series) > 1 or reference:
            axes.legend(frameon=False)
        svg = _svg(figure)
    description = _described(title, labels, series)
    if reference:
        description = description.replace(
            " The figures", f" {reference[0]}: {reference[1]:g}. The figures"
        )
    return Chart(title, description, svg, ["", *series], _table(labels, series))


def bar_chart(
    title: str,
    labels: Sequence[str],
    series: dict[str, Sequence[Number]],
    *,
    y_label: str,
) -> Chart:
    """Bars per label, side by side when there is more than one series."""
    with _DRAWING:
        figure, axes = _figure(height=max(2.4, 0.35 * len(labels) + 1))
        count = max(1, len(series))
        height = 0.8 / count
        for index, (colour, (name, values)) in enumerate(
            zip(COLOURS, series.items(), strict=False)
        ):
            axes.barh(
                [i + index * height for i in range(len(labels))],
                [0 if v is None else v for v in values],
                height=height,
                color=colour,
                label=name,
            )
        axes.set_yticks([i + (count - 1) * height / 2 for i in range(len(labels))], labels)
        axes.invert_yaxis()
        axes.set_xlabel(y_label)
        if all(isinstance(v, int) for values in series.values() for v in values if v is not None):
            axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no 0.2 of a thing
        axes.grid(axis="x", color=GRID, linewidth=0.5)
        axes.grid(axis="y", visible=False)
        if count > 1:
            axes.legend(frameon=False)
        svg = _svg(figure)
    return Chart(
        title, _described(title, labels, series), svg, ["", *series], _table(labels, series)
    )


def _table(labels: Sequence[str], series: dict[str, Sequence[Number]]) -> list[list[object]]:
    return [[label, *(values[i] for values in series.values())] for i, label in enumerate(labels)]
