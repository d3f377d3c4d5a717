"""Key-event labels that never overlap: close events grouped, labels stacked in rows above the plot.

Everything is worked out in pixels from an assumed plot width (``PLOT_WIDTH``, what the chart gets
at a 1440 px wide window) and label widths estimated from their characters. In a wider plot the
events spread further apart while the labels keep their size, so labels that do not overlap here
do not overlap there either.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ..models import Event

#: The plot area's width in pixels at a 1440 px window (sidebar open), rounded down: measured in Chromium.
PLOT_WIDTH = 820.0
#: Label font size, and an upper bound of a character's width at that size (wide letters, Cyrillic).
FONT_SIZE = 11
CHAR_WIDTH = 0.62 * FONT_SIZE
LABEL_PADDING = 8.0  # Plotly's box padding on both sides, plus a margin
LABEL_GAP = 6.0  # least space between two labels in a row
ROW_HEIGHT = 20.0  # above the box Plotly draws (18 px at 11 px type)
MAX_ROWS = 3
#: Events closer than this (pixels) share one marker and one label: their lines would touch.
MIN_EVENT_GAP = 14.0
#: A single event's label is cut to this many characters (the hover has the whole label and note).
MAX_LABEL_CHARS = 26


@dataclass(frozen=True)
class PlacedLabel:
    """One label: its events, its text, where its leader line starts (``anchor``) and its box."""

    events: tuple[Event, ...]
    text: str
    anchor: dt.date  # the mean date of the events: the marker and the leader line's foot
    anchor_px: float
    center_px: float  # the box's centre, moved inwards at the plot's edges
    row: int  # 0 is the row nearest the plot
    width: float

    @property
    def box(self) -> tuple[float, float, float, float]:
        """(left, right, bottom, top) in pixels; y counted upwards from the plot's top edge."""
        bottom = ROW_HEIGHT * self.row
        return (self.center_px - self.width / 2, self.center_px + self.width / 2, bottom, bottom + ROW_HEIGHT)


def label_text(events: Sequence[Event]) -> str:
    """The label of a group: its event's label (cut), or "3 events"."""
    if len(events) > 1:
        return f"{len(events)} events"
    label = " ".join(events[0].label.split())
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


def label_width(text: str) -> float:
    """An upper bound of the label's width in pixels."""
    return len(text) * CHAR_WIDTH + LABEL_PADDING


def _px(day: dt.date, lo: dt.date, hi: dt.date, width: float) -> float:
    span = max((hi - lo).days, 1)
    return (day - lo).days / span * width


def _mean_date(events: Sequence[Event]) -> dt.date:
    ordinals = [e.date.toordinal() for e in events]
    return dt.date.fromordinal(round(sum(ordinals) / len(ordinals)))


def group_events(events: Sequence[Event], lo: dt.date, hi: dt.date, width: float = PLOT_WIDTH) -> list[list[Event]]:
    """The events between ``lo`` and ``hi`` in date order, consecutive ones closer than
    ``MIN_EVENT_GAP`` pixels in one group."""
    groups: list[list[Event]] = []
    last_px = None
    for event in sorted((e for e in events if lo <= e.date <= hi), key=lambda e: e.date):
        px = _px(event.date, lo, hi, width)
        if groups and last_px is not None and px - last_px < MIN_EVENT_GAP:
            groups[-1].append(event)
        else:
            groups.append([event])
        last_px = px
    return groups


def _try_place(groups: list[list[Event]], lo: dt.date, hi: dt.date, width: float) -> list[PlacedLabel] | int:
    """The labels in rows, or the index of the first group whose label fits in no row."""
    right_edges = [float("-inf")] * MAX_ROWS
    placed = []
    for i, group in enumerate(groups):
        text = label_text(group)
        w = label_width(text)
        anchor = _mean_date(group)
        anchor_px = _px(anchor, lo, hi, width)
        center = min(max(anchor_px, w / 2), width - w / 2)  # kept inside the plot's width
        row = next((r for r in range(MAX_ROWS) if center - w / 2 >= right_edges[r] + LABEL_GAP), None)
        if row is None:
            return i
        right_edges[row] = center + w / 2
        placed.append(PlacedLabel(tuple(group), text, anchor, anchor_px, center, row, w))
    return placed


def place_labels(events: Sequence[Event], lo: dt.date, hi: dt.date, width: float = PLOT_WIDTH) -> list[PlacedLabel]:
    """Labels for the events between ``lo`` and ``hi`` (the x-axis range) that do not overlap: a
    label that fits in no row joins its group to the previous one ("3 events"), until all fit."""
    groups = group_events(events, lo, hi, width)
    while True:
        result = _try_place(groups, lo, hi, width)
        if isinstance(result, list):
            return result
        # result >= 1: the first label always fits (its row is empty)
        groups[result - 1 : result + 1] = [groups[result - 1] + groups[result]]


def overlapping_pairs(labels: Sequence[PlacedLabel]) -> list[tuple[int, int]]:
    """The index pairs of labels whose boxes intersect (empty when the placement is right)."""
    pairs = []
    for i, a in enumerate(labels):
        for j in range(i + 1, len(labels)):
            b = labels[j]
            ax0, ax1, ay0, ay1 = a.box
            bx0, bx1, by0, by1 = b.box
            if ax0 < bx1 and bx0 < ax1 and ay0 < by1 and by0 < ay1:
                pairs.append((i, j))
    return pairs
