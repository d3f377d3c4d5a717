"""The articles page in headless Chromium at 1440 × 900 with the sidebar open: full-text search finds a
word that is only in an article's body, every column of the table is in view, and clicking a row of
the table opens that article (its title, whether it counts, its text with the evidence marked)."""

from __future__ import annotations

import re

import pytest

from tests.browser import ARTIFACTS, launch_browser, require_chromium
from tests.search_fixtures import BODY_ONLY_WORD, build

# The data grid draws on a canvas: a row is clicked at its place. Streamlit's grid rows and header
# are 35 px high; the row marker (the selection checkbox) is the first 30 px or so of a row.
ROW_PX = 35
HEADER_PX = 35
MARKER_PX = 16


def grid_geometry(page) -> dict:
    """The table's box, its scroller's widths and the main area's right edge, measured in the page."""
    return page.evaluate(
        """() => {
            const frame = document.querySelector('[data-testid="stDataFrame"]');
            const box = frame.getBoundingClientRect();
            const scroller = frame.querySelector('.dvn-scroller');
            const main = document.querySelector('[data-testid="stMainBlockContainer"]').getBoundingClientRect();
            return {x: box.x, y: box.y, right: box.right, width: box.width,
                    scrollWidth: scroller.scrollWidth, clientWidth: scroller.clientWidth,
                    mainRight: main.right, viewport: window.innerWidth};
        }"""
    )


@pytest.mark.browser
def test_search_finds_a_body_word_and_a_row_click_opens_its_article(dashboard, tmp_path):
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    build(tmp_path / "barometer.sqlite")  # the dashboard fixture's database, before the first visit
    with sync_playwright() as pw:
        browser = launch_browser(pw)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(f"{dashboard}/articles")
            box = page.get_by_label("Search titles and full text")
            expect(box).to_be_visible(timeout=60_000)
            expect(page.get_by_text("8 articles (newest first)")).to_be_visible(timeout=30_000)
            expect(page.get_by_test_id("stSidebar")).to_be_visible()

            expect(page.get_by_test_id("stDataFrame").locator("canvas").first).to_be_visible(timeout=30_000)
            # Every column in view: the grid needs no horizontal scrolling and stays inside the main area.
            geometry = grid_geometry(page)
            assert geometry["scrollWidth"] <= geometry["clientWidth"] + 1, geometry
            assert geometry["right"] <= geometry["mainRight"] + 1 <= geometry["viewport"] + 1, geometry

            box.fill(BODY_ONLY_WORD)
            box.press("Enter")
            expect(page.get_by_text("2 articles (best match first)")).to_be_visible(timeout=30_000)
            geometry = grid_geometry(page)  # with the passage column too
            assert geometry["scrollWidth"] <= geometry["clientWidth"] + 1, geometry
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "articles-search.png"), full_page=True)

            # The agency copy ranks first and opens by itself; clicking the second row opens the original.
            expect(page.get_by_role("heading", name=re.compile("Oil transit deal signed"))).to_be_visible()
            page.mouse.click(geometry["x"] + MARKER_PX, geometry["y"] + HEADER_PX + ROW_PX + ROW_PX // 2)
            heading = page.get_by_role("heading", name=re.compile("Astana and Moscow sign oil transit deal"))
            expect(heading).to_be_visible(timeout=30_000)
            expect(page.get_by_text("It counts in the series")).to_be_visible()
            mark = page.locator("mark.cooperation").first
            expect(mark).to_contain_text("Baikonur launch site")
            mark.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "article-view.png"))
        finally:
            browser.close()
