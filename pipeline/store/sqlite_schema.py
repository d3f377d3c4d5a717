"""The SQLite schema: forward migrations, one per version, applied in order on open.

The version is kept in ``PRAGMA user_version``. Table and column names are a contract (users query
them with SQL; see docs/storage.md): migrations add, never rename.
"""

from __future__ import annotations

import sqlite3
import tomllib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from ..resources import DEFAULT_PAIR, PACKAGE_DATA

#: The key events table (issue 14). Its number is this one line: 6 is the articles' full-text index.
EVENTS_MIGRATION = 7
#: Who made each correction (issue 13, sign-in): corrections made before it have author ''.
AUTHOR_MIGRATION = 8

# The full-text index of titles and texts (pipeline.store.sqlite_search): an FTS5 table over the
# articles' own columns (external content: the text is not stored twice), kept in step by triggers
# (an insert, a delete, the demo's removal, a change of title or text) and filled once for the rows
# already stored. unicode61 folds case in every script and, with remove_diacritics 2, accents such as
# Polish ó or ź; Kazakh letters (ә ғ қ ң ө ұ ү һ і) have no accent to remove and stay letters. The
# rank weighs a word in the title ten times one in the text (bm25's column weights).
FTS_INDEX = """
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text, content = 'articles', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles
BEGIN INSERT INTO articles_fts (rowid, title, text) VALUES (NEW.id, NEW.title, NEW.text); END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles
BEGIN INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', OLD.id, OLD.title, OLD.text); END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles
BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', OLD.id, OLD.title, OLD.text);
    INSERT INTO articles_fts (rowid, title, text) VALUES (NEW.id, NEW.title, NEW.text);
END;
INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
INSERT INTO articles_fts (articles_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0)');
"""


def counter_triggers(*tables: str) -> str:
    """Migration 2's triggers on ``tables``: every insert, update and delete bumps the change counter."""
    return "".join(
        f"""
    CREATE TRIGGER {table}_{event.lower()}_counts AFTER {event} ON {table}
    BEGIN UPDATE changes SET counter = counter + 1 WHERE id = 1; END;
    """
        for table in tables
        for event in ("INSERT", "UPDATE", "DELETE")
    )


def stamp_triggers(*tables: tuple[str, str]) -> str:
    """Migration 4's triggers on each ``(table, article id column)``: the article written is stamped."""
    # The stamp is the change counter plus one: above every counter a reader saw before this write,
    # whichever of this trigger and the counter's own runs first.
    return "".join(
        f"""
    CREATE TRIGGER {table}_{event.lower()}_stamps AFTER {event} ON {table}
    BEGIN INSERT OR REPLACE INTO article_changes (article_id, stamp)
        VALUES ({row}.{key}, (SELECT counter FROM changes WHERE id = 1) + 1); END;
    """
        for table, key in tables
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD"))
    )


