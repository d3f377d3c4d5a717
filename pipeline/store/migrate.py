"""Copying a whole database to another, on either engine (``python -m pipeline migrate``): every
table the two share, ids kept, in one transaction on the target, verified before it commits.

The tables and columns are read from both databases (``migrate_tables``), so a table or column a
later migration adds is copied without a change here. Indexes, the full-text index and the version
row are the target's own: its schema and triggers build them.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .base import StoreError
from .database import Store
from .migrate_tables import PostgresSide, Side, SQLiteSide, Table, driver_errors, open_side

#: Written by the target's own triggers when articles, scores and corrections are written (the
#: change counter and each article's change stamp): copied last, over whatever those triggers wrote
#: (on PostgreSQL they are paused meanwhile), so the target's counter and stamps are the source's.
WRITTEN_BY_TRIGGERS = ("changes", "article_changes")

#: What the articles frames are made of (ids, URLs, each pair's scores and corrections), compared by checksum.
CHECKSUMS: dict[str, tuple[str, ...]] = {
    "articles": ("id", "url", "canonical_url", "story_id", "published"),
    "scores": ("article_id", "pair", "scorer_version", "tension", "sentiment", "relevance", "goldstein", "certain"),
    "overrides": ("article_id", "pair", "stance", "not_relevant"),
}

#: ``progress(table being copied, rows copied in all, rows to copy in all)``, after each batch.
Progress = Callable[[str, int, int], None]


class MigrationError(StoreError):
    """The copy was refused or failed; the message names the databases and says why."""


@dataclass(frozen=True)
class TableCount:
    """One table's rows in the source and in the target after the copy (None: not copied)."""

    table: str
    source: int
    target: int | None
    note: str = ""


@dataclass(frozen=True)
class MigrationReport:
    """What was copied, table by table, and the checksum both sides agreed on."""

    source: str
    target: str
    counts: tuple[TableCount, ...]
    checksum: str

    @property
    def rows(self) -> int:
        """Rows copied in all."""
        return sum(c.target or 0 for c in self.counts)

    def lines(self) -> list[str]:
        """The report as the command prints it: a line per table, then the verdict."""
        width = max(len(c.table) for c in self.counts)
        out = [f"Copied {self.source} into {self.target}:", f"  {'table':<{width}}  {'source':>10}  {'target':>10}"]
        for c in self.counts:
            copied = "—" if c.target is None else f"{c.target:,}"
            out.append(f"  {c.table:<{width}}  {c.source:>10,}  {copied:>10}" + (f"  ({c.note})" if c.note else ""))
        out.append(
            f"Verified: {self.rows:,} rows, the same count in every table copied, and the same articles, scores"
            f" and corrections (checksum {self.checksum[:12]})."
        )
        return out


def migrate(
    source: str, target: str, *, replace: bool = False, progress: Progress | None = None, backfill: str = ""
) -> MigrationReport:
    """Copy the database ``source`` into ``target`` (created when missing); MigrationError when the
    target holds data (unless ``replace``), is the source itself, or the copy does not verify.
    ``backfill``: the settings' pair, under which an old source is filed when it is brought forward."""
    source_name, target_name = Store.display_name(source), Store.display_name(target)
    _open_forward(source, create=False, backfill=backfill)
    _open_forward(target, create=True, backfill=backfill)
    reader = open_side(source, write=False)
    try:
        writer = open_side(target, write=True)
        try:
            _refuse_same(reader, writer, source, target_name)
            counts, checksum = _copy(reader, writer, replace=replace, progress=progress)
        except driver_errors() as err:  # outside a table's rows: emptying, the sequences, the checks
            raise MigrationError(
                f"copying into {target_name} failed: {_reason(err)}; it was rolled back and holds what it held before"
            ) from err
        finally:
            writer.close()
    finally:
        reader.close()
    return MigrationReport(source_name, target_name, counts, checksum)


def _open_forward(db: str, *, create: bool, backfill: str) -> None:
    """Open ``db`` through the store once: created if allowed, refused if newer, migrated forward."""
    role, option = ("target", "--to") if create else ("source", "--from")
    try:
        Store.check_database(db, create=create)
        read_only = not create and Store.is_read_only(db)  # a source we may not write is read as it is
        with Store.open(db, create=create, read_only=read_only, backfill=backfill):
            pass
    except StoreError as err:
        raise MigrationError(f"the {role}: {str(err).replace('--db / BAROMETER_DB', option)}") from err


def _refuse_same(reader: Side, writer: Side, source: str, name: str) -> None:
    same = False
    if isinstance(reader, SQLiteSide) and isinstance(writer, SQLiteSide):
        same = reader.same_file(writer.name)
    elif isinstance(reader, PostgresSide) and isinstance(writer, PostgresSide):
        same = reader.token() == writer.token()
    if same:
        raise MigrationError(f"{name} is the source database itself ({Store.display_name(source)}): nothing to copy")


