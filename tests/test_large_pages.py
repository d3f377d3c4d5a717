"""The articles and export pages without the whole table in memory: one page of rows built at a
time, the article files built on click and streamed. Each result is compared with the old eager
implementation (the whole table through ``aggregate.article_table``) on a real SQLite database with
syndicated stories, corrections on one copy, undated, unscored, irrelevant and demo articles."""

from __future__ import annotations

import io
import os
import random
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
import streamlit.testing.v1.app_test as app_test_module
from streamlit.testing.v1 import AppTest

from pipeline import article_list, views
from pipeline.aggregate import ARTICLE_COLUMNS, article_table
from pipeline.dedupe import fingerprint
from pipeline.export import csv_bytes
from pipeline.models import Article, Score
from pipeline.settings import load_settings
from pipeline.store import Store
from tests.browser import launch_browser
from tests.test_dashboard import RecordingMediaManager, RecordingMediaStorage, download, table

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = load_settings(db=":memory:")
WORDS = ("astana", "moscow", "pipeline", "tariff", "border", "treaty", "summit", "grain", "rail", "customs", "envoy")


def story_text(story: int) -> str:
    """A text of 40 words of its own, so that copies of one story share a fingerprint and no other does."""
    rng = random.Random(story)
    return " ".join(f"{rng.choice(WORDS)}{rng.randrange(1000)}" for _ in range(40))


def rich_database(path: Path) -> Path:
    """Stories of one to four copies over three sources, two languages and two years: some copies
    undated, unscored, irrelevant or demo; titles that a spreadsheet would run; then corrections
    on single copies (a stance on a later copy, "not relevant" on one copy, a stance on an
    irrelevant article)."""
    rng = random.Random(7)
    ids: dict[tuple[int, int], int] = {}
    with Store.open(path) as store:
        for story in range(40):
            text = story_text(story)
            for copy in range(1 + story % 4):
                n = len(ids)
                published = None if n % 11 == 5 else date(2023, 1, 1) + timedelta(days=rng.randrange(600))
                title = ["=HYPERLINK(1)", "Talks\nresume", "+7 border", f"Story {story} copy {copy}"][n % 4]
                url = f"https://site{copy}.example/{story}/{copy}"
                article = Article(
                    url, url, title, text, published, ["Wire", "Daily", "Agency"][(story + copy) % 3],
                    ["en", "ru"][n % 2], fingerprint(text), "page" if published else None, is_demo=n % 9 == 0,
                )  # fmt: skip
                relevance = 0.1 if n % 7 == 3 else rng.uniform(0.3, 1)
                tension = rng.choice([rng.uniform(-1, 1), -0.0, 0.00004])
                score = (
                    None
                    if n % 13 == 6
                    else Score(tension, rng.uniform(-1, 1), relevance, "en", goldstein=-10 * tension)
                )
                ids[story, copy] = store.insert_article(article, score).id
        store.set_override(ids[3, 2], stance="tension")  # a later copy of a four-copy story
        store.set_override(ids[7, 1], not_relevant=True)
        store.set_override(ids[11, 0], stance="cooperation")
        store.set_override(ids[12, 0], stance="neutral")  # a story of one copy
        store.set_override(ids[15, 3], stance="cooperation")
        store.set_override(ids[15, 1], not_relevant=True)
    return path


@pytest.fixture(scope="module")
def rich(tmp_path_factory) -> pl.DataFrame:
    return views.read_articles(rich_database(tmp_path_factory.mktemp("rich") / "rich.sqlite"))


def old_export(frame: pl.DataFrame, filters: views.Filters) -> pl.DataFrame:
    """The article export as it was built before: the whole table, eagerly."""
    return article_table(
        views.apply_filters(frame, filters, keep_undated=True), relevance_threshold=SETTINGS.relevance_threshold
    )


def old_articles_table(frame: pl.DataFrame, filters: views.Filters, search: str) -> pl.DataFrame:
    """The articles page's table as it was built before: every row, then searched and sorted."""
    table = old_export(frame, filters).with_columns(views._correction_expr().alias("correction"))
    needle = search.strip().lower()
    if needle:
        hit = pl.lit(False)
        for name in ("title", "source", "url"):
            hit |= pl.col(name).str.to_lowercase().str.contains(needle, literal=True).fill_null(False)
        table = table.filter(hit)
    return table.sort(["published", "id"], descending=True, nulls_last=True).select(views.TABLE_COLUMNS)


