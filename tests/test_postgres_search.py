"""Full-text search on PostgreSQL against SQLite's: the same words find the same articles in the same
order (golden lists, on both backends), the passages, a database whose LC_CTYPE is C, and a role that
may not install the ``unaccent`` extension."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Iterator

import polars as pl
import pytest

from pipeline.store import SearchScope, Store, StoreError, postgres
from tests import postgres as pg
from tests import test_search_paging as paging
from tests.postgres import query
from tests.search_fixtures import build

# What each search finds, best first, on both backends: ts_rank (title weight A = 10 × text weight B,
# divided by 1 + log of the length) orders these as SQLite's bm25(10, 1) does. They may part where
# bm25's rarity of a word counts (several words, one rare; ts_rank has no inverse document frequency).
GOLDEN = {
    "astana": ["oil", "excluded", "undated", "copy"],  # the title first, then the shorter texts
    "oil transit": ["copy", "oil"],  # equal hits: the shorter article first
    "kaz*": ["script", "pl", "copy", "oil"],
    "KAZAKHSTAN": ["script", "copy", "oil"],
    "baikonur": ["copy", "oil"],
    "қала": ["kk"],
    "ҮКІМЕТ жаңа": ["kk"],
    "łacznosc": ["pl"],
    "rosja": ["pl"],
    "alert": ["script"],  # inside <script>…</script>: PostgreSQL's parser alone would drop it as a tag
    "script markup": ["script"],
    "agency copy": ["copy"],
    "transit agency": ["copy"],
    "moscow border": ["undated"],
    "summoned ambassador": ["excluded"],
    "weather almaty": ["weather"],
    "almaty weather*": ["weather"],
    "model of cooperation": ["copy", "oil"],
    "kremlin welcomed": ["copy", "oil"],
    # PostgreSQL's tsquery syntax is plain text too
    "border & talks": ["undated"],
    "border | nothing": [],
    "!border": ["undated"],
    "border:*": ["undated"],
    "border<->talks": ["undated"],
    "'border' \\ talks": ["undated"],
    "(talks)": ["undated"],
    "nothing*": [],
}


@pytest.mark.parametrize(("text", "keys"), GOLDEN.items(), ids=lambda v: v if isinstance(v, str) else None)
def test_the_same_words_find_the_same_articles_on_both_backends(store_db, text, keys):
    ids = build(store_db)
    with Store.open(store_db) as store:
        assert store.search(text) == [ids[k] for k in keys]


def test_passages_mark_the_words_and_cut_with_an_ellipsis(postgres_url):
    ids = build(postgres_url)
    with Store.open(postgres_url) as store:
        found = store.search("baikonur")
        passages = store.search_snippets("baikonur", found)
        assert passages[ids["oil"]] == "…‹Baikonur› launch site, which both sides called “a model…"
        # The title's passage when it holds the words; a whole title has no ellipsis.
        assert store.search_snippets("astana", [ids["oil"]]) == {
            ids["oil"]: "‹Astana› and Moscow sign oil transit deal"
        }
        # A prefix marks the whole word; Kazakh and Polish words are marked whatever their case.
        assert store.search_snippets("kaz*", [ids["pl"]]) == {ids["pl"]: "‹Kazachstan› i Rosja: rozmowy"}
        assert store.search_snippets("ЖАҢА", [ids["kk"]])[ids["kk"]] == (
            "…‹жаңа› ғимарат туралы мәлімдеме жасады. Қала өзен бойында, ұлттық…"
        )
        assert store.search_snippets("wspolpracy", [ids["pl"]])[ids["pl"]] == (
            "…‹współpracy› z Rosją i o żegludze na Morzu Kaspijskim…"
        )
        assert store.search_snippets("baikonur", [ids["kk"]]) == {}  # not a match: no passage


_names = itertools.count(1)


@pytest.fixture
def made_database() -> Iterator[tuple[pg.Server, str]]:
    """The session's server and the name of a database the test creates itself (dropped after)."""
    srv = pg.server()
    name = f"made_{next(_names)}"
    yield srv, name
    postgres.close_pools()
    srv.drop_database(srv.url(name))


def test_case_folds_in_a_database_whose_ctype_is_c(made_database):
    # There lower() and the parser fold ASCII alone; the index folds with ICU's rules instead.
    srv, name = made_database
    with srv.admin() as conn:
        conn.execute(f"CREATE DATABASE {name} LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0")
    url = srv.url(name)
    ids = build(url)
    with Store.open(url) as store:
        assert store.search("ҚАЗАҚСТАН") == store.search("қазақстан") == [ids["kk"]]
        assert store.search("ŻEGLUDZE") == store.search("żegludze") == [ids["pl"]]