def _copy(
    reader: Side, writer: Side, *, replace: bool, progress: Progress | None
) -> tuple[tuple[TableCount, ...], str]:
    with reader.snapshot():
        theirs, ours = reader.catalogue(), writer.catalogue()
        shared = _in_order({name: t for name, t in theirs.items() if name in ours})
        counts = {name: reader.count(name) for name in theirs}
        meter = _Meter(progress, sum(counts[t.name] for t in shared))
        with writer.transaction():
            held = {name: n for name in ours if (n := writer.count(name)) and name not in WRITTEN_BY_TRIGGERS}
            if held and not replace:
                listing = _listing(held)
                raise MigrationError(f"{writer.name} already holds data ({listing}): use --replace to overwrite it")
            writer.clear([t.name for t in reversed(_in_order(ours)) if t.name not in WRITTEN_BY_TRIGGERS])
            with writer.counter_paused():
                for table in shared:
                    if table.name not in WRITTEN_BY_TRIGGERS:
                        _copy_table(reader, writer, table, ours[table.name], counts[table.name], meter)
            for table in shared:
                if table.name in WRITTEN_BY_TRIGGERS:
                    writer.clear([table.name])
                    _copy_table(reader, writer, table, ours[table.name], counts[table.name], meter)
            _new_token(writer)
            writer.after_copy({t.name: ours[t.name] for t in shared})
            report = _verify(reader, writer, theirs, ours, counts)
            checksum = _checksums(reader, writer, theirs, ours)
    return report, checksum


class _Meter:
    """Rows copied in all, told to ``progress`` after each batch."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0

    def add(self, table: str, rows: int) -> None:
        self.done += rows
        if self.progress is not None:
            self.progress(table, self.done, self.total)


def _in_order(tables: dict[str, Table]) -> list[Table]:
    """Tables ordered so that each comes after those its foreign keys reference (then by name)."""
    ordered: list[Table] = []
    placed: set[str] = set()
    pending = sorted(tables)
    while pending:
        ready = [n for n in pending if tables[n].references & set(tables) <= placed] or pending[:1]  # a cycle: as is
        for name in ready:
            ordered.append(tables[name])
            placed.add(name)
        pending = [n for n in pending if n not in placed]
    return ordered


def _copy_table(
    reader: Side,
    writer: Side,
    table: Table,
    target: Table,
    total: int,
    meter: _Meter,
) -> None:
    # Columns the target lacks are not copied (a source from a schema with more of them cannot be
    # opened: it is refused as newer); columns the source lacks take the target's defaults.
    columns = [c for c in table.columns if c in target.columns]
    done = 0
    try:
        for batch in reader.rows(table.name, columns, table.order):
            writer.write(table.name, columns, batch)
            done += len(batch)
            meter.add(table.name, len(batch))
    except driver_errors() as err:  # a value the target refuses, a lost connection
        raise MigrationError(
            f"copying table {table.name} into {writer.name} failed after {done} of {total} rows: {_reason(err)};"
            f" {writer.name} was rolled back and holds what it held before"
        ) from err


def _reason(err: BaseException) -> str:
    primary = getattr(getattr(err, "diag", None), "message_primary", None)
    return " ".join((primary or str(err) or type(err).__name__).split())


def _new_token(writer: Side) -> None:
    # The copy is a database of its own: a frame cached from the source (or from what the target held
    # before) must not be taken for this one's, so it gets its own token (``changes.token``).
    writer.execute("UPDATE changes SET token = ?", (uuid.uuid4().hex,))


def _listing(held: dict[str, int]) -> str:
    first = ["articles"] if "articles" in held else []
    return ", ".join(f"{name}: {held[name]:,}" for name in first + sorted(set(held) - set(first)))


def _verify(
    reader: Side,
    writer: Side,
    theirs: dict[str, Table],
    ours: dict[str, Table],
    counts: dict[str, int],
) -> tuple[TableCount, ...]:
    """Each table's rows on both sides; MigrationError (so the copy rolls back) when one differs."""
    report = []
    for name in sorted(theirs):
        if name not in ours:
            note = f"not copied: {writer.name} has no such table" if counts[name] else "not in the target"
            report.append(TableCount(name, counts[name], None, note))
            continue
        # The insertion order column (PostgreSQL's ``seq``) lives on as the order rows were copied in.
        dropped = [c for c in theirs[name].columns if c not in ours[name].columns and c not in theirs[name].order]
        note = f"columns not in the target, not copied: {', '.join(dropped)}" if dropped else ""
        report.append(TableCount(name, counts[name], writer.count(name), note))
    wrong = [c for c in report if c.target is not None and c.target != c.source]
    if wrong:
        listed = "; ".join(f"{c.table}: {c.source} in the source, {c.target} in the target" for c in wrong)
        raise MigrationError(f"the copy into {writer.name} does not verify ({listed}); it was rolled back")
    return tuple(report)


def _checksums(reader: Side, writer: Side, theirs: dict[str, Table], ours: dict[str, Table]) -> str:
    """One digest of the articles frame's columns on each side; MigrationError when they differ."""
    mine, copied = hashlib.sha256(), hashlib.sha256()
    for table, columns in CHECKSUMS.items():
        if table in theirs and table in ours:
            mine.update(_digest(reader, table, columns))
            copied.update(_digest(writer, table, columns))
    if mine.hexdigest() != copied.hexdigest():
        raise MigrationError(
            f"the copy into {writer.name} does not verify: its articles, scores or corrections differ from the"
            " source's though their counts are equal; it was rolled back"
        )
    return mine.hexdigest()


def _digest(side: Side, table: str, columns: Sequence[str]) -> bytes:
    # Rows as engine-neutral text (a float prints its shortest exact form on both; None is not ""),
    # sorted here: the engines' collations may order the same text differently.
    lines = sorted(
        "\x1f".join("\x00" if v is None else repr(v) for v in row)
        for batch in side.rows(table, columns, ())
        for row in batch
    )
    return hashlib.sha256("\n".join(lines).encode()).digest()
