"""The search's page done by SQLite (issue 14): ranked, filtered and paged in the database, the same
ids in the same order as the old path (every match ranked, then filtered over the frame), every match
on exactly one page, passages made for the page's rows only."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from pipeline import article_search, views
from pipeline.models import Article, Score
from pipeline.settings import Settings
from pipeline.store import SearchScope, Store

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = Settings()
LANGUAGES = ("en", "ru", "pl", "kk")
SOURCES = ("alpha.example", "beta.example", "gamma.example", "border.example", "delta.kz", "epsilon.ru")
# A small vocabulary: every word is in many texts, with many equal bm25 ranks (ties go to the lower id).
WORDS = ("border", "talks", "oil", "transit", "gas", "visit", "summit", "grain", "rail", "bank", "kremlin", "akorda")
N = 700

FILTERS = {
    "none": views.Filters(),
    "languages": views.Filters(languages=("en", "ru")),
    "one source": views.Filters(sources=("gamma.example",)),  # about one match in six: several rounds
    "dates": views.Filters(start=dt.date(2021, 1, 1), end=dt.date(2022, 6, 30)),  # undated ones pass
    "all three": views.Filters(languages=("en", "kk"), sources=SOURCES[:4], start=dt.date(2020, 3, 1)),
    "nothing": views.Filters(sources=("nowhere.example",)),
}
SEARCHES = ("border", "oil transit", "kreml*", "akorda", "delta.kz", "border.example", "?!")


def varied_article(i: int, rng: random.Random) -> tuple[Article, Score]:
    """Article ``i``: 3–30 words of the vocabulary (repeated words, so bm25 varies), some in the
    title, a random language, source and date (one in ten undated)."""
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 30)))
    title = f"Report {i} " + " ".join(rng.sample(WORDS, rng.randint(0, 2)))
    published = None if rng.random() < 0.1 else dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(1500))
    source = rng.choice(SOURCES)
    url = f"https://{source}/news/{i}"
    article = Article(
        url=url,
        canonical_url=url,
        title=title,
        text=text,
        published=published,
        source=source,
        language=rng.choice(LANGUAGES),
        fingerprint="",
        date_origin="page" if published else None,
    )
    score = Score(tension=rng.uniform(-1, 1), sentiment=0.0, relevance=rng.random(), language=article.language,
                  evidence=[], goldstein=0.0, version="test")  # fmt: skip
    return article, score


@pytest.fixture(scope="module")
def varied(tmp_path_factory) -> tuple[Path, pl.DataFrame]:
    db = tmp_path_factory.mktemp("varied") / "varied.sqlite"
    rng = random.Random(14)
    with Store.open(db) as store:
        store.insert_articles_bulk(varied_article(i, rng) for i in range(N))
        # Syndicated copies (every fifth article joins the story of the one before) and corrections
        # (one a story's, one a copy's): the rows' ``counted`` and correction depend on them.
        with store.transaction():
            store._backend._conn.execute("UPDATE articles SET story_id = id - 1 WHERE id % 5 = 0")
        for article_id in range(3, N, 37):
            store.set_override(article_id, not_relevant=True)
        for article_id in range(11, N, 41):
            store.set_override(article_id, stance="tension")
        return db, store.articles_frame()


def old_page(db: Path, frame: pl.DataFrame, filters: views.Filters, text: str, offset: int, length: int):
    """The page as the code before issue 14's paging built it: every match ranked by ``Store.search``,
    then filtered and paged over the frame (``article_list.page`` with ``ranked``)."""
    with Store.open(db) as store:
        try:
            ranked = store.search(text)
        except article_search.SearchError:
            ranked = []
    return views.articles_page(frame, filters, SETTINGS, text, offset, length, ranked=ranked)


def ids(rows: pl.DataFrame) -> list[int]:
    return rows.get_column("id").to_list()


def test_the_varied_database_has_ties_undated_articles_and_address_matches(varied):
    db, frame = varied
    with Store.open(db) as store:
        ranks = store._backend._conn.execute(
            "SELECT rank FROM articles_fts WHERE articles_fts MATCH '\"border\"'"
        ).fetchall()
    assert len(ranks) > 300 and len(set(ranks)) < len(ranks) / 2  # many equal ranks
    assert frame.get_column("published").null_count() > 40
    assert frame.get_column("story_id").is_not_null().sum() > 100 and frame["override_stance"].is_not_null().sum() > 10
    assert frame.filter(pl.col("source") == "border.example").height > 50


@pytest.mark.parametrize("filters", FILTERS.values(), ids=FILTERS.keys())
@pytest.mark.parametrize("text", SEARCHES)
def test_a_page_is_the_old_paths_page(varied, filters, text):
    db, frame = varied
    for offset, length in ((0, 200), (0, 7), (37, 50), (150, 200)):
        found = article_search.search_page(db, frame, filters, SETTINGS, text, offset, length)
        old = old_page(db, frame, filters, text, offset, length)
        assert ids(found.page.rows) == ids(old.rows), (text, offset, length)
        assert found.page.rows.drop(article_search.PASSAGE).equals(old.rows)
        if found.exact:
            assert found.page.total == old.total
        else:  # filtered, and the ranked matches fill the page: the count before the filters bounds it
            assert found.page.total >= old.total and old.total > offset + length


@pytest.mark.parametrize("filters", FILTERS.values(), ids=FILTERS.keys())
@pytest.mark.parametrize("text", ["border", "border.example", "bank"])
def test_pages_cover_every_match_once(varied, filters, text):
    db, frame = varied
    everything = ids(old_page(db, frame, filters, text, 0, N).rows)
    paged: list[int] = []
    for number in range(N):
        found = article_search.search_page(db, frame, filters, SETTINGS, text, number * 23, 23)
        paged += ids(found.page.rows)
        if found.page.rows.height < 23:
            assert found.exact and found.page.total == len(everything)  # the last page knows the total
            break
    assert paged == everything and len(set(paged)) == len(paged)


@pytest.mark.parametrize("filters", FILTERS.values(), ids=FILTERS.keys())
def test_the_store_pages_ranked_matches_within_the_filters(varied, filters):
    db, frame = varied
    where = article_search.scope(filters)
    allowed = set(ids(frame.filter(views.article_list.filter_expr(*where.__dict__.values(), keep_undated=True))))
    with Store.open(db) as store:
        expected = [i for i in store.search("border") if i in allowed]
        assert store.search_count("border", where) == len(expected)
        for offset, limit in ((0, 10), (5, 40), (len(expected) - 3, 10), (len(expected) + 5, 10)):
            assert store.search_page("border", where, offset, limit) == expected[offset : offset + limit]


def test_the_store_filters_in_its_query_and_returns_only_the_page(varied):
    db, _ = varied
    statements: list[str] = []
    with Store.open(db) as store:
        store._backend._conn.set_trace_callback(statements.append)
        page = store.search_page("border", SearchScope(languages=("kk",), start=dt.date(2021, 1, 1)), 0, 5)
    assert len(page) == 5
    ranked = [s for s in statements if "MATCH" in s]
    assert ranked and all("a.language IN ('kk')" in s and "a.published >= '2021-01-01'" in s for s in ranked)
    assert all("LIMIT 5" in s for s in ranked)  # five ids leave the database, not every match


def test_passages_are_made_for_the_rows_shown_only(varied, monkeypatch):
    db, frame = varied
    asked: list[tuple[int, int]] = []
    made = Store.search_page_passages

    def spy(self, text, scope, offset, limit):
        asked.append((offset, limit))
        return made(self, text, scope, offset, limit)

    def every_match(self, text):
        raise AssertionError("the page asked for every match's id")

    def apart(self, text, wanted):
        raise AssertionError("the page made its passages in a query of their own")

    monkeypatch.setattr(Store, "search_page_passages", spy)
    monkeypatch.setattr(Store, "search", every_match)
    monkeypatch.setattr(Store, "search_snippets", apart)
    found = article_search.search_page(db, frame, FILTERS["languages"], SETTINGS, "border", 20, 10)
    assert asked == [(20, 11)] and found.page.rows.height == 10  # one more: whether the matches go on
    assert all("‹border›" in p.lower() for p in found.page.rows.get_column(article_search.PASSAGE))


def test_the_page_query_makes_the_passages_of_its_rows_only(varied):
    db, _ = varied
    statements: list[str] = []
    scope = SearchScope(languages=("kk",), start=dt.date(2021, 1, 1))
    with Store.open(db) as store:
        store._backend._conn.set_trace_callback(statements.append)
        page = store.search_page_passages("border", scope, 3, 5)
        store._backend._conn.set_trace_callback(None)
        expected = store.search_page("border", scope, 3, 5)
        made = [s for s in statements if "snippet(" in s]
        plan = store._backend._conn.execute("EXPLAIN QUERY PLAN " + made[0]).fetchall()
    assert [i for i, _ in page] == expected and len(page) == 5
    # One statement ranks, filters, pages and makes the five passages; the index's order is kept
    # (no sorter over the joined rows: the filter reads rows only until the page is full).
    assert len(made) == 1 and "LIMIT 5 OFFSET 3" in made[0] and "a.language IN ('kk')" in made[0]
    assert not any("TEMP B-TREE" in row[3] for row in plan), [tuple(row) for row in plan]


def test_a_filtered_page_full_of_matches_says_its_total_is_a_bound(varied):
    db, frame = varied
    with Store.open(db) as store:
        matches = store.search_count("border")
        in_scope = store.search_count("border", article_search.scope(FILTERS["languages"]))
    # Articles of border.example without the word follow the ranked matches: counted exactly.
    by_source = old_page(db, frame, FILTERS["languages"], "border", 0, 1).total - in_scope
    assert by_source > 0
    first = article_search.search_page(db, frame, FILTERS["languages"], SETTINGS, "border", 0, 10)
    assert (first.exact, first.matches, first.page.total) == (False, matches, matches + by_source)
    last = article_search.search_page(db, frame, FILTERS["languages"], SETTINGS, "border", in_scope - 4, 10)
    assert (last.exact, last.page.total, last.page.rows.height) == (True, in_scope + by_source, 10)
    assert last.page.rows.get_column(article_search.PASSAGE).str.contains("‹").to_list() == [True] * 4 + [False] * 6


def test_the_page_shows_200_matches_a_page_and_says_when_the_filters_bound_the_count(varied, monkeypatch):
    db, frame = varied
    monkeypatch.setenv("BAROMETER_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    at = at.switch_page("ui/articles.py").run()
    at.text_input(key="search").set_value("border").run()
    with Store.open(db) as store:
        matches = store.search_count("border")
    total = old_page(db, frame, views.Filters(), "border", 0, 1).total  # with border.example's articles
    assert not at.exception
    assert at.dataframe[0].value.shape[0] == article_search.PAGE_ROWS
    captions = " ".join(c.value for c in at.caption)
    assert f"{total:,} articles (best match first; showing 1–200)" in captions
    assert at.number_input(key="articles_page").label == f"Page (of {-(-total // 200)})"
    at.multiselect(key="languages").set_value(["en", "ru", "pl"]).run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert f"{matches:,} matches in all, fewer within the filters (best match first; showing 1–200)" in captions
    assert at.number_input(key="articles_page").label.startswith("Page (of at most ")