MIGRATIONS: dict[int, str] = {
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
    + counter_triggers("articles", "scores", "overrides"),
    # Why a page's declared charset was overruled (or kept although it looked mis-decoded): the
    # article is stored either way, and this says what was done with its bytes.
    3: """
    ALTER TABLE articles ADD COLUMN decode_note TEXT NOT NULL DEFAULT '';
    """,
    # What the views read, stored at write time: each score's strongest evidence sentence and its
    # weight (back-filled once from the JSON; ties go to the first, as the old json_each read did).
    # Per-article change stamps (a row for every article ever written, kept after a delete as its
    # tombstone) let a reader refresh a frame it holds by reading only the articles changed since;
    # the token tells this database from another one at the same path.
    4: """
    ALTER TABLE scores ADD COLUMN top_evidence TEXT;
    ALTER TABLE scores ADD COLUMN top_evidence_weight REAL;
    UPDATE scores SET (top_evidence, top_evidence_weight) = (
        SELECT json_extract(value, '$.sentence'), json_extract(value, '$.weight') FROM json_each(scores.evidence)
        ORDER BY abs(json_extract(value, '$.weight')) DESC LIMIT 1);
    ALTER TABLE changes ADD COLUMN token TEXT NOT NULL DEFAULT '';
    UPDATE changes SET token = lower(hex(randomblob(16)));
    CREATE TABLE article_changes (article_id INTEGER PRIMARY KEY, stamp INTEGER NOT NULL);
    CREATE INDEX article_changes_stamp ON article_changes(stamp);
    """
    + stamp_triggers(("articles", "id"), ("scores", "article_id"), ("overrides", "article_id")),
    # Watched sources (pipeline.watch): each feed or sitemap with its polling state, in the spirit of
    # Media Cloud's feed table (validators for conditional GETs, a failure count that backs off and
    # then disables), and every link a source listed, so nothing is fetched twice. The lease columns
    # let two watchers share a database: a claim is a write in one transaction, and a killed
    # watcher's claims expire. Alerts (and the articles each names) are part of the same release.
    5: """
    CREATE TABLE sources (
        id              INTEGER PRIMARY KEY,
        url             TEXT NOT NULL UNIQUE,  -- the feed or sitemap polled
        name            TEXT NOT NULL DEFAULT '',
        kind            TEXT NOT NULL CHECK (kind IN ('feed', 'sitemap')),
        found_on        TEXT NOT NULL DEFAULT '',  -- the homepage it was discovered on, if any
        status          TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'disabled')),
        every_s         INTEGER NOT NULL DEFAULT 1800,  -- seconds between two polls
        etag            TEXT NOT NULL DEFAULT '',
        last_modified   TEXT NOT NULL DEFAULT '',
        last_poll       TEXT,                 -- ISO time of the last poll, NULL before the first
        next_poll       TEXT NOT NULL,        -- ISO time the source is next due
        last_success    TEXT,
        failures        INTEGER NOT NULL DEFAULT 0,  -- polls failed in a row
        last_error      TEXT NOT NULL DEFAULT '',
        found           INTEGER NOT NULL DEFAULT 0,  -- distinct links it has listed
        stored          INTEGER NOT NULL DEFAULT 0,  -- of those, stored as articles
        lease_owner     TEXT NOT NULL DEFAULT '',
        lease_until     TEXT NOT NULL DEFAULT '',
        added_at        TEXT NOT NULL
    );
    CREATE INDEX sources_due ON sources(status, next_poll);

    CREATE TABLE watch_links (
        url          TEXT PRIMARY KEY,       -- canonical URL
        listed_url   TEXT NOT NULL,          -- as the source listed it
        source_id    INTEGER REFERENCES sources(id) ON DELETE SET NULL,  -- kept when the source goes: still seen
        published    TEXT,                   -- the date the source gave, ISO, NULL when none
        found_at     TEXT NOT NULL,
        state        TEXT NOT NULL DEFAULT 'new'
                     CHECK (state IN ('new', 'claimed', 'stored', 'present', 'duplicate', 'not_relevant', 'failed')),
        claimed_by   TEXT NOT NULL DEFAULT '',
        claimed_until TEXT NOT NULL DEFAULT '',
        relevance    REAL,                   -- the scorer's relevance once fetched
        article_id   INTEGER,
        detail       TEXT NOT NULL DEFAULT '',
        done_at      TEXT
    );
    CREATE INDEX watch_links_pending ON watch_links(source_id, state);

    -- Alerts raised by polls (pipeline.watch.alerts): a tense new article, or a spike in the current
    -- period. ``key`` makes an alert once-only ("article:<id>", "spike:<freq>:<period>"); the delivery
    -- columns hold the webhook's state, so a stopped watcher's undelivered alerts are sent by the next.
    CREATE TABLE alerts (
        id             INTEGER PRIMARY KEY,
        key            TEXT NOT NULL UNIQUE,
        raised_at      TEXT NOT NULL,        -- ISO time, UTC
        kind           TEXT NOT NULL CHECK (kind IN ('article', 'spike')),
        freq           TEXT NOT NULL,        -- day, week or month: the period's length
        period         TEXT NOT NULL,        -- ISO date the period starts
        tension        REAL NOT NULL,        -- the article's tension, or the period's mean
        summary        TEXT NOT NULL,
        evidence       TEXT NOT NULL DEFAULT '',  -- the strongest evidence sentence
        evidence_url   TEXT NOT NULL DEFAULT '',  -- the article it comes from
        delivery       TEXT NOT NULL DEFAULT 'none' CHECK (delivery IN ('none', 'pending', 'sending', 'sent')),
        attempts       INTEGER NOT NULL DEFAULT 0,  -- webhook requests made so far
        last_error     TEXT NOT NULL DEFAULT '',
        claimed_by     TEXT NOT NULL DEFAULT '',
        claimed_until  TEXT NOT NULL DEFAULT '',
        sent_at        TEXT
    );
    CREATE INDEX alerts_delivery ON alerts(delivery);

    CREATE TABLE alert_articles (
        alert_id   INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        PRIMARY KEY (alert_id, article_id)
    );
    """,
    6: FTS_INDEX,
}


def _sql_text(value: str) -> str:
    # As hex: no quote, "--" or ";" in a label can end the literal or be taken for a comment.
    return f"CAST(X'{value.encode().hex()}' AS TEXT)"


