"""SQLite storage: schema, forward migrations, and every query the project runs.

All SQL lives here (DESIGN.md): other modules get plain dataclasses or Polars frames.
The file is in WAL mode so the dashboard can read while a CLI ingest writes.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from .dedupe import SAME_STORY, band_keys, similarity
from .models import Article, Evidence, FetchFailure, Score

SCHEMA_VERSION = 3
BUSY_TIMEOUT_MS = 30_000
STANCES = ("tension", "neutral", "cooperation")

_MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE articles (
        id            INTEGER PRIMARY KEY,
        url           TEXT NOT NULL,
        canonical_url TEXT NOT NULL UNIQUE,
        final_url     TEXT NOT NULL DEFAULT '',
        title         TEXT NOT NULL DEFAULT '',
        text          TEXT NOT NULL DEFAULT '',
        published     TEXT,               -- ISO date, NULL when undated
        date_origin   TEXT,               -- 'user', 'page' or NULL
        source        TEXT NOT NULL DEFAULT '',
        language      TEXT NOT NULL DEFAULT '',
        fingerprint   TEXT NOT NULL DEFAULT '',  -- MinHash signature of the text (pipeline.dedupe)
        story_id      INTEGER,            -- id of the first stored copy of this story
        is_demo       INTEGER NOT NULL DEFAULT 0,
        fetched_at    TEXT NOT NULL
    );
    CREATE INDEX articles_url ON articles(url);
    CREATE INDEX articles_published ON articles(published);
    CREATE INDEX articles_story ON articles(story_id);

    -- LSH band keys of each fingerprint: candidate copies of a story share at least one key
    CREATE TABLE story_bands (
        band       INTEGER NOT NULL,
        key        INTEGER NOT NULL,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE
    );
    CREATE INDEX story_bands_key ON story_bands(band, key);
    CREATE INDEX story_bands_article ON story_bands(article_id);

    CREATE TABLE scores (
        article_id     INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        scorer_version TEXT NOT NULL,
        tension        REAL NOT NULL,
        sentiment      REAL NOT NULL,
        relevance      REAL NOT NULL,
        goldstein      REAL NOT NULL,
        language       TEXT NOT NULL,
        certain        INTEGER NOT NULL,
        evidence       TEXT NOT NULL,     -- JSON list of {"sentence", "weight"}
        scored_at      TEXT NOT NULL,
        PRIMARY KEY (article_id, scorer_version)
    );

    CREATE TABLE failures (
        id     INTEGER PRIMARY KEY,
        url    TEXT NOT NULL,
        time   TEXT NOT NULL,
        reason TEXT NOT NULL,
        stage  TEXT NOT NULL DEFAULT 'fetch'
    );
    CREATE INDEX failures_url ON failures(url);

    CREATE TABLE overrides (
        article_id   INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        stance       TEXT CHECK (stance IN ('tension', 'neutral', 'cooperation')),
        not_relevant INTEGER NOT NULL DEFAULT 0,
        note         TEXT NOT NULL DEFAULT '',
        created_at   TEXT NOT NULL
    );
    """,
    # A change counter bumped by triggers on every write to the tables the dashboard shows: a cache
    # key that cannot miss a change (timestamps and counts can, e.g. a correction replaced within
    # the same second).
    2: """
    CREATE TABLE changes (id INTEGER PRIMARY KEY CHECK (id = 1), counter INTEGER NOT NULL);
    INSERT INTO changes (id, counter) VALUES (1, 0);
    """
    + "".join(
        f"""
    CREATE TRIGGER {table}_{event.lower()}_counts AFTER {event} ON {table}
    BEGIN UPDATE changes SET counter = counter + 1 WHERE id = 1; END;
    """
        for table in ("articles", "scores", "overrides")
        for event in ("INSERT", "UPDATE", "DELETE")
    ),
    # Why a page's declared charset was overruled (or kept although it looked mis-decoded): the
    # article is stored either way, and this says what was done with its bytes.
    3: """
    ALTER TABLE articles ADD COLUMN decode_note TEXT NOT NULL DEFAULT '';
    """,
}


class StoreError(RuntimeError):
    """The database file cannot be opened as asked; the message names the file and says why."""


