"""Write frames as files people open in spreadsheets: CSV (formula-safe) and Parquet.

Typical use::

    from pipeline.aggregate import aggregate, article_table, contract_frame
    from pipeline.export import write_csv, write_parquet

    write_csv(contract_frame(aggregate(frame, freq="week", by="source")), "series.csv")  # or sys.stdout
    write_parquet(article_table(frame), "articles.parquet")

CSV: UTF-8 without BOM, comma-separated, a header row, ISO dates, empty cells for nulls (never
"nan"), floats with ``DECIMALS`` decimals, and every text cell that a spreadsheet would read as a
formula (leading ``=``, ``+``, ``-``, ``@``, tab or carriage return) prefixed with an apostrophe.
Numbers are never touched: -0.25 stays -0.25.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import TextIO

import polars as pl

#: A text cell starting with one of these is run as a formula by Excel, LibreOffice or Sheets.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "\n")
DECIMALS = 4

Destination = str | os.PathLike[str] | TextIO


def protect_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix an apostrophe to every text cell that starts like a formula; other columns unchanged.

    Spreadsheets also run a formula behind leading spaces (" =1+1"), so those count too.
    """
    starters = "".join("\\" + c if c in "+-" else c for c in FORMULA_PREFIXES if c.strip())
    risky = rf"^[\t\r\n]|^[\s\u00a0]*[{starters}]"
    text = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(risky)).then(pl.lit("'") + pl.col(name)).otherwise(pl.col(name)).alias(name)
        for name in text
    )


def _rounded(frame: pl.DataFrame) -> pl.DataFrame:
    floats = [name for name, dtype in frame.schema.items() if dtype.is_float()]
    # Round twice: sums taken in another order differ in the 16th digit, which must not flip the 4th.
    frame = frame.with_columns(pl.col(name).round(12) for name in floats)
    # NaN becomes an empty cell; a value that rounds to zero is written 0.0000, not -0.0000.
    return frame.with_columns(
        pl.when(pl.col(name).round(DECIMALS) == 0).then(0.0).otherwise(pl.col(name).round(DECIMALS)).alias(name)
        for name in floats
    ).with_columns(pl.col(name).fill_nan(None) for name in floats)


def csv_text(frame: pl.DataFrame) -> str:
    """The frame as formula-safe CSV text (an empty frame gives the header row alone)."""
    return protect_formulas(_rounded(frame)).write_csv(float_precision=DECIMALS, date_format="%Y-%m-%d")


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """The frame as formula-safe UTF-8 CSV bytes, e.g. for a download button."""
    return csv_text(frame).encode("utf-8")


def write_csv(frame: pl.DataFrame, dest: Destination) -> None:
    """Write the frame as formula-safe CSV to a path or an open text stream (such as ``sys.stdout``)."""
    if isinstance(dest, str | os.PathLike):
        Path(dest).write_bytes(csv_bytes(frame))
    else:
        dest.write(csv_text(frame))


def parquet_bytes(frame: pl.DataFrame) -> bytes:
    """The frame as Parquet bytes (types kept: dates stay dates, nulls stay nulls)."""
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()


def write_parquet(frame: pl.DataFrame, dest: str | os.PathLike[str]) -> None:
    """Write the frame as a Parquet file."""
    frame.write_parquet(Path(dest))