def _demo_events_script(path: Path = PACKAGE_DATA / "pairs" / "kz-ru" / "events.toml") -> str:
    """INSERTs of the demo's key events, run only where the demo's articles are stored: a database
    that holds the demo when it is upgraded gets the demo's events as rows, as a new demo load would."""
    if not path.exists():
        return ""
    with path.open("rb") as fh:
        items = tomllib.load(fh).get("events", [])
    rows = []
    for item in items:
        day = item["date"] if isinstance(item["date"], date) else date.fromisoformat(str(item["date"]))
        values = (day.isoformat(), str(item["label"]), str(item.get("note", "")), str(item.get("link", "")))
        rows.append(
            "INSERT OR IGNORE INTO events (date, label, note, link, is_demo, created_at, updated_at) SELECT "
            + ", ".join(_sql_text(v) for v in values)
            + ", 1, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'), strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')"
            + " WHERE EXISTS (SELECT 1 FROM articles WHERE is_demo = 1);"
        )
    return "\n".join(rows)


# Key events (issue 14): the analyst's own and the demo's (``is_demo``, removed with the demo's
# articles). A demo event is stored once (the partial unique index), so loading the demo twice adds
# nothing. Writes to events do not touch ``changes``: the articles frame and the series stay cached.
MIGRATIONS[EVENTS_MIGRATION] = """
    CREATE TABLE events (
        id          INTEGER PRIMARY KEY,
        date        TEXT NOT NULL,             -- ISO date of the event
        label       TEXT NOT NULL,             -- shown on the chart
        note        TEXT NOT NULL DEFAULT '',  -- shown on hover and on the Key events page
        link        TEXT NOT NULL DEFAULT '',  -- an http(s) address, '' when none
        is_demo     INTEGER NOT NULL DEFAULT 0,
        created_at  TEXT NOT NULL,             -- ISO time, UTC
        updated_at  TEXT NOT NULL
    );
    CREATE INDEX events_date ON events(date);
    CREATE UNIQUE INDEX events_demo ON events(date, label) WHERE is_demo = 1;
    """ + _demo_events_script()
MIGRATIONS[AUTHOR_MIGRATION] = """
    ALTER TABLE overrides ADD COLUMN author TEXT NOT NULL DEFAULT '';
    """

#: Several pairs in one database (issue 15): scores, corrections, key events and alerts carry their pair.
PAIR_MIGRATION = 9
#: The package's default pair: the columns' default, for rows written by SQL without a pair.
DEFAULT_PAIR_ID = DEFAULT_PAIR
#: Stands in migration 9 for the pair of the store that opens the database (``with_backfill_pair``): the
#: rows stored before then were that pair's.
BACKFILL_PAIR = "'__pair_of_the_opening_store__'"


def with_backfill_pair(statement: str, pair: str) -> str:
    """``statement`` with ``BACKFILL_PAIR`` replaced by ``pair`` as an SQL string literal (the same in
    SQLite and PostgreSQL: quotes doubled, no other escape). Applied to single statements: a pair id
    holding "--" is not taken for a comment."""
    return statement.replace(BACKFILL_PAIR, "'" + pair.replace("'", "''") + "'")