FILTERS = [
    views.Filters(),
    views.Filters(sources=("Daily",)),  # drops copies that carry their story's correction
    views.Filters(languages=("ru",), start=date(2023, 6, 1)),
    views.Filters(start=date(2023, 3, 1), end=date(2024, 2, 1), sources=("Wire", "Agency")),
]


def test_the_rich_database_has_every_case_the_comparison_needs(rich):
    counted = set(old_export(rich, views.Filters()).get_column("counted"))
    assert counted == {"yes", "duplicate story", "undated", "unscored", "not relevant", "not relevant (analyst)"}
    assert rich.get_column("is_demo").any() and rich.get_column("story_id").n_unique() < rich.height


@pytest.mark.parametrize("filters", FILTERS)
def test_the_streamed_article_csv_has_the_bytes_of_the_old_export(rich, filters):
    chosen = views.selection(filters, SETTINGS)
    old = csv_bytes(old_export(rich, filters))
    assert old.count(b"\n") > 5
    assert article_list.export_csv(rich, chosen) == old
    parquet = pl.read_parquet(io.BytesIO(article_list.export_parquet(rich, chosen)))
    assert parquet.columns == list(ARTICLE_COLUMNS)
    assert parquet.equals(old_export(rich, filters))
    assert views.export_count(rich, filters, SETTINGS) == parquet.height


@pytest.mark.parametrize("filters", FILTERS)
@pytest.mark.parametrize("search", ["", "copy", "SITE2", "=hyper", "no such text"])
def test_the_articles_pages_put_together_are_the_old_table(rich, filters, search):
    old = old_articles_table(rich, filters, search)
    pages = [views.articles_page(rich, filters, SETTINGS, search, offset, 7) for offset in range(0, old.height + 7, 7)]
    assert {p.total for p in pages} == {old.height}
    assert all(p.rows.height == min(7, old.height - p.offset) for p in pages if p.offset <= old.height)
    assert pl.concat([p.rows for p in pages]).equals(old)
    assert views.articles_table(rich, filters, SETTINGS, search).equals(old)


def test_a_frame_out_of_id_order_gives_the_same_files_and_pages(rich):
    """The export skips its sort when the frame is in id order (the store's frames are); any other
    frame is sorted, so the files are the same."""
    shuffled = rich.sample(fraction=1.0, shuffle=True, seed=3)
    assert not shuffled.get_column("id").is_sorted()
    for filters in FILTERS[:2]:
        chosen = views.selection(filters, SETTINGS)
        assert article_list.export_csv(shuffled, chosen) == csv_bytes(old_export(rich, filters))
        assert views.articles_table(shuffled, filters, SETTINGS).equals(old_articles_table(rich, filters, ""))


def test_a_page_annotates_only_its_rows_and_their_stories_copies(rich, monkeypatch):
    """Corrections, ``_qualifies`` and ``counted`` are worked out for the rows shown and the other
    copies of their stories, not for every matching article (a join over a million rows)."""
    sizes = []
    real = article_list._annotated

    def spy(rows, corrections, threshold):
        sizes.append(rows.select(pl.len()).collect().item())
        return real(rows, corrections, threshold)

    monkeypatch.setattr(article_list, "_annotated", spy)
    shown = views.articles_page(rich, views.Filters(), SETTINGS, "", 10, 3).rows
    stories = rich.filter(pl.col("id").is_in(shown.get_column("id").implode())).get_column("story_id")
    copies = rich.filter(pl.col("story_id").is_in(stories.implode())).height
    assert sizes == [3, copies] and copies < rich.height // 4


# ---------------------------------------------------------------- the pages, through AppTest

ARTICLES = 4500  # over two pages of 2,000 rows


