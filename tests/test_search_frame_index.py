"""The search's index of the articles frame (``article_search.frame_index``): made once per frame,
never served for another frame, so that a write (a new source, a new copy of a story) shows on the
next page; the page's rows found through it are those a scan of the whole frame finds."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import polars as pl
import pytest

from pipeline import article_search, views
from pipeline.aggregate import COUNTED, REASON_DUPLICATE
from pipeline.settings import Settings
from pipeline.store import Store
from tests import test_search_paging as paging
from tests.test_search_paging import varied  # noqa: F401  (the fixture: a varied database and its frame)

SETTINGS = Settings()


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "index.sqlite"
    rng = random.Random(8)
    with Store.open(path) as store:
        store.insert_articles_bulk(paging.varied_article(i, rng) for i in range(60))
    return path


def frame_of(db: Path) -> pl.DataFrame:
    with Store.open(db) as store:
        return store.articles_frame()


def stored(db: Path, i: int, *, source: str, published: dt.date, story: int | None = None) -> int:
    """Store one more article (from ``source``, on ``published``; a copy of article ``story``) and return its id."""
    article, score = paging.varied_article(i, random.Random(i))
    url = f"https://{source}/later/{i}"
    article = article.__class__(**{**article.__dict__, "url": url, "canonical_url": url, "source": source,
                                   "published": published, "language": "en"})  # fmt: skip
    score = score.__class__(**{**score.__dict__, "relevance": 0.9, "language": "en"})
    with Store.open(db) as store:
        new = store.insert_article(article, score).id
        if story is not None:
            with store.transaction():
                store._backend._conn.execute("UPDATE articles SET story_id = ? WHERE id = ?", (story, new))
    return new


def test_the_index_is_made_once_per_frame_and_never_shared_with_another():
    frame = pl.DataFrame({"id": [1, 2, 3], "story_id": [1, 1, None], "source": ["b", "a", "b"]})
    index = article_search.frame_index(frame)
    assert article_search.frame_index(frame) is index
    assert index.sources == ["a", "b"] and index.row_stories.tolist() == [1, 1, 3]
    assert index.stories.tolist() == [1, 1, 3] and frame[index.rows]["id"].to_list() == [1, 2, 3]
    assert index.in_id_order and not article_search.frame_index(frame.reverse()).in_id_order
    same_rows = frame.clone()  # equal, but another frame: the store makes a new one for every change
    assert article_search.frame_index(same_rows) is not index


def test_a_new_sources_articles_are_found_by_its_name_after_a_write(db):
    before = frame_of(db)
    found = article_search.search_page(db, before, views.Filters(), SETTINGS, "freshnews")
    assert found.page.rows.height == 0
    new = stored(db, 900, source="freshnews.example", published=dt.date(2022, 5, 1))
    after = frame_of(db)
    assert after is not before
    found = article_search.search_page(db, after, views.Filters(), SETTINGS, "freshnews")
    assert found.page.rows.get_column("id").to_list() == [new] and found.page.total == 1
    assert found.page.rows.get_column("source").to_list() == ["freshnews.example"]


def test_a_new_earlier_copy_of_a_story_makes_the_shown_one_a_duplicate(db):
    first = stored(db, 901, source="alpha.example", published=dt.date(2022, 5, 2))
    frame = frame_of(db)
    found = article_search.search_page(db, frame, views.Filters(), SETTINGS, "alpha.example")
    assert found.page.rows.filter(pl.col("id") == first).get_column("counted").to_list() == [COUNTED]
    copy = stored(db, 902, source="beta.example", published=dt.date(2022, 5, 1), story=first)
    frame = frame_of(db)
    found = article_search.search_page(db, frame, views.Filters(), SETTINGS, "alpha.example")
    row = found.page.rows.filter(pl.col("id") == first)
    assert row.get_column("counted").to_list() == [REASON_DUPLICATE], copy


@pytest.mark.parametrize("filters", paging.FILTERS.values(), ids=paging.FILTERS.keys())
def test_a_frame_out_of_id_order_gives_the_same_rows(varied, filters):  # noqa: F811
    _, frame = varied
    shuffled = frame.sample(fraction=1.0, shuffle=True, seed=3)
    assert not shuffled.get_column("id").is_sorted()
    ids = frame.get_column("id").to_list()[::-7]
    whole = views.articles_page(frame, filters, SETTINGS, "", 0, len(ids), ranked=ids)  # every row compared
    assert article_search.page_rows(frame, filters, SETTINGS, ids).rows.equals(whole.rows)
    assert article_search.page_rows(shuffled, filters, SETTINGS, ids).rows.equals(whole.rows)