class SchemaTooNew(StoreError):
    """The database was written by a newer version of this program."""


def now_iso() -> str:
    """Current UTC time as an ISO string (second precision)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def connect(db: str | Path, *, create: bool = True, read_only: bool = False) -> sqlite3.Connection:
    """Open the database file in WAL mode, migrated to the current schema.

    ``create`` False refuses a file that does not exist (commands that only read); a new file is never
    created in a directory that does not exist. ``read_only`` opens without writing anything (no WAL
    switch, no migration). A file from a newer schema is refused before anything is written to it.
    """
    if str(db) == ":memory:":
        conn = _open(":memory:")
    else:
        path = Path(db)
        version = check_database(path, create=create)
        if read_only:
            return _open_read_only(path, version)
        if version is not None:
            _check_writable(path)
        conn = _open(str(path))
    try:
        if str(db) != ":memory:":
            _set_wal(conn)
            conn.execute("PRAGMA synchronous = NORMAL")  # safe in WAL: a crash loses no committed page
        _migrate(conn)
    except BaseException:
        conn.close()  # a refusal or a failed migration must not leave the file open
        raise
    return conn


def check_database(path: Path, *, create: bool) -> int | None:
    """The schema version of an existing database file, None when it will be created; raises
    StoreError when the file is missing (and ``create`` is False), cannot be created or is too new."""
    if path.is_dir():
        raise StoreError(f"database {path} is a directory, not a file (check --db / BAROMETER_DB)")
    if not path.exists():
        if not create:
            raise StoreError(f"{path}: no such database (check --db / BAROMETER_DB)")
        if not path.parent.is_dir():
            raise StoreError(
                f"cannot create the database {path}: the directory {path.parent} does not exist "
                "(create it first, or check --db / BAROMETER_DB)"
            )
        return None
    return _refuse_newer(_peek_version(path), path)


def _refuse_newer(version: int, where: object) -> int:
    if version > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"{where}: database schema version {version} is newer than this program's ({SCHEMA_VERSION}); "
            "upgrade bilateral-barometer"
        )
    return version


def is_writable(path: Path) -> bool:
    """True when this process may write the file and create its -wal/-shm files next to it."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _open(target: str, *, uri: bool = False) -> sqlite3.Connection:
    conn = sqlite3.connect(
        target, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False, uri=uri
    )
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _peek_version(path: Path) -> int:
    # On a read-only connection: reading the version must not change the file (no WAL switch).
    if not os.access(path, os.R_OK):
        raise StoreError(f"{path}: cannot read the database file (permission denied)")
    conn = _reader(path)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


def _reader(path: Path) -> sqlite3.Connection:
    """A connection that never writes: ``mode=ro``, or ``immutable`` where ``mode=ro`` cannot open it."""
    base = path.resolve().as_uri()
    try:
        conn = _open(f"{base}?mode=ro", uri=True)
        try:
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn
    except sqlite3.OperationalError as err:
        first_error = err
    except sqlite3.DatabaseError as err:
        raise StoreError(f"{path}: cannot read it as a SQLite database ({err})") from None
    # A WAL file in a read-only directory: SQLite cannot create the shared-memory file it reads
    # through. With no -wal file left, every committed change is in the main file, and nobody can be
    # writing (a writer would need that -wal file), so reading it as immutable is safe.
    if Path(f"{path}-wal").exists():
        raise StoreError(
            f"{path}: cannot be opened read-only ({first_error}); its directory is read-only and "
            f"{path.name}-wal holds changes not yet in the file"
        )
    try:
        conn = _open(f"{base}?immutable=1", uri=True)
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.DatabaseError as err:
        raise StoreError(f"{path}: cannot be opened read-only ({err})") from None


def _check_writable(path: Path) -> None:
    if not os.access(path, os.W_OK):
        raise StoreError(f"{path}: the database file is read-only, so nothing can be stored in it")
    if not os.access(path.parent, os.W_OK):
        raise StoreError(
            f"{path}: its directory {path.parent} is read-only, and SQLite in WAL mode must create "
            f"{path.name}-wal and {path.name}-shm next to the file to write it"
        )


