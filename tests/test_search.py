"""Full-text search: the FTS5 index (migration 6) and its triggers, queries in every language of the
project, user text that is never FTS syntax, ranking, the articles page's search (filters, paging,
passages, host names) and the article view's "counts / why not", through the store and AppTest.
The store's and the page's searches run on both backends (``any_db``: SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from pipeline import article_list, article_search, views
from pipeline.settings import Settings
from pipeline.store import SearchError, Store, StoreError, sqlite_search
from tests.postgres import is_url, query
from tests.search_fixtures import BODY_ONLY_WORD, KAZAKH_WORDS, build
from tests.test_store import old_database

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = Settings()


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "b.sqlite"


@pytest.fixture
def ids(db) -> dict[str, int]:
    return build(db)


@pytest.fixture
def any_db(store_db) -> str:
    """The test's database on each backend, holding the search fixtures' articles (``any_ids``)."""
    return store_db


@pytest.fixture
def any_ids(any_db) -> dict[str, int]:
    return build(any_db)


def search(db: Path | str, text: str) -> list[int]:
    with Store.open(db) as store:
        return store.search(text)


# ---------------------------------------------------------------- the index and its queries


def test_a_word_only_in_the_body_is_found(any_db, any_ids):
    assert sorted(search(any_db, BODY_ONLY_WORD)) == sorted([any_ids["oil"], any_ids["copy"]])
    assert search(any_db, BODY_ONLY_WORD.upper()) == search(any_db, BODY_ONLY_WORD)


@pytest.mark.parametrize("word", KAZAKH_WORDS)
def test_kazakh_letters_are_found_in_any_case(any_db, any_ids, word):
    assert search(any_db, word) == [any_ids["kk"]]
    assert search(any_db, word.upper()) == [any_ids["kk"]]
    assert search(any_db, word.capitalize()) == [any_ids["kk"]]


@pytest.mark.parametrize("word", ["łączność", "ŁĄCZNOŚĆ", "żegludze", "ŻEGLUDZE", "Rosją", "zegludze", "łacznosc"])
def test_polish_words_are_found_in_any_case_and_without_accents(any_db, any_ids, word):
    # ż, ą, ś, ć fold to z, a, s, c (remove_diacritics 2); ł is a letter of its own, as in Polish.
    assert search(any_db, word) == [any_ids["pl"]]


def test_the_title_weighs_more_than_the_text(any_db, any_ids):
    # "oil" is in the oil article's title and text, and in its copy's title and text: the same. "transit"
    # is in both texts and both titles too; "agency" only in the copy's title: a title hit wins.
    assert search(any_db, "agency") == [any_ids["copy"]]
    ranked = search(any_db, "astana")
    assert ranked[0] == any_ids["oil"]  # the only article with Astana in its title, though others say it in the text


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ('border" OR "x', []),  # the words border, OR and x: no article has all three
        ("title:border", []),  # not a column filter: the words title and border
        ("NEAR(a b)", []),
        ("a*b*", []),  # the word a*b as a prefix: the words a and b
        ("border AND", ["undated"]),  # "Talks on the border ... Astana and Moscow"
        ("-border", ["undated"]),  # not a negation
        ("^border", ["undated"]),
        ("(border", ["undated"]),
    ],
)
def test_user_text_is_never_fts_syntax(any_db, any_ids, text, keys):
    assert search(any_db, text) == [any_ids[k] for k in keys]


def test_operators_are_plain_words(any_db, any_ids):
    # Quoted, "NOT" is a word to find, not an operator that would turn the search around.
    assert search(any_db, "NOT border") == []
    assert search(any_db, "border talks") == [any_ids["undated"]]


def test_a_trailing_star_searches_a_prefix(any_db, any_ids):
    assert search(any_db, "baiko*") == search(any_db, BODY_ONLY_WORD) != []
    assert search(any_db, "baiko") == []


def test_a_search_of_punctuation_alone_is_a_clear_error(any_db, any_ids):
    with pytest.raises(SearchError, match=r"The search '\.\.\. !' holds no letter or digit"):
        search(any_db, "... !")
    assert sqlite_search.match_expression('say "hi"') == '"say" """hi"""'


def test_the_index_follows_inserts_updates_and_deletes(any_db, any_ids):
    with Store.open(any_db) as store:
        store.delete_demo_articles()  # none: nothing changes
    weather = any_ids["weather"]
    assert search(any_db, "sunny") == [weather]
    query(any_db, "UPDATE articles SET text = 'Rain and wind all week.' WHERE id = ?", (weather,))
    assert search(any_db, "sunny") == [weather]  # still in the title
    assert search(any_db, "warm") == []
    assert search(any_db, "rain") == [weather]
    query(any_db, "UPDATE articles SET story_id = story_id WHERE id = ?", (weather,))  # not indexed
    query(any_db, "DELETE FROM articles WHERE id = ?", (weather,))
    assert search(any_db, "rain") == search(any_db, "sunny") == []


def test_removing_the_demo_removes_it_from_the_index(any_db, any_ids):
    query(any_db, "UPDATE articles SET is_demo = 1 WHERE id IN (?, ?)", (any_ids["oil"], any_ids["copy"]))
    with Store.open(any_db) as store:
        assert store.delete_demo_articles() == 2
        assert store.search(BODY_ONLY_WORD) == []
        assert store.search("kremlin") == []
        if not is_url(any_db):  # the FTS5 index agrees with its content table (FTS5's own check)
            store._backend._conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")


def test_the_migration_indexes_the_articles_already_stored(store_db):
    old_database(store_db, 5)
    query(
        store_db,
        "INSERT INTO articles (url, canonical_url, title, text, fetched_at) VALUES ('u', 'u', 'Old title', "
        "'Stored before the index existed: Жаңаөзен', 'now')",
    )
    with Store.open(store_db) as store:
        assert store.search("жаңаөзен") == [1]
        assert store.search("old") == [1]


def test_a_python_without_fts5_is_told_so_before_anything_is_written(db, monkeypatch):
    monkeypatch.setattr(sqlite_search, "FTS5_PROBLEM", "this Python's SQLite 3.0 has no FTS5 full-text index")
    with pytest.raises(StoreError, match="has no FTS5 full-text index"):
        Store.open(db)
    assert not db.exists()


# ---------------------------------------------------------------- the articles page's search


def found(db: Path | str, text: str, filters: views.Filters | None = None, offset: int = 0, length: int = 2000):
    with Store.open(db) as store:
        frame = store.articles_frame()
    return article_search.search_page(db, frame, filters or views.Filters(), SETTINGS, text, offset, length)


def test_the_page_lists_matches_best_first_with_their_passage(any_db, any_ids):
    result = found(any_db, "astana")
    rows = result.page.rows
    # Four say Astana in their title or text, best first; the weather's source is astana.example.
    assert result.problem is None and result.page.total == rows.height == 5
    assert rows.get_column("id").to_list() == [*search(any_db, "astana"), any_ids["weather"]]
    assert rows.columns[:4] == ["id", "published", "title", "passage"]
    assert rows.get_column("id")[0] == any_ids["oil"]  # Astana in its title: ten times a word of the text
    assert rows.get_column("passage")[0] == "‹Astana› and Moscow sign oil transit deal"
    assert all("‹astana›" in p.lower() for p in rows.get_column("passage")[:4])


def test_the_page_search_follows_the_filters_and_the_paging(any_db, any_ids):
    everything = found(any_db, "astana").page.rows.get_column("id").to_list()
    only = views.Filters(sources=("kaz.example",))
    assert found(any_db, "astana", only).page.rows.get_column("id").to_list() == [any_ids["excluded"]]
    second = found(any_db, "astana", offset=1, length=2).page
    assert second.total == 5 and second.rows.get_column("id").to_list() == everything[1:3]


def test_a_host_name_still_finds_its_articles(any_db, any_ids):
    result = found(any_db, "tengrinews.kz")
    assert result.page.rows.get_column("id").to_list() == [any_ids["copy"]]
    assert result.page.rows.get_column("passage").to_list() == [""]  # found by its address, not its text
    # Text matches come first, then the articles whose source or URL holds the words.
    both = found(any_db, "kaz.example").page.rows.get_column("id").to_list()
    assert both == [any_ids["script"], any_ids["excluded"], any_ids["kk"]]  # newest first: none has it in its text


def test_punctuation_alone_lists_address_matches_and_says_why(any_db, any_ids):
    result = found(any_db, "/")
    assert result.problem.startswith("The search '/' holds no letter or digit")
    assert result.page.total == 8  # every URL holds a "/"


def test_counted_says_why_not_for_every_reason(db, ids):
    with Store.open(db) as store:
        frame = store.articles_frame()
    chosen = views.selection(views.Filters(), SETTINGS)
    verdicts = {key: article_list.counting(frame, chosen, i) for key, i in ids.items()}
    assert {k: v.reason for k, v in verdicts.items()} == {
        "oil": "yes",
        "kk": "yes",
        "pl": "yes",
        "copy": "duplicate story",
        "weather": "not relevant",
        "undated": "undated",
        "excluded": "not relevant (analyst)",
        "script": "yes",
    }
    assert verdicts["copy"].first_copy == ids["oil"]
    assert verdicts["copy"].explanation == (
        "It does not count in the series: it is a later copy of a story; the story counts once, as article "
        f"{ids['oil']}."
    )
    assert "relevance 0.05 is below the threshold 0.30" in verdicts["weather"].explanation
    # Under a filter that leaves out the first copy, the copy is the story's first here, and counts.
    only_agency = views.selection(views.Filters(sources=("tengrinews.kz",)), SETTINGS)
    assert article_list.counting(frame, only_agency, ids["copy"]).counted
    assert article_list.counting(frame, only_agency, ids["oil"]).reason == article_list.FILTERED_OUT
    assert article_list.counting(frame, chosen, 999) is None


# ---------------------------------------------------------------- the page, through AppTest


def articles_app(db: Path, monkeypatch) -> AppTest:
    monkeypatch.setenv("BAROMETER_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    return at.switch_page("ui/articles.py").run()


def unescaped(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


def table(at: AppTest) -> pl.DataFrame:
    return pl.from_pandas(at.dataframe[0].value)


def test_the_page_searches_the_full_text(db, ids, monkeypatch):
    at = articles_app(db, monkeypatch)
    assert at.text_input(key="search").label == "Search titles and full text"
    at.text_input(key="search").set_value(BODY_ONLY_WORD).run()
    assert not at.exception
    rows = table(at)
    assert sorted(rows.get_column("id").to_list()) == sorted([ids["oil"], ids["copy"]])
    assert all("‹Baikonur›" in p for p in rows.get_column("passage"))
    assert any("2 articles (best match first)" in c.value for c in at.caption)
    at.text_input(key="search").set_value("?!").run()
    assert not at.exception
    assert "holds no letter or digit" in at.warning[0].value


def test_the_article_asked_for_opens_and_says_why_it_does_not_count(db, ids, monkeypatch):
    at = articles_app(db, monkeypatch)
    # As the Trend page's table does before switching here.
    at.session_state["article_id"] = ids["copy"]
    at.switch_page("ui/articles.py").run()
    assert not at.exception
    assert at.selectbox(key="article_id").value == ids["copy"]
    assert at.subheader[0].value.startswith("Oil transit deal signed")
    assert [unescaped(w.value) for w in at.warning] == [
        "It does not count in the series: it is a later copy of a story; the story counts once, as article "
        f"{ids['oil']}."
    ]
    at.selectbox(key="article_id").set_value(ids["oil"]).run()
    assert at.success[0].value.startswith("It counts in the series")
    body = at.get("html")[0].proto.body
    assert '<mark class="cooperation"' in body and "Baikonur launch site" in body


def test_the_article_text_is_escaped_with_its_evidence_marked(db, ids, monkeypatch):
    at = articles_app(db, monkeypatch)
    at.selectbox(key="article_id").set_value(ids["script"]).run()
    body = at.get("html")[0].proto.body
    assert "<script>" not in body and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body
    assert '<mark class="tension" title="tension +0.30">&lt;script&gt;' in body
