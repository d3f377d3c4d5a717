"""Comparing pairs in headless Chromium at 1440 px (one streamlit start over a database that follows
Kazakhstan–Russia and Armenia–Russia): the comparison draws one line per pair, and clicking a point of
one pair lists that pair's articles of the period under the chart."""

from __future__ import annotations

import pytest

from scripts.streamlit_server import DashboardError, running_dashboard
from tests.browser import ARTIFACTS, launch_browser, require_chromium
from tests.test_pair_dashboard import AM, KZ, store_pieces

PLOT = ".js-plotly-plot"
LINES = f"""() => document.querySelector('{PLOT}')._fullData
    .filter(t => t.mode === 'lines+markers').map(t => [t.name, t.uid, t.x])"""
#: The week of 14 March 2022: a Kazakhstan–Russia piece (cooperation) and an Armenia–Russia one (tension).
WEEK = "2022-03-14"


@pytest.fixture
def pairs_dashboard(tmp_path):
    require_chromium()
    store_pieces(tmp_path / "barometer.sqlite")
    try:
        with running_dashboard(tmp_path / "barometer.sqlite", tmp_path / "streamlit.log") as url:
            yield url
    except DashboardError as err:
        pytest.fail(str(err))


@pytest.mark.browser
def test_comparing_two_pairs_draws_two_lines_and_a_click_lists_that_pairs_articles(pairs_dashboard):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = launch_browser(pw)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(f"{pairs_dashboard}/?pairs=kz-ru,am-ru&freq=week")
            expect(page.get_by_role("heading", name=f"{KZ} · {AM}: compared")).to_be_visible(timeout=300_000)
            page.wait_for_function(
                f"document.querySelector('{PLOT}') && document.querySelector('{PLOT}')._fullData", timeout=120_000
            )
            lines = page.evaluate(LINES)
            assert [name for name, _, _ in lines] == [KZ, AM]

            # Click Armenia–Russia's point of the week of 14 March (each scatter trace's group is
            # classed with its uid).
            [(_, uid, x)] = [line for line in lines if line[0] == AM]
            index = next(i for i, day in enumerate(x) if day.startswith(WEEK))
            point = page.locator(f"{PLOT} g.trace{uid} path.point").nth(index)
            point.click(force=True)
            caption = page.get_by_text(f"Articles of {AM} of the week of {WEEK} to 2022-03-20: 2 listed, 1 count")
            expect(caption).to_be_visible(timeout=30_000)
            grid = page.locator("[data-testid=stDataFrame]").first
            grid.scroll_into_view_if_needed()
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "pairs-click.png"), full_page=True)
            # The table's accessible copy (filled after the grid draws: wait for it): every row is
            # Armenia–Russia's reading.
            expect(grid.locator("[role=gridcell]").first).to_be_attached(timeout=30_000)
            cells = grid.locator("[role=gridcell]").all_inner_texts()
            assert "am-ru" in cells and "kz-ru" not in cells
        finally:
            browser.close()
