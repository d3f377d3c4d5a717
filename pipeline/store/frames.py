"""The articles frame, served incrementally: a frame read once is refreshed with only the articles
changed since (migration 4's change stamps), in this process and across processes.

The last frame of each database and pair is held in the process; for a file, a snapshot of it is kept
as Parquet next to the file (``barometer.sqlite-frame.parquet``, ``barometer.sqlite-frame-am-ru.parquet``
for another pair than kz-ru), so a fresh process (the dashboard after an ingest, a correction or a poll)
reads that file and the few changed rows instead of every row. A snapshot of another database, pair or
scorer version, a later state or another layout is ignored; one that cannot be written is skipped.
Two pairs never share a frame. The result always equals a full read (tests/test_read_path.py).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ..resources import DEFAULT_PAIR
from .base import Backend
from .records import ARTICLE_FRAME_SCHEMA

#: Below this many articles a full read is quick: no snapshot file is written.
SNAPSHOT_MIN_ROWS = 20_000
#: The snapshot is written again when more than this share of its rows (or SPLICE_MAX / 2) changed since.
SNAPSHOT_STALE_SHARE = 0.01
SNAPSHOT_SUFFIX = "-frame.parquet"
#: A refresh of at most this many changed articles splices them in; more are sorted in.
SPLICE_MAX = 2048
CHUNKS_MAX = 512
#: Bumped when the frame's columns or meaning change: older snapshots are then ignored.
FRAME_FORMAT = "1"
#: Frames held in the process (one per database and pair, the most recent ones): four pairs compared, twice.
_HELD_FRAMES = 8

#: The frame's columns as the database gives them: dates as ISO text, flags as 0/1 (typed in ``_typed``).
RAW_SCHEMA = {
    name: pl.String() if dtype == pl.Date else pl.Int64() if dtype == pl.Boolean else dtype
    for name, dtype in ARTICLE_FRAME_SCHEMA.items()
}


@dataclass(frozen=True)
class _Held:
    """A frame and the state of the database it shows."""

    token: str
    counter: int
    version: str
    frame: pl.DataFrame
    saved: int | None  # the counter of the snapshot file on disk, None when there is none
    how: str = "full read"  # how the frame was made (``how_served``)


_held: dict[tuple[str, str], _Held] = {}
_lock = threading.Lock()


def snapshot_path(database: str | Path, pair: str = DEFAULT_PAIR) -> Path:
    """Where the snapshot of the database file ``database``'s frame of ``pair`` is kept."""
    suffix = SNAPSHOT_SUFFIX if pair == DEFAULT_PAIR else SNAPSHOT_SUFFIX.replace("-frame", f"-frame-{_safe(pair)}")
    return Path(f"{database}{suffix}")


def _safe(pair: str) -> str:
    # A pair id named by a .toml path holds "/": the snapshot stays next to the database all the same.
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in pair)


def full_frame(
    backend: Backend, preferred_version: str, *, pair: str = DEFAULT_PAIR, changed_since: int | None = None
) -> pl.DataFrame:
    """Every article (or those changed after ``changed_since``) read from the database with the scores
    and corrections of ``pair``, typed."""
    batches = backend.article_column_batches(preferred_version, pair=pair, changed_since=changed_since)
    parts = [_typed(columns) for columns in batches]
    return pl.concat(parts, rechunk=False) if parts else _typed({name: [] for name in ARTICLE_FRAME_SCHEMA})


def current_frame(
    backend: Backend,
    database: str,
    preferred_version: str,
    *,
    pair: str = DEFAULT_PAIR,
    may_save: bool,
    snapshot: bool = True,
) -> pl.DataFrame:
    """The frame of ``pair`` in the database ``database`` (a file, or a server's URL with ``snapshot``
    False) as a full read would give it now, built from the frame held in the process or the snapshot
    file plus the articles changed since. Call inside ``backend.reading()``; ``may_save`` False never
    writes the snapshot."""
    token, counter = backend.change_stamp()
    key = _key(database, snapshot, pair)
    path = snapshot_path(database, pair)
    with _lock:
        held = _held.get(key)
    origin = "held"
    if held is None or not _usable(held, token, preferred_version, counter):
        held, origin = None, "snapshot"
        if snapshot:
            held = _load_snapshot(path, token, preferred_version, counter, pair)
    refreshed = None if held is None else _refreshed(backend, held, counter, preferred_version, pair)
    if refreshed is None:
        frame, how = full_frame(backend, preferred_version, pair=pair), "full read"
    else:
        frame, changed = refreshed
        how = f"{origin} + {changed} changed"
    saved = held.saved if held is not None else None
    if snapshot and may_save and frame.height >= SNAPSHOT_MIN_ROWS and _snapshot_stale(backend, saved, frame.height):
        current = _Held(token, counter, preferred_version, frame, saved=counter)
        if _save_snapshot(path, current, pair):
            saved = counter
    with _lock:
        _held.pop(key, None)
        _held[key] = _Held(token, counter, preferred_version, frame, saved, how)
        while len(_held) > _HELD_FRAMES:
            _held.pop(next(iter(_held)))
    return frame


def how_served(database: str, pair: str = DEFAULT_PAIR) -> str | None:
    """How the last frame of ``pair`` in ``database`` was made: "full read", or "held + N changed" /
    "snapshot + N changed" (the frame held in the process, or the snapshot file, and N articles read again)."""
    with _lock:
        held = _held.get(_key(database, False, pair)) or _held.get(_key(database, True, pair))
    return None if held is None else held.how


