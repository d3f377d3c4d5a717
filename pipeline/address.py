"""The dashboard's view in its page address: the filters, the trend page's split, events and picked
period, the articles page's search and open article, as query parameters, so a copied link reopens
the same view.

Pure (no Streamlit): ``encode`` turns the widgets' values into parameters (defaults left out, so a
plain link stays plain), ``decode`` turns an address back into widget values, ignoring each bad
parameter with a note in words, never an exception. Several languages or sources repeat the key:
``?languages=kk&languages=ru``; a date range is ``dates=2022-01-01..2022-06-30`` (an open end:
``dates=2022-01-01..``). The pair of countries: ``?pair=am-ru``; a comparison: ``?pairs=kz-ru,am-ru``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .aggregate import Freq
from .views import FilterOptions

FREQS: tuple[Freq, ...] = ("day", "week", "month")
SMOOTH_MAX = 12  # trailing periods, as the sidebar's slider allows
SPLITS = ("none", "language", "source")
SPLIT_TOP_MAX = 20
SEARCH_MAX = 200
RANGE_SEPARATOR = ".."
#: The "Pair" choice that compares several pairs (no pair id is spelt so: ids are ``xx-yy`` or file paths).
COMPARE = "(compare)"
PAIRS_SEPARATOR = ","

#: The keys each page shows (the sidebar's are on every page), by the page's URL path.
SIDEBAR_KEYS: tuple[str, ...] = ("pair", "pairs", "freq", "smooth", "dates", "languages", "sources")
PAGE_KEYS: dict[str, tuple[str, ...]] = {
    "trend": ("split", "split_top", "show_events", "period"),
    "articles": ("search", "article_id"),
}
#: Values left out of the address: the widgets' own defaults.
DEFAULTS: dict[str, object] = {
    "smooth": 0,
    "languages": [],
    "sources": [],
    "split": "none",
    "split_top": 5,
    "show_events": True,
    "period": "",
    "search": "",
}
_TRUE, _FALSE = ("1", "true", "on", "yes"), ("0", "false", "off", "no")

Params = Mapping[str, Sequence[str]]  # every value of each key, as st.query_params.get_all gives them


@dataclass(frozen=True)
class Decoded:
    """Widget values read from an address (by session-state key), and why some parameters were ignored."""

    values: dict[str, object] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def keys_of(page: str) -> tuple[str, ...]:
    """The keys the page ``page`` (its URL path) keeps in its address."""
    return SIDEBAR_KEYS + PAGE_KEYS.get(page, ())


# ---------------------------------------------------------------- encoding


def _text(value: object) -> str | list[str] | None:
    """One widget value as query text; None when it is not one the address can hold."""
    item = getattr(value, "item", None)
    if not isinstance(value, str | list | tuple | dt.date) and callable(item):
        value = item()  # a NumPy scalar (an id from a table's selection) as the Python value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | str):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def encode_dates(start: dt.date | None, end: dt.date | None) -> str | None:
    """A date range as the address writes it; None for the data's whole span (no limit)."""
    if start is None and end is None:
        return None
    return f"{start.isoformat() if start else ''}{RANGE_SEPARATOR}{end.isoformat() if end else ''}"


def encode(state: Mapping[str, object], page: str, options: FilterOptions) -> dict[str, str | list[str]]:
    """The query parameters of the page ``page`` for these widget values (absent keys and defaults left out)."""
    params: dict[str, str | list[str]] = {}
    for key in keys_of(page):
        if key not in state:
            continue
        value = state[key]
        text: str | list[str] | None
        if key == "dates":
            start, end = _range_of(value, options)
            text = encode_dates(start, end)
        elif key == "pair":
            text = None if value == COMPARE else _text(value)  # a comparison is written as its pairs
        elif key == "pairs":
            chosen = _text(value) if state.get("pair") == COMPARE else None
            text = PAIRS_SEPARATOR.join(chosen) if isinstance(chosen, list) and chosen else None
        else:
            text = _text(value)
            if value is None or (key in DEFAULTS and text == _text(DEFAULTS[key])):
                continue
        if text is not None and not (isinstance(text, list) and not text):
            params[key] = text
    return params


def _range_of(value: object, options: FilterOptions) -> tuple[dt.date | None, dt.date | None]:
    # As the sidebar reads it (views.date_range): the data's first or last day is an open end.
    picked = list(value) if isinstance(value, list | tuple) else []
    start = picked[0] if picked and isinstance(picked[0], dt.date) else None
    end = picked[1] if len(picked) > 1 and isinstance(picked[1], dt.date) else None
    return (None if start == options.first else start), (None if end == options.last else end)


# ---------------------------------------------------------------- decoding


