"""``Store``: the database as one object, opened from the ``--db`` setting (a path or a URL).

It owns the backend's connection and decides what forms one transaction and which story a new
article joins (``pipeline.dedupe.choose_story``); the backend only runs the queries. Every error of
the database driver leaves here as a StoreError that names the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from ..dedupe import band_keys, choose_story
from ..models import Article, FetchFailure, Score
from ..resources import DEFAULT_PAIR
from . import records, sqlite_files
from .base import EVERY_ARTICLE, Backend, SearchScope, StoreError
from .event_methods import EventMethods
from .pair_methods import PairMethods
from .records import (
    STANCES,
    ArticleDetail,
    Override,
    StoredArticle,
    UnscoredArticle,
)
from .sqlite import SQLiteBackend, now_iso
from .sqlite_search import require_fts5
from .watch_alerts import AlertMethods
from .watch_methods import WatchMethods

if TYPE_CHECKING:
    import polars as pl

    from ..scoring.actors import Pair

_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
POSTGRES_SCHEMES = ("postgresql", "postgres")


def sqlite_path(db: str | Path) -> str:
    """The SQLite file named by ``db``: a path, ":memory:", or a URL ``sqlite:///relative/path``,
    ``sqlite:////absolute/path``, ``sqlite://`` (in memory). Any other URL is a StoreError."""
    if isinstance(db, Path):
        return str(db)
    match = _URL.match(db)
    if match is None:
        return db
    scheme = match.group(1).lower()
    if scheme in POSTGRES_SCHEMES:
        raise StoreError(f"{_without_password(db)}: a PostgreSQL database, not a SQLite file")
    if scheme != "sqlite":
        raise StoreError(
            f"{_without_password(db)}: the {scheme} storage backend is not built; use a SQLite file "
            "(a path, or sqlite:///path) or a postgresql://user:password@host:port/database URL "
            "(check --db / BAROMETER_DB)"
        )
    rest = db[match.end() :]
    if rest in ("", "/:memory:"):
        return sqlite_files.MEMORY
    if not rest.startswith("/"):
        raise StoreError(f"{db}: a sqlite URL takes no host; write sqlite:///relative/path or sqlite:////absolute/path")
    return rest[1:]


def postgres_url(db: str | Path) -> str | None:
    """``db`` when it is a ``postgresql://`` (or ``postgres://``) URL, else None."""
    if isinstance(db, Path) or (match := _URL.match(db)) is None:
        return None
    scheme = match.group(1).lower()  # libpq reads the scheme in lower case only
    return scheme + db[match.end(1) :] if scheme in POSTGRES_SCHEMES else None


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    # libpq also takes the password as a parameter: ?password=...
    query = re.sub(r"(^|&)password=[^&]*", r"\1password=***", parts.query)
    if parts.password is not None:
        netloc = parts.netloc.rsplit("@", 1)[1]
        parts = parts._replace(netloc=f"{parts.username}:***@{netloc}")
    return urlunsplit(parts._replace(query=query))


def _scorer_version(pair: Pair | None = None) -> str:
    # Imported late: the store does not need the scorer, only the name of its current version.
    from ..scoring.pair_data import scorer_version
    from ..scoring.score import SCORER_BASE

    return scorer_version(SCORER_BASE, pair)