def _key(database: str, snapshot: bool, pair: str) -> tuple[str, str]:
    """A file by its absolute path, a server's database by its URL; and the pair."""
    return (os.path.abspath(database) if snapshot else database, pair)


def forget() -> None:
    """Drop the frames held in this process (tests; the snapshot files stay)."""
    with _lock:
        _held.clear()


def _usable(held: _Held, token: str, version: str, counter: int) -> bool:
    # A counter above the database's: the file was replaced by an older copy of itself.
    return held.token == token and held.version == version and held.counter <= counter


def _refreshed(backend: Backend, held: _Held, counter: int, version: str, pair: str) -> tuple[pl.DataFrame, int] | None:
    """``held``'s frame with the changed articles read again (deleted ones dropped), and how many
    changed; None when a full read is as cheap (most rows changed) or the result does not add up."""
    if held.counter == counter:
        return held.frame, 0
    changed = backend.changed_articles(held.counter)
    if 2 * len(changed) > held.frame.height:
        return None
    frame = splice(held.frame, changed, full_frame(backend, version, pair=pair, changed_since=held.counter))
    # A check that costs one count: a frame that lost or doubled a row is never shown.
    return (frame, len(changed)) if frame.height == backend.article_count(include_demo=True) else None


def splice(frame: pl.DataFrame, changed: list[int], fresh: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (in id order) with the rows of the ``changed`` ids taken out and ``fresh``'s rows
    (in id order, ids among ``changed``) put in their places, in id order."""
    if len(changed) > SPLICE_MAX:
        return pl.concat([frame.filter(~pl.col("id").is_in(changed)), fresh]).sort("id")
    # Slices of the frame between the changed rows share its memory: no row is copied, where a
    # sort or a merge gathers every string of a million rows (Polars' merge_sorted slows down with
    # each interleaving). Each splice adds chunks; past CHUNKS_MAX they are joined into one.
    ids = frame.get_column("id")
    gone = pl.Series(sorted(changed), dtype=pl.Int64())
    starts = ids.search_sorted(gone, side="left").to_list()
    ends = ids.search_sorted(gone, side="right").to_list()  # end > start where the id was in the frame
    at = {article_id: row for row, article_id in enumerate(fresh.get_column("id").to_list())}
    pieces, last = [], 0
    for article_id, start, end in zip(gone.to_list(), starts, ends, strict=True):
        pieces.append(frame.slice(last, start - last))
        if article_id in at:
            pieces.append(fresh.slice(at[article_id], 1))
        last = end
    pieces.append(frame.slice(last))
    spliced = pl.concat([piece for piece in pieces if piece.height] or [frame.clear()], rechunk=False)
    return spliced.rechunk() if spliced.n_chunks() > CHUNKS_MAX else spliced


def _snapshot_stale(backend: Backend, saved: int | None, height: int) -> bool:
    if saved is None:
        return True
    # Written again before a fresh process would have more rows to splice in than it splices well.
    return len(backend.changed_articles(saved)) > min(SNAPSHOT_STALE_SHARE * height, SPLICE_MAX // 2)


def _load_snapshot(path: Path, token: str, version: str, counter: int, pair: str) -> _Held | None:
    """The snapshot at ``path`` when it shows this database's pair under this scorer version; else None."""
    try:
        meta = pl.read_parquet_metadata(path)
        if meta.get("barometer.format") != FRAME_FORMAT:
            return None
        held_counter = int(meta.get("barometer.counter", "-1"))
        if meta.get("barometer.token") != token or meta.get("barometer.version") != version:
            return None
        if meta.get("barometer.pair", DEFAULT_PAIR) != pair:  # snapshots from before pairs were kz-ru's
            return None
        if not 0 <= held_counter <= counter:
            return None
        frame = pl.read_parquet(path)
    except (OSError, ValueError, pl.exceptions.PolarsError):
        return None  # missing, unreadable or damaged: the database has everything
    if frame.schema != pl.Schema(ARTICLE_FRAME_SCHEMA):
        return None
    return _Held(token, held_counter, version, frame, saved=held_counter)


def _save_snapshot(path: Path, held: _Held, pair: str) -> bool:
    """Write the snapshot atomically (a reader sees the old file or the new one); False when the
    folder cannot be written (a read-only database is served all the same)."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    metadata = {
        "barometer.format": FRAME_FORMAT,
        "barometer.token": held.token,
        "barometer.counter": str(held.counter),
        "barometer.version": held.version,
        "barometer.pair": pair,
    }
    try:
        # lz4: the snapshot is read on every first view, so decoding speed beats file size.
        held.frame.write_parquet(temporary, compression="lz4", metadata=metadata)
        os.replace(temporary, path)
    except (OSError, pl.exceptions.PolarsError):
        temporary.unlink(missing_ok=True)
        return False
    return True


def _typed(columns: dict[str, list[object]] | pl.DataFrame) -> pl.DataFrame:
    # A backend gives lists of values (SQLite's rows) or a frame it parsed already (PostgreSQL's COPY).
    raw = columns if isinstance(columns, pl.DataFrame) else pl.DataFrame(columns, schema=RAW_SCHEMA)
    return raw.with_columns(
        pl.col("published").str.to_date("%Y-%m-%d", strict=False),
        *(pl.col(name).cast(pl.Boolean) for name, dtype in ARTICLE_FRAME_SCHEMA.items() if dtype == pl.Boolean),
    )