def _open_read_only(path: Path, version: int | None) -> sqlite3.Connection:
    if version is None:
        raise StoreError(f"{path}: no such database (check --db / BAROMETER_DB)")
    if version < SCHEMA_VERSION:
        raise StoreError(
            f"{path}: written by an older version (schema {version}, now {SCHEMA_VERSION}) and opened "
            "read-only, so it cannot be upgraded: open it once with write access"
        )
    return _reader(path)


def _set_wal(conn: sqlite3.Connection) -> None:
    # Switching to WAL needs a moment alone with the file; another process opening it at the same
    # time makes the pragma fail at once instead of waiting, so wait and retry.
    for attempt in range(100):
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError:
            if attempt == 99:
                raise
            time.sleep(0.05)


def _migrate(conn: sqlite3.Connection) -> None:
    if _schema_version(conn) == SCHEMA_VERSION:
        return
    # Read the version again inside the write lock: another process may have migrated meanwhile.
    with transaction(conn):
        for target in range(_schema_version(conn) + 1, SCHEMA_VERSION + 1):
            for statement in _statements(_MIGRATIONS[target]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {target}")


def _schema_version(conn: sqlite3.Connection) -> int:
    # Checked again on the open connection: another program may have upgraded the file meanwhile.
    path = conn.execute("PRAGMA database_list").fetchone()["file"] or "database"
    return _refuse_newer(conn.execute("PRAGMA user_version").fetchone()[0], path)


def _statements(script: str) -> Iterator[str]:
    # Statements end at a ";" that completes one (a trigger body holds ";" of its own).
    buffer = ""
    for line in script.splitlines():
        buffer += line.split("--", 1)[0] + "\n"
        if sqlite3.complete_statement(buffer):
            if buffer.strip().rstrip(";").strip():
                yield buffer.strip()
            buffer = ""
    if buffer.strip():
        yield buffer.strip()


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception (so stored data stays intact)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


# ---------------------------------------------------------------- articles


@dataclass(frozen=True)
class StoredArticle:
    """Outcome of storing one article."""

    id: int
    status: str  # "stored", "present" (same canonical URL already stored), "duplicate" (same story)
    story_of: str | None = None  # URL of the first stored copy when status == "duplicate"


def find_article_id(conn: sqlite3.Connection, url: str) -> int | None:
    """The id of an article stored under this URL or canonical URL, if any."""
    row = conn.execute("SELECT id FROM articles WHERE canonical_url = ? OR url = ? LIMIT 1", (url, url)).fetchone()
    return row[0] if row else None


def known_urls(conn: sqlite3.Connection, urls: Iterable[str]) -> set[str]:
    """Those of ``urls`` already stored, as given or as canonical URL."""
    wanted = list(dict.fromkeys(urls))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT url, canonical_url FROM articles WHERE url IN ({marks}) OR canonical_url IN ({marks})",
            chunk + chunk,
        ).fetchall()
        found.update(r[0] for r in rows)
        found.update(r[1] for r in rows)
    return found & set(wanted)


def _same_story(conn: sqlite3.Connection, fp: str, keys: list[int]) -> list[sqlite3.Row]:
    """The stored articles whose text is the same story as fingerprint ``fp``, lowest id first."""
    if not keys:
        return []
    clause = " OR ".join("(b.band = ? AND b.key = ?)" for _ in keys)
    params = [v for band, key in enumerate(keys) for v in (band, key)]
    rows = conn.execute(
        "SELECT DISTINCT a.id, a.story_id, a.url, a.fingerprint FROM story_bands b "
        f"JOIN articles a ON a.id = b.article_id WHERE {clause} ORDER BY a.id",
        params,
    ).fetchall()
    return [row for row in rows if similarity(fp, row["fingerprint"]) >= SAME_STORY]


