"""Colours and symbols of the charts: the Okabe–Ito palette, which colour-blind readers can tell
apart, and the sign of tension carried by a symbol and a word as well as by colour."""

from __future__ import annotations

from collections.abc import Iterable

BLUE = "#0072B2"
ORANGE = "#E69F00"
VERMILLION = "#D55E00"
SKY = "#56B4E9"
GREEN = "#009E73"
PURPLE = "#CC79A7"
YELLOW = "#F0E442"
BLACK = "#000000"
GREY = "#7f7f7f"

#: One colour per group of a split chart, in order ("other" takes grey).
GROUP_COLORS: tuple[str, ...] = (BLUE, ORANGE, GREEN, PURPLE, SKY, VERMILLION, YELLOW, BLACK)

MEAN_COLOR = BLUE
TENSION_COLOR = VERMILLION  # spikes and the "tension" side
BAR_COLOR = "rgba(90, 90, 90, 0.45)"
EVENT_COLOR = "rgba(60, 60, 60, 0.65)"

#: Marker symbol and word of a mean above / below zero.
TENSION_MARK = ("triangle-up", "▲ tension")
COOPERATION_MARK = ("triangle-down", "▼ cooperation")
NEUTRAL_MARK = ("circle", "● neutral")


def rgba(color: str, alpha: float) -> str:
    """A "#rrggbb" colour with transparency, for bands and whiskers."""
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha})"


def sign_mark(mean: float | None) -> tuple[str, str]:
    """(marker symbol, word) of a period's mean tension: ▲ tension above zero, ▼ cooperation below."""
    if mean is None or abs(mean) < 0.005:  # shown as 0.00
        return NEUTRAL_MARK
    return TENSION_MARK if mean > 0 else COOPERATION_MARK


def group_color(index: int, group: str) -> str:
    """The colour of the ``index``-th group of a split chart; "other" is grey."""
    return GREY if group == "other" else GROUP_COLORS[index % len(GROUP_COLORS)]


def keyed_colors(keys: Iterable[str]) -> dict[str, str]:
    """One colour per key by its place among the keys sorted: a chart that draws any of them gives a
    key the same colour whichever others it draws (the followed pairs: a pair keeps its colour)."""
    return {key: GROUP_COLORS[i % len(GROUP_COLORS)] for i, key in enumerate(sorted(set(keys)))}
