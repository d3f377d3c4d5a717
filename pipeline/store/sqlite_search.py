"""Full-text search in SQLite: the FTS5 index of titles and texts (schema migration 6), queried safely.

The user's words never reach FTS5 as query syntax: each word becomes a quoted phrase (a trailing
``*`` keeps its meaning, a prefix search), so ``AND``, ``NEAR``, ``:``, ``-`` or a stray quote are
plain text. Matches are ranked by bm25 with the title weighted above the text (the index's ``rank``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from .base import SearchError, StoreError

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
        # Only for the rows shown: a snippet re-reads and re-tokenizes the article's text. The matches
        # are walked in rowid order and the snippet made for the wanted ones (CASE): half the time of
        # "MATCH ? AND rowid IN (...)", which seeks each id in the index (measured at 100,000 articles).
        expression = match_expression(query)
        found: dict[int, str] = {}
        for start in range(0, len(ids), ID_CHUNK):
            chunk = list(ids[start : start + ID_CHUNK])
            marks = ",".join("?" * len(chunk))
            rows = self._conn.execute(
                f"SELECT rowid, CASE WHEN rowid IN ({marks}) THEN snippet({FTS_TABLE}, -1, ?, ?, '…', ?) END "
                f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?",
                (*chunk, MATCH_START, MATCH_END, SNIPPET_WORDS, expression),
            ).fetchall()
            found.update((row[0], row[1]) for row in rows if row[1] is not None)
        return found
