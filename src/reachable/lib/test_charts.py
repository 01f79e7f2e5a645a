"""The chart module: reproducible SVG, a description that says what the chart shows, the data."""

from __future__ import annotations

import base64

from reachable.lib.charts import bar_chart, line_chart


def test_the_same_figures_give_the_same_bytes() -> None:
    def draw():
        return line_chart("Hours", ["Jan", "Feb", "Mar"], {"Median": [5.0, None, 3.5]}, y_label="h")

    assert draw().svg == draw().svg
    assert draw().svg.startswith("<svg")


def test_a_chart_carries_a_description_and_its_table() -> None:
    chart = line_chart(
        "Median hours",
        ["Jan", "Feb", "Mar"],
        {"Median": [5.0, None, 3.5]},
        y_label="hours",
        reference=("Before the pilot", 48),
    )
    assert "from 3.5 (Mar) to 5 (Jan)" in chart.description
    assert "Before the pilot: 48" in chart.description
    assert chart.header == ["", "Median"]
    assert chart.rows == [["Jan", 5.0], ["Feb", None], ["Mar", 3.5]]
    assert ">Before the pilot<" in chart.svg  # text stays text (selectable in a PDF)


def test_bars_label_each_category_and_travel_as_a_data_url() -> None:
    chart = bar_chart("Detentions", ["Wymondham", "Ipswich"], {"Detentions": [12, 7]}, y_label="n")
    assert ">Wymondham<" in chart.svg
    assert ">Ipswich<" in chart.svg
    assert "from 7 (Ipswich) to 12 (Wymondham)" in chart.description
    encoded = chart.data_url.removeprefix("data:image/svg+xml;base64,")
    assert base64.b64decode(encoded).decode() == chart.svg
