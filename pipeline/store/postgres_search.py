"""Full-text search in PostgreSQL: the ``search`` tsvector of the articles (schema migration 6), queried
with the same rules as ``sqlite_search``.

The user's words never reach the server as query syntax: each word is a parameter, split into its
letters and digits by the same ``search_words`` that built the index, and becomes a phrase (``<->``);
a trailing ``*`` makes its last part a prefix (``:*``). Matches are ranked by ``ts_rank`` with a title
word worth ten times a text word (weights A and B); passages come from ``ts_headline``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import psycopg

from .base import EVERY_ARTICLE, SearchScope
from .sqlite_search import MATCH_END, MATCH_START, SNIPPET_WORDS, search_terms

#: ``ts_rank``'s weights of D, C, B (the text) and A (the title).
RANK_WEIGHTS = "{0, 0, 0.1, 1.0}"
#: ``ts_rank`` divides by 1 + the log of the article's length: of two articles that say a word as
#: often, the shorter ranks first, as bm25 ranks them on SQLite.
RANK_NORMALIZATION = 1
ELLIPSIS = "…"
# ts_headline's own choice of a passage: about SNIPPET_WORDS words around the best cover of the query.
_HEADLINE_OPTIONS = (
    f"StartSel={MATCH_START}, StopSel={MATCH_END}, MaxWords={SNIPPET_WORDS}, MinWords={SNIPPET_WORDS - 1},"
    " ShortWord=0, HighlightAll=false"
)


def _words(text: str) -> list[tuple[str, bool]]:
    """The words of a search and whether each is a prefix (SearchError when none is left): those
    SQLite's ``search_terms`` keeps, taken back out of their FTS5 quotes."""
    return [(term.rstrip("*")[1:-1].replace('""', '"'), term.endswith("*")) for term in search_terms(text)]


def query_sql(text: str) -> tuple[str, list[object]]:
    """The tsquery of a search as SQL and its parameters: every word (a phrase) must occur."""
    parts: list[str] = []
    params: list[object] = []
    for word, prefix in _words(text):
        # search_words leaves letters and digits between single spaces: nothing there is tsquery syntax.
        # A prefix's ":*" goes after its last character (a word search_words empties stays empty).
        phrase = "replace(search_words(%s), ' ', ' <-> ')"
        if prefix:
            phrase = f"regexp_replace({phrase}, '(.)$', '\\1:*')"
        parts.append(f"to_tsquery('barometer', {phrase})")
        params.append(word)
    return "(" + " && ".join(parts) + ")", params


def scope_condition(scope: SearchScope) -> tuple[str, list[object]]:
    """The SQL condition on ``articles AS a`` for a scope and its parameters ("" when it holds every
    article): ``sqlite_search.scope_condition`` in PostgreSQL's dialect (arrays for the lists)."""
    parts: list[str] = []
    params: list[object] = []
    for column, values in (("language", scope.languages), ("source", scope.sources)):
        if values:
            parts.append(f"a.{column} = ANY(%s)")
            params.append(list(values))
    dated = []
    if scope.start is not None:
        dated.append("a.published >= %s")
        params.append(scope.start.isoformat())
    if scope.end is not None:
        dated.append("a.published <= %s")
        params.append(scope.end.isoformat())
    if dated:  # an undated article passes a date range, as on SQLite
        parts.append(f"(a.published IS NULL OR ({' AND '.join(dated)}))")
    return " AND ".join(parts), params


def _marked(passage: str) -> int:
    """How many distinct words a passage marks."""
    return len({part.split(MATCH_END, 1)[0].lower() for part in passage.split(MATCH_START)[1:]})


def passage(headline: str, whole: str) -> str:
    """A headline with the ellipsis FTS5's snippet puts where the passage cuts the text short."""
    plain = headline.replace(MATCH_START, "").replace(MATCH_END, "").strip()
    whole = whole.strip()
    if not plain:
        return ""
    return (
        ("" if whole.startswith(plain) else ELLIPSIS) + headline.strip() + ("" if whole.endswith(plain) else ELLIPSIS)
    )