class Store(AlertMethods, EventMethods, PairMethods, WatchMethods):
    """A database of articles, scores, failures and corrections; a context manager that closes it.

    It works for one pair (``pair``, default the package's kz-ru): reads and writes that concern a pair
    take ``pair=`` (None: this one), and the database holds every pair's scores and corrections."""

    def __init__(
        self,
        backend: Backend,
        *,
        file: str | None = None,
        read_only: bool = False,
        url: str | None = None,
        pair: Pair | None = None,
    ) -> None:
        self._backend = backend
        self._file = file  # the database file, None in memory or on a server: where the frame's snapshot is kept
        self._url = url  # a server's database: its frame is held in the process only
        self._read_only = read_only
        self._pair = pair
        #: The id of the pair this store works for ("kz-ru").
        self.pair: str = pair.id if pair is not None else DEFAULT_PAIR
        self._version: str | None = None

    @classmethod
    def open(
        cls,
        db: str | Path,
        *,
        create: bool = True,
        read_only: bool = False,
        pair: Pair | None = None,
        backfill: str = "",
    ) -> Store:
        """Open the database named by ``db`` (a path, a ``sqlite://`` URL, see ``sqlite_path``, or a
        ``postgresql://`` URL), migrated forward, for ``pair`` (default: the package's kz-ru).

        ``create`` False refuses a database that does not exist; ``read_only`` writes nothing at all.
        A database from before pairs were recorded (schema 8) files its scores, corrections, key events
        and alerts under the pair it was being used with: ``backfill`` (a pair id: the opener's pair from
        its settings, when the store works for another or none), else ``pair``'s id, else kz-ru. The
        store reads no setting itself: whichever part of the program opens it first passes its pair.
        """
        pair_id = backfill or (pair.id if pair is not None else DEFAULT_PAIR)
        url = postgres_url(db)
        if url is not None:
            from .postgres import PostgresBackend  # psycopg: loaded only for a PostgreSQL database

            name = _without_password(url)
            try:
                server = PostgresBackend.open(url, name, create=create, read_only=read_only, pair=pair_id)
            except PostgresBackend.driver_errors as err:
                raise StoreError.wrap(name, err) from err
            return cls(server, read_only=read_only, url=url, pair=pair)
        path = sqlite_path(db)
        require_fts5()  # before the migration that builds the index: a clear message, not "no such module"
        try:
            backend = SQLiteBackend.open(path, create=create, read_only=read_only, pair=pair_id)
        except SQLiteBackend.driver_errors as err:
            raise StoreError.wrap(path, err) from err
        return cls(backend, file=None if path == sqlite_files.MEMORY else path, read_only=read_only, pair=pair)

    @property
    def scorer_version(self) -> str:
        """The current scorer version of this store's pair (``pair_data.scorer_version``)."""
        if self._version is None:
            self._version = _scorer_version(self._pair)
        return self._version

    def _pair_version(self, pair: str | Pair | None) -> tuple[str, str]:
        """The id of ``pair`` (None: this store's) and the scorer version its reads prefer: the pair's
        current one for a Pair or this store's pair, else none ("": the newest stored is current)."""
        if pair is None or pair == self.pair:
            return self.pair, self.scorer_version
        if isinstance(pair, str):
            return pair, ""
        return pair.id, _scorer_version(pair)

    @staticmethod
    def check_database(db: str | Path, *, create: bool) -> int | None:
        """The schema version of an existing database, None when opening it will create it; a
        StoreError when it is missing (and ``create`` is False), cannot be created or is too new."""
        url = postgres_url(db)
        if url is not None:
            from . import postgres_connect

            return postgres_connect.check_database(url, _without_password(url), create=create)
        path = sqlite_path(db)
        return None if path == sqlite_files.MEMORY else sqlite_files.check_database(Path(path), create=create)

    @staticmethod
    def display_name(db: str | Path) -> str:
        """``db`` as messages show it: a URL without its password."""
        return _without_password(db) if isinstance(db, str) and _URL.match(db) else str(db)

    @staticmethod
    def exists(db: str | Path) -> bool:
        """True when the database exists (a file, or a database on the server)."""
        url = postgres_url(db)
        if url is not None:
            from . import postgres_connect

            return postgres_connect.exists(url, _without_password(url))
        path = sqlite_path(db)
        return path == sqlite_files.MEMORY or Path(path).exists()

    @staticmethod
    def is_writable(db: str | Path) -> bool:
        """True when this process may write the database (for SQLite: the file and its directory; on a
        server: a primary where this role may insert articles)."""
        url = postgres_url(db)
        if url is not None:
            from . import postgres_connect

            return postgres_connect.writable(url) is True
        path = sqlite_path(db)
        return path == sqlite_files.MEMORY or sqlite_files.is_writable(Path(path))

    @staticmethod
    def is_read_only(db: str | Path) -> bool:
        """True when the database exists but this process may not write it (so read it read-only)."""
        url = postgres_url(db)
        if url is not None:
            from . import postgres_connect

            return postgres_connect.writable(url) is False
        path = sqlite_path(db)
        return path != sqlite_files.MEMORY and Path(path).exists() and not sqlite_files.is_writable(Path(path))

    @property
    def name(self) -> str:
        """The database as messages name it."""
        return self._backend.name

    def __repr__(self) -> str:
        return f"Store({self.name!r})"

    def close(self) -> None:
        """Close the connection(s); the Store cannot be used afterwards."""
        self._backend.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """Writes inside the block are committed together or not at all (nested blocks are allowed)."""
        with self._guard(), self._backend.transaction():
            yield self

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn the driver's errors into StoreError naming the database."""
        try:
            yield
        except self._backend.driver_errors as err:
            raise StoreError.wrap(self.name, err) from err

    # ------------------------------------------------------------ articles

    def find_article_id(self, url: str) -> int | None:
        """The id of an article stored under this URL or canonical URL, if any."""
        with self._guard():
            return self._backend.find_article_id(url)

    def known_urls(self, urls: Iterable[str]) -> set[str]:
        """Those of ``urls`` already stored, as given or as canonical URL."""
        with self._guard():
            return self._backend.known_urls(list(dict.fromkeys(urls)))

    def insert_article(
        self, article: Article, score: Score | None = None, extra_scores: Sequence[Score] = ()
    ) -> StoredArticle:
        """Store an article (and its score, and ``extra_scores``: its scores for other followed pairs) in
        one transaction; idempotent on the canonical URL (a stored one gets no score).

        A text that is the same story as stored ones (``dedupe.choose_story``) is stored too, linked
        to that story, and merges the stories it shows to be one.
        """
        keys = band_keys(article.fingerprint)
        with self.transaction():
            present = self._backend.article_id_by_canonical(article.canonical_url)
            if present is not None:
                return StoredArticle(present, "present")
            story = choose_story(article.fingerprint, self._backend.story_candidates(keys))
            article_id = self._backend.insert_article(article, story.story_id, keys)
            if article_id is None:  # only a skip_existing insert returns None
                raise StoreError(f"database {self.name}: {article.canonical_url} was not stored")
            if story.story_id is not None:
                self._backend.merge_stories(story.story_id, story.merged)
            self._write_scores((article_id, s) for s in ([score] if score is not None else []) + list(extra_scores))
        if story.first_copy is not None:
            return StoredArticle(article_id, "duplicate", story_of=story.first_copy)
        return StoredArticle(article_id, "stored")

    def insert_articles_bulk(self, items: Iterable[tuple[Article, Score | None]]) -> int:
        """Store many already-deduplicated articles (and scores) in one transaction; how many were new.

        For benchmarks and imports: each article starts its own story (no fingerprint matching against
        stored ones, though its band keys are indexed for later ingests); a stored canonical URL is skipped.
        """
        added, pairs = 0, set()
        with self.transaction():
            for article, score in items:
                article_id = self._backend.insert_article(
                    article, None, band_keys(article.fingerprint), skip_existing=True
                )
                if article_id is None:
                    continue
                if score is not None:
                    self._backend.write_score(article_id, score)
                    pairs.add(score.pair)
                added += 1
            for pair in sorted(pairs):
                self._backend.follow(pair, now_iso())
        return added

    def article_count(self, *, include_demo: bool = True) -> int:
        """Number of stored articles."""
        with self._guard():
            return self._backend.article_count(include_demo=include_demo)

    def get_article(self, article_id: int, pair: str | Pair | None = None) -> ArticleDetail | None:
        """One article with the pair's current score and correction (None when absent)."""
        pair_id, version = self._pair_version(pair)
        with self._guard():
            score = self._backend.current_score(article_id, version, pair_id)
            return self._backend.article_detail(article_id, score, pair_id)

    def iter_unscored(self, version: str, batch: int = 500) -> Iterator[UnscoredArticle]:
        """Each article without a ``version`` score (a version names its pair: its digest covers the pair's
        file), streamed in id order (``batch`` read at a time)."""
        last = 0
        while True:
            with self._guard():
                rows = self._backend.unscored(version, last, batch)
            if not rows:
                return
            yield from rows
            last = rows[-1].id

    def delete_demo_articles(self) -> int:
        """Remove every demo article (with its scores and corrections); the user's own stay. Returns the count."""
        with self.transaction():
            return self._backend.delete_demo_articles()

    # ------------------------------------------------------------ scores

    def write_scores(self, scored: Iterable[tuple[int, Score]]) -> int:
        """Write a batch of scores (each under its ``pair``, which is then followed) in one transaction
        (other versions are kept). Returns the count."""
        with self.transaction():
            return self._write_scores(scored)

    def _write_scores(self, scored: Iterable[tuple[int, Score]]) -> int:
        """Write scores inside the caller's transaction and follow their pairs; how many."""
        n, pairs = 0, set()
        for article_id, score in scored:
            self._backend.write_score(article_id, score)
            pairs.add(score.pair)
            n += 1
        for pair in sorted(pairs):
            self._backend.follow(pair, now_iso())
        return n

    def retire_scores(self, keep_version: str, pair: str | Pair | None = None) -> int:
        """Delete the pair's scores of other versions for articles that have its ``keep_version`` score."""
        with self.transaction():
            return self._backend.retire_scores(keep_version, self._pair_version(pair)[0])

    def current_score(self, article_id: int, pair: str | Pair | None = None) -> Score | None:
        """The pair's current score of one article: its current scorer version's when stored, else the newest."""
        pair_id, version = self._pair_version(pair)
        with self._guard():
            return self._backend.current_score(article_id, version, pair_id)

    def score_versions(self, pair: str | Pair | None = None) -> dict[str, int]:
        """How many articles each stored scorer version has scored for the pair."""
        with self._guard():
            return self._backend.score_versions(self._pair_version(pair)[0])

    # ------------------------------------------------------------ failures

    def record_failure(self, failure: FetchFailure) -> None:
        """Store a failure row (url, time, reason, stage)."""
        with self.transaction():
            self._backend.record_failure(failure)

    def failures_frame(self, limit: int = 1000) -> pl.DataFrame:
        """The latest failures, newest first (columns url, time, reason, stage)."""
        with self._guard():
            import polars as pl  # here, not at the top: storing articles (an ingest) never needs it

            return pl.DataFrame(self._backend.failure_columns(limit), schema=records.FAILURE_FRAME_SCHEMA)

    # ------------------------------------------------------------ corrections

    def set_override(
        self,
        article_id: int,
        *,
        stance: str | None = None,
        not_relevant: bool = False,
        note: str = "",
        author: str = "",
        pair: str | Pair | None = None,
    ) -> None:
        """Record the analyst's correction of one article for the pair (replacing an earlier one), with
        who made it; the other pairs' scores of the article stay as they are."""
        if stance is not None and stance not in STANCES:
            raise ValueError(f"stance {stance!r} is not one of {', '.join(STANCES)}")
        pair_id = self._pair_version(pair)[0]
        with self.transaction():
            if not self._backend.article_exists(article_id):
                raise ValueError(f"no article with id {article_id}")
            self._backend.set_override(article_id, Override(stance, not_relevant, note, author), pair_id)
            self._backend.follow(pair_id, now_iso())

    def clear_override(self, article_id: int, pair: str | Pair | None = None) -> bool:
        """Undo the analyst's correction of one article for the pair; True when there was one."""
        with self.transaction():
            return self._backend.clear_override(article_id, self._pair_version(pair)[0])

    # ------------------------------------------------------------ reads for aggregation and the views

    def articles_frame(self, *, cached: bool = True, pair: str | Pair | None = None) -> pl.DataFrame:
        """One row per stored article with the pair's current score and correction (``ARTICLE_FRAME_SCHEMA``;
        ``pair`` None: this store's; the current score is the pair's current version's, see ``_pair_version``).

        ``tension``/``sentiment``/``relevance`` are null for unscored articles, ``published`` for undated
        ones; ``override_*`` are null when the analyst has not corrected the article. A database file's
        frame is refreshed from the last one read (in this process, or its snapshot file) with only the
        articles changed since (``pipeline.store.frames``; a server's database without the file); ``cached``
        False reads every row.
        """
        from . import frames  # Polars: imported by the reads that build frames, not by writers

        pair_id, version = self._pair_version(pair)
        held_as = self._file or self._url
        with self._guard(), self._backend.reading():
            if not cached or held_as is None:
                return frames.full_frame(self._backend, version, pair=pair_id)
            return frames.current_frame(
                self._backend,
                held_as,
                version,
                pair=pair_id,
                may_save=not self._read_only,
                snapshot=self._file is not None,
            )

    def pairs_frame(self, pairs: Sequence[str | Pair], *, cached: bool = True) -> pl.DataFrame:
        """The ``articles_frame`` of each of ``pairs`` stacked, in the order given, with a column ``pair``
        (the pair's id) first: an article appears once per pair."""
        import polars as pl

        parts = []
        for pair in pairs:
            pair_id = self._pair_version(pair)[0]
            frame = self.articles_frame(cached=cached, pair=pair)
            parts.append(frame.select(pl.lit(pair_id, dtype=pl.String()).alias("pair"), pl.all()))
        if not parts:
            empty = {"pair": pl.String(), **records.ARTICLE_FRAME_SCHEMA}
            return pl.DataFrame(schema=empty)
        return pl.concat(parts)

    def search(self, text: str) -> list[int]:
        """Ids of the articles whose title or text holds every word of ``text`` (case and accents
        ignored; ``word*`` matches its endings), best match first: bm25, a title word above a text word.
        A search with no word to look for (only punctuation) is a SearchError saying so."""
        with self._guard():
            return self._backend.search_ids(text)

    def search_snippets(self, text: str, ids: Sequence[int]) -> dict[int, str]:
        """For each of ``ids`` that matches ``text``, its best-matching passage, matched words between
        ``sqlite_search.MATCH_START`` and ``MATCH_END``."""
        with self._guard():
            return self._backend.search_snippets(text, list(ids))

    def search_count(self, text: str, scope: SearchScope = EVERY_ARTICLE) -> int:
        """How many articles in ``scope`` the search finds (the index's count when nothing is filtered)."""
        with self._guard():
            return self._backend.search_count(text, scope)

    def search_page(self, text: str, scope: SearchScope, offset: int, limit: int) -> list[int]:
        """Rows ``offset`` … ``offset + limit`` of ``search(text)`` among the articles in ``scope``, ranked,
        filtered and paged by the database."""
        with self._guard():
            return self._backend.search_page(text, scope, offset, limit)

    def search_page_passages(self, text: str, scope: SearchScope, offset: int, limit: int) -> list[tuple[int, str]]:
        """``search_page`` with each row's passage, as ``search_snippets`` gives it (in one query on SQLite)."""
        with self._guard():
            return self._backend.search_page_passages(text, scope, offset, limit)

    def address_page(
        self,
        text: str | None,
        scope: SearchScope,
        sources: Sequence[str],
        url_part: str | None,
        offset: int,
        limit: int,
    ) -> tuple[list[int], int]:
        """A page of the articles in ``scope`` found by source name or URL but not by ``search(text)``,
        newest first, and how many in all (``Backend.address_page``)."""
        with self._guard():
            return self._backend.address_page(text, scope, list(sources), url_part, offset, limit)

    def data_version(self) -> tuple[int]:
        """A token that changes with every write to articles, scores or corrections (the UI's cache key)."""
        with self._guard():
            return (self._backend.change_counter(),)

    def token(self) -> str:
        """This database's identity: another database, even one made again at the same path, has another."""
        with self._guard():
            return self._backend.change_stamp()[0]
