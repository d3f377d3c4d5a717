"""Full-text search in SQLite: the FTS5 index of titles and texts (schema migration 6), queried safely.

The user's words never reach FTS5 as query syntax: each word becomes a quoted phrase (a trailing
``*`` keeps its meaning, a prefix search), so ``AND``, ``NEAR``, ``:``, ``-`` or a stray quote are
plain text. Matches are ranked by bm25 with the title weighted above the text (the index's ``rank``).
A page of matches is ranked, filtered and cut by SQLite itself (``search_page``): only the page's
ids leave the database, with their passages made in the same query (``search_page_passages``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from .base import EVERY_ARTICLE, SearchError, SearchScope, StoreError

#: The index (see ``sqlite_schema.FTS_INDEX``) and the marks put around matched words in a passage.
FTS_TABLE = "articles_fts"
MATCH_START, MATCH_END = "‹", "›"
SNIPPET_WORDS = 10

# SQLite allows 32,766 host parameters a statement; a page of ids stays far below it.
ID_CHUNK = 5000


def _fts5_problem() -> str | None:
    """Why this Python's sqlite3 cannot build the index, or None when it can."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("CREATE VIRTUAL TABLE probe USING fts5(body, tokenize = 'unicode61 remove_diacritics 2')")
    except sqlite3.Error as err:
        return (
            f"this Python's SQLite {sqlite3.sqlite_version} has no FTS5 full-text index ({err}), which the "
            "article search needs: use a Python whose sqlite3 module is built with FTS5 (the python.org and "
            "Debian builds are)"
        )
    finally:
        conn.close()
    return None


FTS5_PROBLEM = _fts5_problem()  # checked once, when the store is first imported


def require_fts5() -> None:
    """Raise StoreError, saying why, when SQLite lacks FTS5 (before a database is opened or migrated)."""
    if FTS5_PROBLEM:
        raise StoreError(FTS5_PROBLEM)


def search_terms(text: str) -> list[str]:
    """The words of a search, each a quoted FTS5 phrase (``"border"``, prefix ``"bord"*``).

    Words without a letter or digit are dropped (the index skips them anyway); a search with no word
    left is a SearchError that says so.
    """
    terms = []
    for word in text.split():
        prefix = word.endswith("*")
        word = word.rstrip("*")
        if not any(ch.isalnum() for ch in word):
            continue
        terms.append('"' + word.replace('"', '""') + '"' + ("*" if prefix else ""))
    if not terms:
        raise SearchError(
            f"The search {text.strip()!r} holds no letter or digit to look for: "
            "full-text search matches words (add * after a word's start to find every ending)."
        )
    return terms


def match_expression(text: str) -> str:
    """The FTS5 query for a search: every word must occur (in the title or the text)."""
    return " ".join(search_terms(text))


def scope_condition(scope: SearchScope) -> tuple[str, list[object]]:
    """The SQL condition on ``articles AS a`` for a scope and its parameters ("" when it holds every article)."""
    parts: list[str] = []
    params: list[object] = []
    for column, values in (("language", scope.languages), ("source", scope.sources)):
        if values:
            parts.append(f"a.{column} IN ({','.join('?' * len(values))})")
            params += values
    dated = []
    if scope.start is not None:
        dated.append("a.published >= ?")
        params.append(scope.start.isoformat())
    if scope.end is not None:
        dated.append("a.published <= ?")
        params.append(scope.end.isoformat())
    if dated:  # an undated article passes a date range: the table lists it, saying it is not counted
        parts.append(f"(a.published IS NULL OR ({' AND '.join(dated)}))")
    return " AND ".join(parts), params