class SearchQueries:
    """The full-text queries of ``PostgresBackend`` (a mixin: they share its connections)."""

    if TYPE_CHECKING:

        def _conn(self) -> AbstractContextManager[psycopg.Connection[Any]]: ...  # PostgresBackend's

    def search_ids(self, query: str) -> list[int]:
        # Every match, best first; ties to the lower id, as on SQLite.
        condition, params = query_sql(query)
        with self._conn() as conn:
            rows = conn.execute(
                f"SELECT id FROM articles, (SELECT {condition} AS q) AS wanted WHERE search @@ q"
                f" ORDER BY ts_rank('{RANK_WEIGHTS}', search, q, {RANK_NORMALIZATION}) DESC, id",
                params,
            ).fetchall()
        return [row[0] for row in rows]

    def search_snippets(self, query: str, ids: Sequence[int]) -> dict[int, str]:
        # Only for the rows shown: a headline re-parses the article's text. The title's passage is
        # taken when it marks as many words as the text's (FTS5's snippet picks its column so too).
        condition, params = query_sql(query)
        with self._conn() as conn:
            rows = conn.execute(
                "SELECT id, title, text,"
                " ts_headline('barometer', title, q, %s), ts_headline('barometer', text, q, %s)"
                f" FROM articles, (SELECT {condition} AS q) AS wanted WHERE id = ANY(%s) AND search @@ q",
                [_HEADLINE_OPTIONS, _HEADLINE_OPTIONS, *params, list(ids)],
            ).fetchall()
        return dict(_passages(rows))

    def search_count(self, query: str, scope: SearchScope = EVERY_ARTICLE) -> int:
        condition, params = query_sql(query)
        where, in_scope = scope_condition(scope)
        with self._conn() as conn:
            row = conn.execute(
                f"SELECT count(*) FROM articles AS a, (SELECT {condition} AS q) AS wanted WHERE a.search @@ q"
                + (f" AND {where}" if where else ""),
                [*params, *in_scope],
            ).fetchone()
        return int(row[0]) if row else 0

    def search_page(self, query: str, scope: SearchScope, offset: int, limit: int) -> list[int]:
        # The GIN index finds the matches and the planner applies the filters before ranking them;
        # ranking then reads only the matches in scope (unlike FTS5, whose rank lives in the index).
        condition, params = query_sql(query)
        where, in_scope = scope_condition(scope)
        with self._conn() as conn:
            rows = conn.execute(
                f"SELECT a.id FROM articles AS a, (SELECT {condition} AS q) AS wanted WHERE a.search @@ q"
                + (f" AND {where}" if where else "")
                + f" ORDER BY ts_rank('{RANK_WEIGHTS}', a.search, q, {RANK_NORMALIZATION}) DESC, a.id"
                " LIMIT %s OFFSET %s",
                [*params, *in_scope, limit, offset],
            ).fetchall()
        return [row[0] for row in rows]

    def search_page_passages(self, query: str, scope: SearchScope, offset: int, limit: int) -> list[tuple[int, str]]:
        # ts_headline runs on the page's rows only, as on SQLite; the two queries give what SQLite's one gives.
        ids = self.search_page(query, scope, offset, limit)
        passages = self.search_snippets(query, ids) if ids else {}
        return [(i, passages.get(i, "")) for i in ids]

    def address_page(
        self,
        query: str | None,
        scope: SearchScope,
        sources: Sequence[str],
        url_part: str | None,
        offset: int,
        limit: int,
    ) -> tuple[list[int], int]:
        # As SQLite's: ids by date (newest first, undated last), then id; full-text matches left out.
        hits: list[str] = []
        params: list[object] = []
        if sources:
            hits.append("a.source = ANY(%s)")
            params.append(list(sources))
        if url_part is not None:
            hits.append("strpos(lower(a.url), %s) > 0")
            params.append(url_part.lower())
        if not hits:
            return [], 0
        conditions = [f"({' OR '.join(hits)})"]
        where, in_scope = scope_condition(scope)
        if where:
            conditions.append(where)
            params += in_scope
        if query is not None:  # a full-text match is listed among the ranked ones already
            condition, words = query_sql(query)
            conditions.append(f"NOT (a.search @@ {condition})")
            params += words
        condition_sql = " AND ".join(conditions)
        with self._conn() as conn:
            count = conn.execute(f"SELECT count(*) FROM articles AS a WHERE {condition_sql}", params).fetchone()
            rows = conn.execute(
                f"SELECT a.id FROM articles AS a WHERE {condition_sql}"
                " ORDER BY a.published IS NULL, a.published DESC, a.id DESC LIMIT %s OFFSET %s",
                [*params, limit, offset],
            ).fetchall()
        return [row[0] for row in rows], int(count[0]) if count else 0


def _passages(rows: Sequence[tuple[Any, ...]]) -> Iterator[tuple[int, str]]:
    for article_id, title, text, in_title, in_text in rows:
        if _marked(in_title) >= max(_marked(in_text), 1):
            yield article_id, passage(in_title, title)
        else:
            yield article_id, passage(in_text, text)