# The primary keys of scores and overrides gain the pair, which SQLite cannot alter: both tables are
# built again (rows in their rowid order, which breaks ties between scores; the pair last, where
# PostgreSQL's ALTER TABLE puts it) with their triggers of migrations 2 and 4. ``pairs`` lists the
# pairs the database follows; the opening pair is listed only where something was stored for it (an
# empty database stays empty: ``migrate`` copies into it).
MIGRATIONS[PAIR_MIGRATION] = (
    f"""
    CREATE TABLE pairs (
        id       TEXT PRIMARY KEY,         -- a pair id, as --pair names it ('kz-ru', 'am-ru')
        added_at TEXT NOT NULL             -- ISO time, UTC
    );
    INSERT INTO pairs (id, added_at) SELECT {BACKFILL_PAIR}, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
        WHERE EXISTS (SELECT 1 FROM scores) OR EXISTS (SELECT 1 FROM overrides)
        OR EXISTS (SELECT 1 FROM events) OR EXISTS (SELECT 1 FROM alerts);

    CREATE TABLE scores_by_pair (
        article_id          INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        scorer_version      TEXT NOT NULL,
        tension             REAL NOT NULL,
        sentiment           REAL NOT NULL,
        relevance           REAL NOT NULL,
        goldstein           REAL NOT NULL,
        language            TEXT NOT NULL,
        certain             INTEGER NOT NULL,
        evidence            TEXT NOT NULL,
        scored_at           TEXT NOT NULL,
        top_evidence        TEXT,
        top_evidence_weight REAL,
        pair                TEXT NOT NULL DEFAULT '{DEFAULT_PAIR_ID}',  -- the pair it was scored for
        PRIMARY KEY (article_id, pair, scorer_version)
    );
    INSERT INTO scores_by_pair (article_id, scorer_version, tension, sentiment, relevance, goldstein,
        language, certain, evidence, scored_at, top_evidence, top_evidence_weight, pair)
        SELECT article_id, scorer_version, tension, sentiment, relevance, goldstein, language, certain,
        evidence, scored_at, top_evidence, top_evidence_weight, {BACKFILL_PAIR} FROM scores ORDER BY rowid;
    DROP TABLE scores;
    ALTER TABLE scores_by_pair RENAME TO scores;

    CREATE TABLE overrides_by_pair (
        article_id   INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        stance       TEXT CHECK (stance IN ('tension', 'neutral', 'cooperation')),
        not_relevant INTEGER NOT NULL DEFAULT 0,
        note         TEXT NOT NULL DEFAULT '',
        created_at   TEXT NOT NULL,
        author       TEXT NOT NULL DEFAULT '',
        pair         TEXT NOT NULL DEFAULT '{DEFAULT_PAIR_ID}',  -- the pair whose score it corrects
        PRIMARY KEY (article_id, pair)
    );
    INSERT INTO overrides_by_pair (article_id, stance, not_relevant, note, created_at, author, pair)
        SELECT article_id, stance, not_relevant, note, created_at, author, {BACKFILL_PAIR} FROM overrides
        ORDER BY rowid;
    DROP TABLE overrides;
    ALTER TABLE overrides_by_pair RENAME TO overrides;
    """
    + counter_triggers("scores", "overrides")
    + stamp_triggers(("scores", "article_id"), ("overrides", "article_id"))
    + f"""
    ALTER TABLE events ADD COLUMN pair TEXT NOT NULL DEFAULT '{DEFAULT_PAIR_ID}';
    UPDATE events SET pair = {BACKFILL_PAIR};
    DROP INDEX events_demo;
    CREATE UNIQUE INDEX events_demo ON events(pair, date, label) WHERE is_demo = 1;
    """
    # An alert is raised once per pair (``key`` unique with ``pair``): alerts and the articles they
    # name are built again, ids kept; the child table first, so dropping the old ones cascades nothing.
    + f"""
    CREATE TABLE alerts_by_pair (
        id             INTEGER PRIMARY KEY,
        key            TEXT NOT NULL,
        raised_at      TEXT NOT NULL,
        kind           TEXT NOT NULL CHECK (kind IN ('article', 'spike')),
        freq           TEXT NOT NULL,
        period         TEXT NOT NULL,
        tension        REAL NOT NULL,
        summary        TEXT NOT NULL,
        evidence       TEXT NOT NULL DEFAULT '',
        evidence_url   TEXT NOT NULL DEFAULT '',
        delivery       TEXT NOT NULL DEFAULT 'none' CHECK (delivery IN ('none', 'pending', 'sending', 'sent')),
        attempts       INTEGER NOT NULL DEFAULT 0,
        last_error     TEXT NOT NULL DEFAULT '',
        claimed_by     TEXT NOT NULL DEFAULT '',
        claimed_until  TEXT NOT NULL DEFAULT '',
        sent_at        TEXT,
        pair           TEXT NOT NULL DEFAULT '{DEFAULT_PAIR_ID}',  -- the pair whose watcher raised it
        UNIQUE (pair, key)
    );
    INSERT INTO alerts_by_pair SELECT *, {BACKFILL_PAIR} FROM alerts ORDER BY id;
    CREATE TABLE alert_articles_by_pair (
        alert_id   INTEGER NOT NULL REFERENCES alerts_by_pair(id) ON DELETE CASCADE,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        PRIMARY KEY (alert_id, article_id)
    );
    INSERT INTO alert_articles_by_pair SELECT alert_id, article_id FROM alert_articles ORDER BY rowid;
    DROP TABLE alert_articles;
    DROP TABLE alerts;
    ALTER TABLE alerts_by_pair RENAME TO alerts;
    ALTER TABLE alert_articles_by_pair RENAME TO alert_articles;
    CREATE INDEX alerts_delivery ON alerts(delivery);
    """
)
SCHEMA_VERSION = max(MIGRATIONS)


def statements(script: str) -> Iterator[str]:
    """The statements of a migration script, one by one, without comments."""
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
