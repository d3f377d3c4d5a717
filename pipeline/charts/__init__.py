"""The dashboard's charts: ``trend_figure`` (one series) and ``split_figure`` (one line per group)."""

from .figure import picked_groups, split_figure, trend_figure
from .palette import keyed_colors

__all__ = ["keyed_colors", "picked_groups", "split_figure", "trend_figure"]