class SearchQueries:
    """The full-text queries of ``SQLiteBackend`` (a mixin: they share its connection)."""

    _conn: sqlite3.Connection

    def search_ids(self, query: str) -> list[int]:
        # Every match, best first: the page combines them with the filters and pages through them.
        # Sorted here, not by ORDER BY rank: SQLite's sorter over every match costs more than the
        # ranking itself (measured: 1.6× the query without it), and ties go to the lower id.
        cur = self._conn.cursor()
        cur.row_factory = None  # plain tuples
        rows = cur.execute(
            f"SELECT rank, rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?", (match_expression(query),)
        ).fetchall()
        rows.sort()
        return [row[1] for row in rows]

    def search_snippets(self, query: str, ids: Sequence[int]) -> dict[int, str]:
        # Only for the rows shown: a snippet re-reads and re-tokenizes the article's text. FTS5 seeks
        # each wanted id in the index ("rowid IN (...)"), so the cost follows the page, not the matches
        # (walking every match and making the snippet for the wanted ones took 10× as long for a common
        # word at 100,000 articles).
        expression = match_expression(query)
        found: dict[int, str] = {}
        for start in range(0, len(ids), ID_CHUNK):
            chunk = list(ids[start : start + ID_CHUNK])
            rows = self._conn.execute(
                f"SELECT rowid, snippet({FTS_TABLE}, -1, ?, ?, '…', ?) FROM {FTS_TABLE} "
                f"WHERE {FTS_TABLE} MATCH ? AND rowid IN ({','.join('?' * len(chunk))})",
                (MATCH_START, MATCH_END, SNIPPET_WORDS, expression, *chunk),
            ).fetchall()
            found.update((row[0], row[1]) for row in rows)
        return found

    def search_count(self, query: str, scope: SearchScope = EVERY_ARTICLE) -> int:
        # Without a filter the index counts its matches alone (no ranking, no row read); a filter
        # reads each match's row.
        where, params = scope_condition(scope)
        if not where:
            sql = f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?"
        else:
            sql = (
                f"SELECT count(*) FROM {FTS_TABLE} AS f JOIN articles AS a ON a.id = f.rowid "
                f"WHERE {FTS_TABLE} MATCH ? AND {where}"
            )
        return int(self._conn.execute(sql, (match_expression(query), *params)).fetchone()[0])

    def search_page(self, query: str, scope: SearchScope, offset: int, limit: int) -> list[int]:
        return [row[0] for row in self._ranked_page(query, scope, offset, limit, passages=False)]

    def search_page_passages(self, query: str, scope: SearchScope, offset: int, limit: int) -> list[tuple[int, str]]:
        return [(row[0], row[1]) for row in self._ranked_page(query, scope, offset, limit, passages=True)]

    def _ranked_page(
        self, query: str, scope: SearchScope, offset: int, limit: int, *, passages: bool
    ) -> list[tuple[Any, ...]]:
        # The index ranks every match in its own sorter (ORDER BY rank, ties in rowid order, as
        # search_ids sorts them) and hands them over best first. With filters it stays the outer loop
        # (CROSS JOIN): each ranked match's row is read and checked until the page is full, and no
        # sorter runs over the joined rows. Passages are made in the same statement, for the page's rows
        # only (OFFSET skips the others before the columns are computed): a second statement seeking
        # each id with "rowid IN (...)" cost as much as the ranking itself (a rare word at 1M articles).
        where, params = scope_condition(scope)
        columns, parameters = "f.rowid", list[object]()
        if passages:
            columns += f", snippet({FTS_TABLE}, -1, ?, ?, '…', ?)"
            parameters += [MATCH_START, MATCH_END, SNIPPET_WORDS]
        sql = f"SELECT {columns} FROM {FTS_TABLE} AS f"
        if where:
            sql += " CROSS JOIN articles AS a ON a.id = f.rowid"
        sql += f" WHERE {FTS_TABLE} MATCH ?" + (f" AND {where}" if where else "") + " ORDER BY f.rank LIMIT ? OFFSET ?"
        cur = self._conn.cursor()
        cur.row_factory = None  # plain tuples
        return cur.execute(sql, (*parameters, match_expression(query), *params, limit, offset)).fetchall()

    def address_page(
        self,
        query: str | None,
        scope: SearchScope,
        sources: Sequence[str],
        url_part: str | None,
        offset: int,
        limit: int,
    ) -> tuple[list[int], int]:
        # SQLite's lower() folds ASCII letters only: enough for host names and paths, which are ASCII
        # or already lower case once canonical.
        hits: list[str] = []
        params: list[object] = []
        if sources:
            hits.append(f"a.source IN ({','.join('?' * len(sources))})")
            params += sources
        if url_part is not None:
            hits.append("instr(lower(a.url), ?) > 0")
            params.append(url_part.lower())
        if not hits:
            return [], 0
        conditions = [f"({' OR '.join(hits)})"]
        where, in_scope = scope_condition(scope)
        if where:
            conditions.append(where)
            params += in_scope
        if query is not None:  # a full-text match is listed among the ranked ones already
            conditions.append(f"NOT EXISTS (SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? AND rowid = a.id)")
            params.append(match_expression(query))
        condition = " AND ".join(conditions)
        count = self._conn.execute(f"SELECT count(*) FROM articles AS a WHERE {condition}", params).fetchone()[0]
        rows = self._conn.execute(
            f"SELECT a.id FROM articles AS a WHERE {condition} "
            "ORDER BY a.published IS NULL, a.published DESC, a.id DESC LIMIT ? OFFSET ?",
            (*params, limit, offset),
        ).fetchall()
        return [row[0] for row in rows], int(count)