def plain_article(i: int) -> tuple[Article, Score]:
    """Article ``i`` of the large database: three a day from 2020 on, over five sources."""
    url = f"https://n{i % 5}.example/{i}"
    published = date(2020, 1, 1) + timedelta(days=i // 3)
    return Article(url, url, f"Article {i}", "", published, f"Source {i % 5}", "en", "", "page"), Score(
        0.1, 0, 0.9, "en"
    )


@pytest.fixture(scope="module")
def large_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("large") / "large.sqlite"
    with Store.open(path) as store:
        store.insert_articles_bulk(plain_article(i) for i in range(ARTICLES))
    return path


@pytest.fixture
def large_app(large_template, tmp_path, monkeypatch) -> AppTest:
    db = tmp_path / "large.sqlite"
    db.write_bytes(large_template.read_bytes())
    monkeypatch.setenv("BAROMETER_DB", str(db))
    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", RecordingMediaStorage)
    monkeypatch.setattr(app_test_module, "MediaFileManager", RecordingMediaManager)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def caption(at: AppTest) -> str:
    return next(c.value for c in at.caption if "newest first" in c.value or "best match first" in c.value)


def test_the_articles_page_shows_one_page_of_2000_rows_and_a_page_selector(large_app):
    at = large_app.switch_page("ui/articles.py").run()
    everything = old_articles_table(views.read_articles(os.environ["BAROMETER_DB"]), views.Filters(), "")
    assert table(at).height == 2000 and table(at).get_column("id").to_list() == everything["id"][:2000].to_list()
    assert caption(at).startswith("4,500 articles (newest first; showing 1–2,000)")
    assert at.number_input(key="articles_page").label == "Page (of 3)"
    assert len(at.selectbox(key="article_id").options) == 2000

    at.number_input(key="articles_page").set_value(3).run()
    assert not at.exception, [e.value for e in at.exception]
    assert table(at).get_column("id").to_list() == everything["id"][4000:].to_list()
    assert "showing 4,001–4,500" in caption(at)
    assert at.selectbox(key="article_id").value == everything["id"][4000]

    at.switch_page("ui/trend.py").run().switch_page("ui/articles.py").run()  # the page is kept
    assert table(at).get_column("id").to_list() == everything["id"][4000:].to_list()
    at.text_input(key="search").set_value("article").run()  # a new search starts on page 1
    assert caption(at).startswith("4,500 articles (best match first; showing 1–200)")  # 200 while searching
    at.text_input(key="search").set_value("n3.example").run()  # a host name: found in the URLs
    assert caption(at).startswith("900 articles (best match first; showing 1–200)") and table(at).height == 200
    assert at.number_input(key="articles_page").label == "Page (of 5)"


def test_the_export_page_counts_first_and_builds_the_article_files_on_click(large_app):
    at = large_app.sidebar.multiselect(key="sources").set_value(["Source 2"]).run()
    at.switch_page("ui/export.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("every matching article (900)" in c.value for c in at.caption)
    assert "barometer-articles.csv: the first 10 of 900 rows, as the file holds them." in [c.value for c in at.caption]
    for label in ("Article table (CSV)", "Article table (Parquet)"):
        button = next(b for b in at.download_button if b.label == label)
        assert button.proto.deferred_file_id and not button.proto.url  # nothing built until the click
    aggregated = next(b for b in at.download_button if b.label.startswith("Aggregated CSV"))
    assert aggregated.proto.url  # small: built with the page
    data, mime, name = download(at, "Article table (CSV)")
    filters = views.Filters(sources=("Source 2",))
    assert (mime, name) == ("text/csv", "barometer-articles.csv")
    assert data == csv_bytes(old_export(views.read_articles(os.environ["BAROMETER_DB"]), filters))


@pytest.fixture
def large_dashboard(large_template, tmp_path, request) -> str:
    """`streamlit run dashboard.py` (tests/browser.py's server) over a copy of the large database."""
    (tmp_path / "barometer.sqlite").write_bytes(large_template.read_bytes())
    return request.getfixturevalue("dashboard")


@pytest.mark.browser
def test_a_browser_click_builds_the_article_csv_in_the_running_server(large_dashboard, tmp_path):
    """The deferred download as Streamlit serves it: the file is built in a thread of the server
    (no script run), from the cached frame, when the button is clicked."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = launch_browser(pw)
        try:
            page = browser.new_context(accept_downloads=True).new_page()
            page.goto(f"{large_dashboard}/export")
            button = page.get_by_role("button", name="Article table (CSV)")
            expect(button).to_be_visible(timeout=60_000)
            with page.expect_download(timeout=60_000) as clicked:
                button.click()
            assert clicked.value.suggested_filename == "barometer-articles.csv"
            data = Path(clicked.value.path()).read_bytes()
        finally:
            browser.close()
    frame = views.read_articles(tmp_path / "barometer.sqlite")
    assert data == csv_bytes(old_export(frame, views.Filters()))
