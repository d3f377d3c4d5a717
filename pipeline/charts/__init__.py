"""The dashboard's charts: ``trend_figure`` (one series) and ``split_figure`` (one line per group)."""

from .figure import split_figure, trend_figure

__all__ = ["split_figure", "trend_figure"]