def _insert_row(
    conn: sqlite3.Connection, article: Article, story_id: int | None, keys: list[int], *, or_ignore: bool = False
) -> int | None:
    """Insert one article row and its band keys (inside the caller's transaction); its id, or None
    when ``or_ignore`` and the canonical URL is already stored. ``story_id`` None starts a story."""
    cur = conn.execute(
        f"INSERT {'OR IGNORE ' if or_ignore else ''}INTO articles (url, canonical_url, final_url, title, text,"
        " published, date_origin, source, language, fingerprint, story_id, is_demo, fetched_at, decode_note)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            article.url,
            article.canonical_url,
            article.final_url or article.url,
            article.title,
            article.text,
            article.published.isoformat() if article.published else None,
            article.date_origin,
            article.source,
            article.language,
            article.fingerprint,
            story_id,
            int(article.is_demo),
            now_iso(),
            article.decode_note,
        ),
    )
    if cur.rowcount == 0:
        return None
    article_id = cur.lastrowid
    if story_id is None:
        conn.execute("UPDATE articles SET story_id = id WHERE id = ?", (article_id,))
    conn.executemany(
        "INSERT INTO story_bands (band, key, article_id) VALUES (?,?,?)",
        [(band, key, article_id) for band, key in enumerate(keys)],
    )
    return article_id


def insert_article(conn: sqlite3.Connection, article: Article, score: Score | None = None) -> StoredArticle:
    """Store an article (and its score) in one transaction; idempotent on the canonical URL.

    A text whose fingerprint matches an earlier article's is stored too, linked to that story; when
    it matches copies of several stories, they are merged into the earliest one, so the stories
    are the same whatever order the copies arrive in.
    """
    keys = band_keys(article.fingerprint)
    with transaction(conn):
        row = conn.execute("SELECT id FROM articles WHERE canonical_url = ?", (article.canonical_url,)).fetchone()
        if row:
            return StoredArticle(row[0], "present")
        matches = _same_story(conn, article.fingerprint, keys)
        stories = sorted({row["story_id"] for row in matches if row["story_id"] is not None})
        article_id = _insert_row(conn, article, stories[0] if stories else None, keys)
        if len(stories) > 1:
            # The new copy is close to copies stored as different stories (A ~ B and B ~ C, but
            # A and C further apart): they are one story, whatever order they arrived in.
            marks = ",".join("?" * (len(stories) - 1))
            conn.execute(f"UPDATE articles SET story_id = ? WHERE story_id IN ({marks})", stories)
        if score is not None:
            _write_score(conn, article_id, score)
    if matches:
        return StoredArticle(article_id, "duplicate", story_of=matches[0]["url"])
    return StoredArticle(article_id, "stored")


def article_count(conn: sqlite3.Connection, *, include_demo: bool = True) -> int:
    """Number of stored articles."""
    sql = "SELECT COUNT(*) FROM articles" + ("" if include_demo else " WHERE is_demo = 0")
    return conn.execute(sql).fetchone()[0]


def get_article(conn: sqlite3.Connection, article_id: int) -> dict | None:
    """One article with its current score and override, as a dict (None when absent)."""
    row = conn.execute(
        "SELECT a.*, o.stance AS override_stance, o.not_relevant AS override_not_relevant "
        "FROM articles a LEFT JOIN overrides o ON o.article_id = a.id WHERE a.id = ?",
        (article_id,),
    ).fetchone()
    if row is None:
        return None
    article = dict(row)
    score = current_score(conn, article_id)
    article["score"] = score
    return article


def iter_unscored(conn: sqlite3.Connection, version: str, batch: int = 500) -> Iterator[tuple[int, str, str, str]]:
    """(id, title, text, language) of each article without a ``version`` score, streamed in id order."""
    last = 0
    while True:
        rows = conn.execute(
            "SELECT id, title, text, language FROM articles a WHERE id > ? AND NOT EXISTS "
            "(SELECT 1 FROM scores s WHERE s.article_id = a.id AND s.scorer_version = ?) ORDER BY id LIMIT ?",
            (last, version, batch),
        ).fetchall()
        if not rows:
            return
        yield from (tuple(r) for r in rows)  # type: ignore[misc]
        last = rows[-1][0]


def delete_demo_articles(conn: sqlite3.Connection) -> int:
    """Remove every demo article (with its scores and overrides); the user's own stay. Returns the count."""
    with transaction(conn):
        return conn.execute("DELETE FROM articles WHERE is_demo = 1").rowcount


# ---------------------------------------------------------------- scores