def decode(params: Params, options: FilterOptions, pairs: Sequence[str] = ()) -> Decoded:
    """The widget values an address asks for, checked against the data's choices and the pairs the
    database follows; each parameter that cannot be used is left out with a note saying which and
    why (unknown keys are left alone)."""
    decoded = Decoded()
    _decode_pairs(params, pairs, decoded)
    readers = {
        "freq": lambda v: _choice(v, FREQS, "the period is day, week or month"),
        "smooth": lambda v: _integer(v, 0, SMOOTH_MAX, f"smoothing runs from 0 to {SMOOTH_MAX} trailing periods"),
        "dates": lambda v: _dates(v, options),
        "split": lambda v: _choice(v, SPLITS, "compare by none, language or source"),
        "split_top": lambda v: _integer(
            v, 1, SPLIT_TOP_MAX, f"top sources is a whole number from 1 to {SPLIT_TOP_MAX}"
        ),
        "show_events": _flag,
        "period": _period,
        "search": _search,
        "article_id": lambda v: _integer(v, 1, None, "an article id is a whole number from 1"),
    }
    for key, read in readers.items():
        values = list(params.get(key, ()))
        if not values:
            continue
        raw = values[-1]
        try:
            decoded.values[key] = read(raw)
        except ValueError as err:
            decoded.notes.append(f"Ignored {key}={_shown(raw)} in the address: {err}.")
    for key, known, noun in (("languages", options.languages, "language"), ("sources", options.sources, "source")):
        values = [v for v in params.get(key, ()) if v]
        if not values:
            continue
        kept = list(dict.fromkeys(v for v in values if v in known))
        unknown = [v for v in dict.fromkeys(values) if v not in known]
        if unknown:
            names = ", ".join(_shown(v) for v in unknown)
            decoded.notes.append(f"Ignored {key}={names} in the address: no stored article has that {noun}.")
        decoded.values[key] = kept
    return decoded


def _decode_pairs(params: Params, followed: Sequence[str], decoded: Decoded) -> None:
    """``pair`` (one pair) and ``pairs`` (a comparison, which wins), checked against the followed pairs."""
    known = ", ".join(followed) or "none"
    pair = [v for v in params.get("pair", ()) if v.strip()]
    if pair:
        wanted = pair[-1].strip()
        if wanted in followed:
            decoded.values["pair"] = wanted
        else:
            decoded.notes.append(f"Ignored pair={_shown(wanted)} in the address: the database follows {known}.")
    asked = [p.strip() for v in params.get("pairs", ()) for p in v.split(PAIRS_SEPARATOR) if p.strip()]
    if not asked:
        return
    chosen = list(dict.fromkeys(p for p in asked if p in followed))
    unknown = [p for p in dict.fromkeys(asked) if p not in followed]
    if unknown:
        names = ", ".join(_shown(p) for p in unknown)
        decoded.notes.append(f"Ignored pairs={names} in the address: the database follows {known}.")
    if chosen:
        decoded.values["pair"] = COMPARE
        decoded.values["pairs"] = chosen


def _shown(raw: str) -> str:
    """A parameter's value as a note quotes it: one line, cut short."""
    one_line = " ".join(raw.split())
    return repr(one_line if len(one_line) <= 40 else one_line[:39] + "…")


def _choice(raw: str, allowed: Sequence[str], reason: str) -> str:
    if raw not in allowed:
        raise ValueError(reason)
    return raw


def _integer(raw: str, low: int, high: int | None, rule: str) -> int:
    text = raw.strip()
    number = int(text) if text.isascii() and text.isdigit() else None
    if number is None or number < low or (high is not None and number > high):
        raise ValueError(rule)
    return number


def _flag(raw: str) -> bool:
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise ValueError("write 1 (on) or 0 (off)")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _period(raw: str) -> str:
    return _date(raw.strip()).isoformat() if raw.strip() else ""


def _search(raw: str) -> str:
    if len(raw) > SEARCH_MAX:
        raise ValueError(f"a search of {len(raw):,} characters, at most {SEARCH_MAX}")
    return raw


def _dates(raw: str, options: FilterOptions) -> tuple[dt.date, dt.date]:
    if options.first is None or options.last is None:
        raise ValueError("no stored article has a date")
    if RANGE_SEPARATOR not in raw:
        raise ValueError(f"not a date range (write 2022-01-01{RANGE_SEPARATOR}2022-06-30)")
    first, last = raw.split(RANGE_SEPARATOR, 1)
    start = _date(first.strip()) if first.strip() else options.first
    end = _date(last.strip()) if last.strip() else options.last
    if start > end:
        raise ValueError(f"it starts after it ends ({start} > {end})")
    if start > options.last or end < options.first:
        raise ValueError(f"no stored article is dated in it (they run from {options.first} to {options.last})")
    return start, end
