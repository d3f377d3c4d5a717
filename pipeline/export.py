"""Write frames as files people open in spreadsheets: CSV (formula-safe) and Parquet.

Typical use::

    from pipeline.aggregate import aggregate, article_table, contract_frame
    from pipeline.export import write_csv, write_parquet

    write_csv(contract_frame(aggregate(frame, freq="week", by="source")), "series.csv")  # or sys.stdout
    write_csv(extended_frame(aggregate(frame, freq="week", smooth=4)), "series-extra.csv")
    write_parquet(article_table(frame), "articles.parquet")

CSV: UTF-8 without BOM, comma-separated, a header row, every value in double quotes (so a cell holding
";" or "," stays one cell whichever separator a spreadsheet guesses), ISO dates, empty cells for nulls
(never "nan"), floats with ``DECIMALS`` decimals. Text cells are made safe to open: line breaks and
other control characters become spaces or go, and a cell whose first visible character starts a
formula (``=``, ``+``, ``-``, ``@``, also behind spaces, NUL, BOM, zero-width or other invisible
characters) gets a leading apostrophe. Numbers are never touched: -0.25 stays -0.25.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import BinaryIO, TextIO, TypeVar

import polars as pl

from .aggregate import contract_frame

#: A text cell whose first visible character is one of these is run as a formula by Excel, LibreOffice or Sheets.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@")
DECIMALS = 4
# Line breaks inside a quoted cell end the row for a spreadsheet that guessed another separator,
# and the next line's start is then read as a cell of its own: a text cell is kept on one line.
_LINE_BREAKS = r"[\t\n\r\v\f\x85\u2028\u2029]"
# What a spreadsheet skips or does not show before a formula: controls, format characters (BOM,
# word joiner, soft hyphen, zero-width space) and every kind of space.
_INVISIBLE = r"[\p{Cc}\p{Cf}\p{Z}]"

#: The series columns an export may add after the contract's (``extended_frame``), in this order.
EXTRA_COLUMNS: tuple[str, ...] = ("smoothed_tension", "tension_z", "spike", "top_evidence", "top_evidence_id")
PREVIEW_ROWS = 10

Destination = str | os.PathLike[str] | TextIO
Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)


def protect_formulas(frame: Frame) -> Frame:
    """Make every text cell safe to open in a spreadsheet (eager or lazy frame); other columns unchanged.

    Line breaks and tabs become spaces and other control characters go; then a cell whose first
    visible character starts a formula gets an apostrophe in front ("=1+1" → "'=1+1").
    """
    starters = "".join(re.escape(c) for c in FORMULA_PREFIXES)
    risky = rf"^{_INVISIBLE}*[{starters}]"
    text = [name for name, dtype in frame.collect_schema().items() if dtype == pl.String]
    one_line = {name: pl.col(name).str.replace_all(_LINE_BREAKS, " ").str.replace_all(r"\p{Cc}", "") for name in text}
    return frame.with_columns(
        pl.when(cell.str.contains(risky)).then(pl.lit("'") + cell).otherwise(cell).alias(name)
        for name, cell in one_line.items()
    )


def _rounded(frame: Frame) -> Frame:
    floats = [name for name, dtype in frame.collect_schema().items() if dtype.is_float()]
    # Round twice: sums taken in another order differ in the 16th digit, which must not flip the 4th.
    frame = frame.with_columns(pl.col(name).round(12) for name in floats)
    # NaN becomes an empty cell; a value that rounds to zero is written 0.0000, not -0.0000.
    return frame.with_columns(
        pl.when(pl.col(name).round(DECIMALS) == 0).then(0.0).otherwise(pl.col(name).round(DECIMALS)).alias(name)
        for name in floats
    ).with_columns(pl.col(name).fill_nan(None) for name in floats)


def csv_text(frame: pl.DataFrame) -> str:
    """The frame as formula-safe CSV text (an empty frame gives the header row alone)."""
    # The header is our own column names, plain as in the contract; every value is quoted.
    rows = protect_formulas(_rounded(frame)).write_csv(
        float_precision=DECIMALS, date_format="%Y-%m-%d", quote_style="always", include_header=False
    )
    return _header(frame.columns) + rows


def _header(columns: Sequence[str]) -> str:
    return ",".join(columns) + "\n"


def sink_csv(frame: pl.LazyFrame, dest: BinaryIO) -> None:
    """Stream a lazy frame as formula-safe CSV (the bytes ``csv_bytes`` gives) into a binary stream,
    batch by batch: the rows are never all in memory at once."""
    dest.write(_header(frame.collect_schema().names()).encode("utf-8"))
    protect_formulas(_rounded(frame)).sink_csv(
        dest, float_precision=DECIMALS, date_format="%Y-%m-%d", quote_style="always", include_header=False
    )


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """The frame as formula-safe UTF-8 CSV bytes, e.g. for a download button."""
    return csv_text(frame).encode("utf-8")


def write_csv(frame: pl.DataFrame, dest: Destination) -> None:
    """Write the frame as formula-safe CSV to a path or an open text stream (such as ``sys.stdout``)."""
    if isinstance(dest, str | os.PathLike):
        Path(dest).write_bytes(csv_bytes(frame))
    else:
        dest.write(csv_text(frame))


#: The column that names the pair of a row in a frame of several pairs (``Store.pairs_frame``).
PAIR = "pair"


def stack_pairs(
    frame: pl.DataFrame,
    table: Callable[[pl.DataFrame], pl.DataFrame],
    pairs: Sequence[str] | None = None,
    *,
    keep_order: bool = False,
) -> pl.DataFrame:
    """``table`` (a pair's articles frame -> a table: the series, the article table) made for each pair
    (``pairs``, default those in ``frame``) of ``frame`` (several pairs' frames stacked, a ``pair`` column
    first, as ``Store.pairs_frame`` gives them), stacked with a ``pair`` column second: right after the
    period (or the article's id). Pairs sorted by id, or in the order of ``pairs`` with ``keep_order``;
    no pair gives ``table``'s empty result with its ``pair`` column."""
    chosen = list(dict.fromkeys(pairs)) if pairs else sorted(frame.get_column(PAIR).unique().to_list())
    tables = []
    for pair in chosen if keep_order else sorted(chosen):
        tables.append(_with_pair(table(frame.filter(pl.col(PAIR) == pair).drop(PAIR)), pair))
    if not tables:
        return _with_pair(table(frame.clear().drop(PAIR)), None)
    return pl.concat(tables, how="vertical_relaxed")


def _with_pair(table: pl.DataFrame, pair: str | None) -> pl.DataFrame:
    return table.insert_column(1, pl.Series(PAIR, [pair] * table.height, dtype=pl.String))


def parquet_bytes(frame: pl.DataFrame) -> bytes:
    """The frame as Parquet bytes (types kept: dates stay dates, nulls stay nulls)."""
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()


def write_parquet(frame: pl.DataFrame, dest: str | os.PathLike[str]) -> None:
    """Write the frame as a Parquet file."""
    frame.write_parquet(Path(dest))


def extended_frame(series: pl.DataFrame) -> pl.DataFrame:
    """An ``aggregate`` result as the contract CSV's columns, unchanged and first, then those of
    ``EXTRA_COLUMNS`` it has: ``smoothed_tension`` (when smoothed), ``tension_z``, ``spike``,
    ``top_evidence`` and ``top_evidence_id`` (the period's strongest evidence sentence and its article)."""
    contract = contract_frame(series)
    return contract.hstack(series.select(name for name in EXTRA_COLUMNS if name in series.columns))


def preview(data: bytes, rows: int = PREVIEW_ROWS) -> pl.DataFrame:
    """The first ``rows`` rows of a CSV file as this module writes it, every cell as the file's text."""
    text = data.decode("utf-8")
    head = "".join(text.splitlines(keepends=True)[: rows + 1])  # cells never hold a line break
    frame = pl.read_csv(io.StringIO(head), infer_schema=False)
    return frame.with_columns(pl.all().fill_null(""))  # an empty cell shows empty, as in the file
