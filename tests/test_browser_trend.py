"""The Trend page in headless Chromium at 1440 px on the demo (one streamlit start): no two event
labels overlap on screen; clicking a month's bar lists exactly that month's articles under the
chart, and a row of that table opens the article; Compare by language draws one line per language."""

from __future__ import annotations

import re

import pytest

from tests.browser import ARTIFACTS, launch_browser, require_chromium

#: January 2022 on the demo: 9 articles dated in it, 8 of which count (one is a syndicated copy).
MONTH, LISTED, COUNTED = "2022-01-01", 9, 8

PLOT = ".js-plotly-plot"
ROW_PX = 35  # the height of a row of st.dataframe (Glide Data Grid), header included
LABEL_BOXES = """() => [...document.querySelectorAll('.js-plotly-plot g.annotation')].map(a => {
    const r = a.getBoundingClientRect(); return [r.left, r.right, r.top, r.bottom]; })"""
TRACE_NAMES = "() => document.querySelector('.js-plotly-plot').data.map(t => t.name)"


def overlapping(boxes: list[list[float]]) -> list[tuple[int, int]]:
    return [
        (i, j)
        for i, a in enumerate(boxes)
        for j, b in enumerate(boxes)
        if i < j and a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]
    ]


@pytest.mark.browser
def test_trend_page_labels_click_through_and_split_by_language(dashboard):
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = launch_browser(pw)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(dashboard)
            # The demo loads by itself on the empty database: seconds alone, minutes on a busy machine.
            expect(page.get_by_text("The database was empty")).to_be_visible(timeout=300_000)
            expect(page.locator(PLOT)).to_be_visible(timeout=30_000)
            page.wait_for_function("document.querySelectorAll('.js-plotly-plot g.annotation').length > 0")

            boxes = page.evaluate(LABEL_BOXES)
            assert len(boxes) == 12 and overlapping(boxes) == []

            # Click January 2022's bar (the "articles" trace, drawn in the lower panel).
            index = page.evaluate(f"() => document.querySelector('{PLOT}').data[0].x.indexOf('{MONTH}')")
            assert index >= 0
            bar = page.locator(f"{PLOT} g.barlayer g.trace").first.locator("g.point").nth(index)
            bar.click(force=True)
            caption = page.get_by_text(f"Articles of January 2022: {LISTED} listed, {COUNTED} count in the chart")
            expect(caption).to_be_visible(timeout=30_000)
            grid = page.locator("[data-testid=stDataFrame] canvas").first
            grid.scroll_into_view_if_needed()
            box = grid.bounding_box()
            assert box is not None and box["height"] == (LISTED + 1) * ROW_PX  # a header and 9 rows
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "trend-period.png"), full_page=True)

            # A row of the table opens that article on the Articles page.
            page.mouse.click(box["x"] + 15, box["y"] + ROW_PX * 1.5)  # the first row's selection box
            page.wait_for_url(re.compile(r"/articles(\?|$)"), timeout=30_000)  # the address may carry the view

            # Compare by language: one line per language on one chart.
            page.get_by_role("link", name="Trend", exact=True).click()
            expect(page.locator(PLOT)).to_be_visible(timeout=30_000)
            page.get_by_text("language", exact=True).click()
            page.wait_for_function(
                f"document.querySelector('{PLOT}') && document.querySelector('{PLOT}').data.some(t => t.name === 'ru')",
                timeout=30_000,
            )
            names = page.evaluate(TRACE_NAMES)
            assert {name: names.count(name) for name in ("en", "kk", "pl", "ru")} == {
                "en": 1,
                "kk": 1,
                "pl": 1,
                "ru": 1,
            }
            page.screenshot(path=str(ARTIFACTS / "trend-by-language.png"), full_page=True)
        finally:
            browser.close()
