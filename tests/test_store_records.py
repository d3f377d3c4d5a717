"""What the Store hands back (frozen records, typed frames), its transactions, and dedupe's story policy,
on both backends (``store_db``: a SQLite file, a PostgreSQL database)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import polars as pl
import pytest

from pipeline.dedupe import StoryCandidate, StoryChoice, choose_story, fingerprint
from pipeline.models import Article, Evidence, FetchFailure, Score
from pipeline.scoring.score import SCORER_VERSION
from pipeline.store import (
    ARTICLE_FRAME_SCHEMA,
    ArticleDetail,
    Override,
    Store,
    StoredArticle,
    StoreError,
    UnscoredArticle,
)
from tests.postgres import is_url, query

WORDS = [f"w{n}" for n in range(140)]


def article(i: int, **changes) -> Article:
    url = f"https://a.example/{i}"
    return replace(Article(url, url, f"title {i}", f"text {i}", date(2022, 1, i + 1), "a", "en", ""), **changes)


@pytest.fixture
def db(store_db):
    with Store.open(store_db) as opened:
        yield opened


def test_get_article_returns_the_article_with_its_score_and_correction(db):
    score = Score(0.4, -0.2, 0.9, "en", [Evidence("They argued.", 0.4)], goldstein=-4.0, version=SCORER_VERSION)
    saved = db.insert_article(article(0, final_url="https://a.example/0?r=1", decode_note="kept"), score)
    db.set_override(saved.id, stance="tension", note="checked", author="ana@example.org")
    detail = db.get_article(saved.id)
    assert isinstance(detail, ArticleDetail)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d.*", detail.override.created_at)
    assert replace(detail, fetched_at="", override=replace(detail.override, created_at="")) == ArticleDetail(
        id=saved.id,
        url="https://a.example/0",
        canonical_url="https://a.example/0",
        final_url="https://a.example/0?r=1",
        title="title 0",
        text="text 0",
        published=date(2022, 1, 1),
        date_origin=None,
        source="a",
        language="en",
        fingerprint="",
        story_id=saved.id,
        is_demo=False,
        fetched_at="",
        decode_note="kept",
        score=score,
        override=Override("tension", False, "checked", "ana@example.org"),
    )
    db.clear_override(saved.id)
    assert db.get_article(saved.id).override is None
    assert db.get_article(saved.id + 1) is None


def test_an_undated_unscored_article_reads_back_as_none_not_as_text(db):
    saved = db.insert_article(article(0, published=None, is_demo=True))
    detail = db.get_article(saved.id)
    assert (detail.published, detail.score, detail.override, detail.is_demo) == (None, None, None, True)


def test_insert_reports_stored_present_and_duplicate_as_records(db):
    text = " ".join(WORDS[:100])
    first = db.insert_article(article(0, text=text, fingerprint=fingerprint(text)))
    again = db.insert_article(article(0, title="changed"))
    copy = db.insert_article(article(1, text=text, fingerprint=fingerprint(text)))
    assert (first, again) == (StoredArticle(1, "stored"), StoredArticle(1, "present"))
    assert copy == StoredArticle(2, "duplicate", story_of="https://a.example/0")


def test_iter_unscored_yields_typed_records_in_id_order_across_batches(db):
    for i in range(5):
        db.insert_article(article(i, language="ru" if i % 2 else "en"))
    db.write_scores([(2, Score(0.0, 0.0, 0.5, "en", version="v2"))])
    rows = list(db.iter_unscored("v2", batch=2))
    assert rows == [
        UnscoredArticle(i, f"title {i - 1}", f"text {i - 1}", "en" if i % 2 else "ru") for i in (1, 3, 4, 5)
    ]


def test_frames_carry_their_documented_schema_even_when_empty(db):
    assert db.articles_frame().schema == pl.Schema(ARTICLE_FRAME_SCHEMA)
    assert db.failures_frame().columns == ["url", "time", "reason", "stage"]
    db.record_failure(FetchFailure("https://b.example/x", "HTTP 404 Not Found"))
    db.insert_article(article(0, published=None), Score(0.3, 0.1, 0.8, "en", [Evidence("s", 0.3)], version="v"))
    db.set_override(1, not_relevant=True)
    row = db.articles_frame().row(0, named=True)
    assert (row["published"], row["is_demo"], row["certain"], row["override_not_relevant"]) == (None, False, True, True)
    assert (row["top_evidence"], row["top_evidence_weight"], row["override_stance"]) == ("s", 0.3, None)
    assert db.failures_frame().select("url", "reason", "stage").row(0) == (
        "https://b.example/x",
        "HTTP 404 Not Found",
        "fetch",
    )


def test_a_transaction_commits_its_writes_together_or_not_at_all(db, store_db):
    with pytest.raises(RuntimeError, match="stop"), db.transaction():
        db.insert_article(article(0))
        db.insert_article(article(1))
        raise RuntimeError("stop")
    assert db.article_count() == 0
    with db.transaction():
        db.insert_article(article(0))
        with pytest.raises(ValueError, match="no article with id 9"):
            db.set_override(9, stance="tension")  # a nested failure undoes only its own part
        db.insert_article(article(1))
    assert query(store_db, "SELECT title FROM articles ORDER BY id") == [("title 0",), ("title 1",)]


def test_a_read_only_store_reads_and_refuses_writes_with_a_store_error(store_db):
    with Store.open(store_db) as db:
        db.insert_article(article(0))
        name = db.name
    reason = (
        "cannot execute .* in a read-only transaction" if is_url(store_db) else "attempt to write a readonly database"
    )
    with Store.open(store_db, read_only=True) as db:
        assert db.article_count() == 1
        for write in (lambda: db.insert_article(article(1)), lambda: db.set_override(1, stance="tension")):
            with pytest.raises(StoreError, match=rf"^database {re.escape(name)}: {reason}$"):
                write()
    assert query(store_db, "SELECT COUNT(*) FROM articles") == [(1,)]


def candidate(n: int, story: int | None, text: str) -> StoryCandidate:
    return StoryCandidate(n, story, f"https://c.example/{n}", fingerprint(text))


def test_choose_story_joins_the_earliest_story_and_merges_the_others():
    a, b, c = (" ".join(WORDS[i : i + 100]) for i in (0, 20, 40))
    far = " ".join(f"x{n}" for n in range(100))
    # b is close to a and to c, which are further apart and were stored as two stories (1 and 3)
    stored = [candidate(3, 3, c), candidate(1, 1, a), candidate(2, 2, far)]
    assert choose_story(fingerprint(b), stored) == StoryChoice(1, (3,), "https://c.example/1")
    assert choose_story(fingerprint(far), stored[:2]) == StoryChoice()
    assert choose_story(fingerprint(a), [candidate(5, None, a)]) == StoryChoice(None, (), "https://c.example/5")
    assert choose_story("", stored) == StoryChoice()


def test_reads_in_one_reading_block_see_one_state_while_another_connection_writes(store_db):
    with Store.open(store_db) as db, Store.open(store_db) as writer:
        db.insert_article(article(0))
        backend = db._backend
        with backend.reading():
            before = (backend.change_counter(), backend.article_count(include_demo=True))
            writer.insert_article(article(1))  # not blocked by the reader
            after = (backend.change_counter(), backend.article_count(include_demo=True))
        assert before == after
        assert db.article_count() == 2
