"""Shading levels for the demand heatmap."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag
def heat_level(value: int, maximum: int) -> int:
    """0 for none, then 1-5 in equal steps of the largest cell."""
    if not value or not maximum:
        return 0
    return max(1, min(5, -(-value * 5 // maximum)))


@register.filter
def percent(value: float | None) -> str:
    return "no data" if value is None else f"{value:.0%}"


@register.filter
def cell(grid: list[list[int]], day: int) -> list[int]:
    return grid[day]


@register.simple_tag
def is_open(open_cells: set[tuple[int, int]], day: int, hour: int) -> bool:
    return (day, hour) in open_cells