def _write_score(conn: sqlite3.Connection, article_id: int, score: Score) -> None:
    evidence = json.dumps([{"sentence": e.sentence, "weight": e.weight} for e in score.evidence], ensure_ascii=False)
    conn.execute(
        "INSERT OR REPLACE INTO scores (article_id, scorer_version, tension, sentiment, relevance,"
        " goldstein, language, certain, evidence, scored_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (
            article_id,
            score.version,
            score.tension,
            score.sentiment,
            score.relevance,
            score.goldstein,
            score.language,
            int(score.certain),
            evidence,
            now_iso(),
        ),
    )


def write_scores(conn: sqlite3.Connection, scored: Iterable[tuple[int, Score]]) -> int:
    """Write a batch of scores in one transaction (old versions are kept). Returns the count."""
    n = 0
    with transaction(conn):
        for article_id, score in scored:
            _write_score(conn, article_id, score)
            n += 1
    return n


def retire_scores(conn: sqlite3.Connection, keep_version: str) -> int:
    """Delete the scores of other versions for articles that have a ``keep_version`` score."""
    with transaction(conn):
        return conn.execute(
            "DELETE FROM scores WHERE scorer_version != ? AND article_id IN "
            "(SELECT article_id FROM scores WHERE scorer_version = ?)",
            (keep_version, keep_version),
        ).rowcount


def _current_score_sql() -> str:
    # The current score of each article: this program's scorer version when there is one, else the
    # newest (by time, then insertion order).
    return (
        "SELECT s.* FROM scores s WHERE s.rowid = (SELECT s2.rowid FROM scores s2 "
        "WHERE s2.article_id = s.article_id ORDER BY s2.scorer_version = ? DESC, s2.scored_at DESC,"
        " s2.rowid DESC LIMIT 1)"
    )


def _scorer_version() -> str:
    # Imported late: the store does not need the scorer, only the name of its current version.
    from .score import SCORER_VERSION

    return SCORER_VERSION


def current_score(conn: sqlite3.Connection, article_id: int) -> Score | None:
    """The current score of one article: this scorer version's when stored, else the newest."""
    row = conn.execute(
        "SELECT * FROM scores WHERE article_id = ? "
        "ORDER BY scorer_version = ? DESC, scored_at DESC, rowid DESC LIMIT 1",
        (article_id, _scorer_version()),
    ).fetchone()
    if row is None:
        return None
    return Score(
        tension=row["tension"],
        sentiment=row["sentiment"],
        relevance=row["relevance"],
        language=row["language"],
        goldstein=row["goldstein"],
        certain=bool(row["certain"]),
        version=row["scorer_version"],
        evidence=[Evidence(e["sentence"], e["weight"]) for e in json.loads(row["evidence"])],
    )


def score_versions(conn: sqlite3.Connection) -> dict[str, int]:
    """How many articles each stored scorer version has scored."""
    rows = conn.execute("SELECT scorer_version, COUNT(*) FROM scores GROUP BY scorer_version").fetchall()
    return {r[0]: r[1] for r in rows}


# ---------------------------------------------------------------- failures


def record_failure(conn: sqlite3.Connection, failure: FetchFailure) -> None:
    """Store a failure row (url, time, reason)."""
    with transaction(conn):
        conn.execute(
            "INSERT INTO failures (url, time, reason, stage) VALUES (?,?,?,?)",
            (failure.url, now_iso(), failure.reason, failure.stage),
        )


