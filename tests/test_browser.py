"""One real path through the dashboard in headless Chromium: `streamlit run` on a free port over an
empty database (so the demo loads by itself), URLs pasted from a real HTTP server on 127.0.0.1, the
article count rising, the aggregated CSV downloaded, a screenshot of the trend page kept as a
test artifact (test-artifacts/trend.png), and a page opened by its own address."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from pipeline.aggregate import CONTRACT_COLUMNS
from tests.browser import ARTIFACTS, COUNT, article_count, launch_browser, require_chromium
from tests.httpserver import Reply, TestServer, article_html

PAGES = {
    "/oil": (
        "Astana and Moscow sign oil transit deal",
        [
            "Kazakhstan and Russia signed an agreement on oil transit on Thursday, officials in Astana said, "
            "adding that the accord covers ten years of deliveries through the northern pipeline network.",
            "The Kremlin welcomed the deal, and President Tokayev said both sides would keep talking about "
            "tariffs at the next meeting of the Eurasian Economic Union in Moscow.",
        ],
        "2024-03-05",
    ),
    "/border": (
        "Astana summons Russian ambassador",
        [
            "Kazakhstan protested to Russia on Monday after a Russian lawmaker questioned its borders, "
            "and the foreign ministry in Astana summoned the Russian ambassador over the remarks.",
            "Officials in Astana called the statement a provocation and warned Moscow that such claims damage "
            "relations, while the Kremlin declined to comment on the dispute.",
        ],
        "2024-03-06",
    ),
}


@pytest.mark.browser
def test_browser_adds_urls_sees_count_rise_and_downloads_the_csv(dashboard):
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    with TestServer("127.0.0.1") as server, sync_playwright() as pw:
        for path, (title, paragraphs, day) in PAGES.items():
            server.routes[path] = Reply(body=article_html(title, paragraphs, date=day).encode())
        browser = launch_browser(pw)
        try:
            context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            page.goto(dashboard)
            # First run on an empty database: the demo loads by itself, which takes a few seconds.
            expect(page.get_by_text("The database was empty")).to_be_visible(timeout=180_000)
            expect(page.get_by_text(COUNT).first).to_be_visible(timeout=30_000)
            before = article_count(page)
            assert before > 50

            page.get_by_role("link", name="Add articles", exact=True).click()
            box = page.get_by_label("Article URLs, one a line")
            box.fill("\n".join(server.url(path) for path in PAGES))
            page.get_by_role("button", name="Fetch and store").click()
            expect(page.get_by_text("Pasted URLs finished: 2 stored")).to_be_visible(timeout=60_000)
            expect(page.get_by_text(f"{before + 2} articles in the database")).to_be_visible(timeout=30_000)
            assert server.hits["/oil"] == 1 and server.hits["/border"] == 1

            page.get_by_role("link", name="Export", exact=True).click()
            button = page.get_by_role("button", name="Aggregated CSV (month)")  # the demo opens on month
            expect(button).to_be_visible(timeout=30_000)
            with page.expect_download(timeout=30_000) as download:
                button.click()
            assert download.value.suggested_filename == "barometer-month.csv"
            text = Path(download.value.path()).read_text(encoding="utf-8")
            assert text.splitlines()[0] == ",".join(CONTRACT_COLUMNS)
            rows = list(csv.DictReader(io.StringIO(text)))
            months = {r["period_start"]: int(r["articles"]) for r in rows}
            assert months["2024-03-01"] == 2  # both new articles: the demo has none in March 2024
            assert sum(months.values()) > 50

            page.get_by_role("link", name="Trend", exact=True).click()
            chart = page.locator(".js-plotly-plot").first
            expect(chart).to_be_visible(timeout=30_000)
            expect(page.locator(".js-plotly-plot .barlayer").first).to_be_attached(timeout=30_000)
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "trend.png"), full_page=True)
            assert (ARTIFACTS / "trend.png").stat().st_size > 10_000

            # Each page has its own address (st.navigation): a link to /articles opens that page.
            page.goto(f"{dashboard}/articles")
            expect(page.get_by_label("Search titles and full text")).to_be_visible(timeout=30_000)
            expect(page.get_by_text(f"{before + 2} articles in the database")).to_be_visible(timeout=30_000)
        finally:
            browser.close()