def test_a_role_that_cannot_install_unaccent_is_told_who_can(made_database):
    srv, name = made_database
    role = f"analyst_{name}"
    with srv.admin() as conn:
        conn.execute(f"CREATE DATABASE {name}")
        conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{pg.PASSWORD}'")
    query(srv.url(name), f"GRANT CREATE ON SCHEMA public TO {role}")  # tables yes; no CREATE on the database
    url = srv.url(name).replace(f"{pg.USER}:", f"{role}:")
    try:
        with pytest.raises(StoreError) as caught:
            Store.open(url)
        assert "the full-text search needs the extension unaccent, which this role cannot install" in str(caught.value)
        assert f'run "CREATE EXTENSION unaccent;" in the database {name}' in str(caught.value)
        assert query(srv.url(name), "SELECT to_regclass('articles') IS NULL") == [(True,)]  # nothing half-made
        query(srv.url(name), "CREATE EXTENSION unaccent")  # as the administrator does
        ids = build(url)
        with Store.open(url) as store:
            assert store.search("zegludze") == [ids["pl"]]
    finally:
        postgres.close_pools()
        srv.drop_database(srv.url(name))
        with srv.admin() as conn:
            conn.execute(f"DROP ROLE {role}")


SCOPES = [
    SearchScope(),
    SearchScope(languages=("en", "ru")),
    SearchScope(sources=("gamma.example",)),
    SearchScope(start=dt.date(2021, 1, 1), end=dt.date(2022, 6, 30)),  # undated articles pass
    SearchScope(languages=("en", "kk"), sources=paging.SOURCES[:4], start=dt.date(2020, 3, 1)),
    SearchScope(sources=("nowhere.example",)),
]


def in_scope(frame: pl.DataFrame, scope: SearchScope) -> pl.DataFrame:
    keep = pl.lit(True)
    if scope.languages:
        keep &= pl.col("language").is_in(scope.languages)
    if scope.sources:
        keep &= pl.col("source").is_in(scope.sources)
    dated = pl.lit(True)
    if scope.start:
        dated &= pl.col("published") >= scope.start
    if scope.end:
        dated &= pl.col("published") <= scope.end
    return frame.filter(keep & (pl.col("published").is_null() | dated))


def test_pages_counts_and_address_matches_within_the_filters_on_postgresql(postgres_url):
    """search_page / search_count / address_page (the page's queries, issue 14) on PostgreSQL: the ranked
    list filtered in Python, paged; the address matches newest first, full-text matches left out."""
    rng = random.Random(14)
    with Store.open(postgres_url) as store:
        store.insert_articles_bulk(paging.varied_article(i, rng) for i in range(300))
        frame = store.articles_frame()
        ranked = store.search("border")
        assert len(ranked) > 150
        for scope in SCOPES:
            allowed = set(in_scope(frame, scope).get_column("id").to_list())
            expected = [i for i in ranked if i in allowed]
            assert store.search_count("border", scope) == len(expected), scope
            for offset, limit in ((0, 10), (5, 40), (max(len(expected) - 3, 0), 10), (len(expected) + 5, 10)):
                assert store.search_page("border", scope, offset, limit) == expected[offset : offset + limit], scope
            listed = (
                in_scope(frame, scope)
                .filter(
                    (pl.col("source").is_in(["border.example"]) | pl.col("url").str.contains("/news/1", literal=True))
                    & ~pl.col("id").is_in(ranked)
                )
                .sort(["published", "id"], descending=[True, True], nulls_last=True)
                .get_column("id")
                .to_list()
            )
            page, total = store.address_page("border", scope, ["border.example"], "/NEWS/1", 3, 20)
            assert total == len(listed) and page == listed[3:23], scope


def test_a_page_with_its_passages_is_the_page_and_its_snippets_on_both_backends(store_db):
    """search_page_passages (the page's ranked rows and their passages, one query on SQLite) gives what
    search_page and search_snippets give, within every filter and at every offset."""
    rng = random.Random(14)
    with Store.open(store_db) as store:
        store.insert_articles_bulk(paging.varied_article(i, rng) for i in range(300))
        for scope in SCOPES:
            for offset, limit in ((0, 10), (5, 40), (120, 30), (400, 10)):
                ids = store.search_page("border", scope, offset, limit)
                snippets = store.search_snippets("border", ids)
                page = store.search_page_passages("border", scope, offset, limit)
                assert page == [(i, snippets[i]) for i in ids], (scope, offset)
                assert all("‹border›" in passage.lower() for _, passage in page)