def failures_frame(conn: sqlite3.Connection, limit: int = 1000) -> pl.DataFrame:
    """The latest failures, newest first."""
    rows = conn.execute("SELECT url, time, reason, stage FROM failures ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
    return pl.DataFrame(
        [dict(r) for r in rows],
        schema={"url": pl.String, "time": pl.String, "reason": pl.String, "stage": pl.String},
        orient="row",
    )


# ---------------------------------------------------------------- overrides


def set_override(
    conn: sqlite3.Connection,
    article_id: int,
    *,
    stance: str | None = None,
    not_relevant: bool = False,
    note: str = "",
) -> None:
    """Record the analyst's correction of one article (replacing an earlier one)."""
    if stance is not None and stance not in STANCES:
        raise ValueError(f"stance {stance!r} is not one of {', '.join(STANCES)}")
    with transaction(conn):
        if conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is None:
            raise ValueError(f"no article with id {article_id}")
        conn.execute(
            "INSERT OR REPLACE INTO overrides (article_id, stance, not_relevant, note, created_at) VALUES (?,?,?,?,?)",
            (article_id, stance, int(not_relevant), note, now_iso()),
        )


def clear_override(conn: sqlite3.Connection, article_id: int) -> bool:
    """Undo the analyst's correction of one article; True when there was one."""
    with transaction(conn):
        return conn.execute("DELETE FROM overrides WHERE article_id = ?", (article_id,)).rowcount > 0


# ---------------------------------------------------------------- frames for aggregation and the UI

ARTICLE_FRAME_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64,
    "url": pl.String,
    "canonical_url": pl.String,
    "title": pl.String,
    "source": pl.String,
    "language": pl.String,
    "published": pl.Date,
    "story_id": pl.Int64,
    "is_demo": pl.Boolean,
    "fetched_at": pl.String,
    "scorer_version": pl.String,
    "tension": pl.Float64,
    "sentiment": pl.Float64,
    "relevance": pl.Float64,
    "goldstein": pl.Float64,
    "certain": pl.Boolean,
    "top_evidence": pl.String,
    "top_evidence_weight": pl.Float64,
    "override_stance": pl.String,
    "override_not_relevant": pl.Boolean,
}


def articles_frame(conn: sqlite3.Connection) -> pl.DataFrame:
    """One row per stored article with its current score and override (schema: ARTICLE_FRAME_SCHEMA).

    ``tension``/``sentiment``/``relevance`` are null for unscored articles, ``published`` for undated
    ones; ``override_*`` are null when the analyst has not corrected the article.
    """
    strongest = "(SELECT {field} FROM json_each(s.evidence) ORDER BY abs(json_extract(value, '$.weight')) DESC LIMIT 1)"
    top_sentence = strongest.format(field="json_extract(value, '$.sentence')")
    top_weight = strongest.format(field="json_extract(value, '$.weight')")
    sql = (
        "SELECT a.id, a.url, a.canonical_url, a.title, a.source, a.language, a.published, a.story_id,"
        " a.is_demo, a.fetched_at, s.scorer_version, s.tension, s.sentiment, s.relevance, s.goldstein,"
        f" s.certain, {top_sentence} AS top_evidence, {top_weight} AS top_evidence_weight,"
        " o.stance AS override_stance, o.not_relevant AS override_not_relevant "
        f"FROM articles a LEFT JOIN ({_current_score_sql()}) s ON s.article_id = a.id "
        "LEFT JOIN overrides o ON o.article_id = a.id ORDER BY a.id"
    )
    raw = {
        name: (pl.String if dtype in (pl.Date,) else pl.Int64 if dtype == pl.Boolean else dtype)
        for name, dtype in ARTICLE_FRAME_SCHEMA.items()
    }
    rows = conn.execute(sql, (_scorer_version(),)).fetchall()
    frame = pl.DataFrame([tuple(r) for r in rows], schema=raw, orient="row")
    return frame.with_columns(
        pl.col("published").str.to_date("%Y-%m-%d", strict=False),
        *(pl.col(name).cast(pl.Boolean) for name, dtype in ARTICLE_FRAME_SCHEMA.items() if dtype == pl.Boolean),
    )


def data_version(conn: sqlite3.Connection) -> tuple[int]:
    """A token that changes with every write to articles, scores or overrides (the UI's cache key)."""
    return (conn.execute("SELECT counter FROM changes WHERE id = 1").fetchone()[0],)


# ---------------------------------------------------------------- bulk loading


def insert_articles_bulk(conn: sqlite3.Connection, items: Iterable[tuple[Article, Score | None]]) -> int:
    """Store many already-deduplicated articles (and scores) in one transaction; returns how many were new.

    For benchmarks and imports: each article starts its own story (no fingerprint matching against
    stored ones, though its band keys are indexed for later ingests); an existing canonical URL is skipped.
    """
    added = 0
    with transaction(conn):
        for article, score in items:
            article_id = _insert_row(conn, article, None, band_keys(article.fingerprint), or_ignore=True)
            if article_id is None:
                continue
            if score is not None:
                _write_score(conn, article_id, score)
            added += 1
    return added
