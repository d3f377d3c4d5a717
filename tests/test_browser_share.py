"""Shared views and own events in headless Chromium (one `streamlit run` for the file, over an empty
database, so the demo loads by itself): an address with the period and a language reopens that view
and keeps it across a page switch; an event added on the Key events page is drawn on the trend chart."""

from __future__ import annotations

import json
import re

import pytest

from tests.browser import dashboard, launch_browser, require_chromium

LABEL = "Own event: browser check"
# The figure as the browser holds it: where a chart may write an event's label (annotations, trace texts).
FIGURE_TEXT = """() => {
    const plot = document.querySelector('.js-plotly-plot');
    if (!plot || !plot.data) return null;
    return JSON.stringify({
        annotations: (plot.layout.annotations || []).map(a => a.text),
        traces: plot.data.map(t => [t.name, t.text, t.hovertext, t.customdata]),
    });
}"""


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    """The `dashboard` fixture of tests/browser.py, started once for this file's tests."""
    yield from dashboard.__wrapped__(tmp_path_factory.mktemp("share"))


@pytest.fixture(scope="module")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = launch_browser(pw)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.mark.browser
def test_an_address_reopens_its_period_and_language(running, browser):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(f"{running}/?freq=month&languages=kk&languages=xx")
    # First run on an empty database: the demo loads by itself, then the view of the address is set.
    expect(page.get_by_text("The database was empty")).to_be_visible(timeout=300_000)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("radio", name="month")).to_be_checked(timeout=30_000)
    expect(sidebar.get_by_role("radio", name="week")).not_to_be_checked()
    languages = sidebar.get_by_test_id("stMultiSelect").first
    expect(languages.get_by_text("kk", exact=True)).to_be_visible()
    expect(languages.get_by_text("xx", exact=True)).to_have_count(0)
    expect(page.get_by_text("Ignored languages='xx' in the address")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/\?freq=month&languages=kk$"), timeout=30_000)
    # another page keeps the sidebar's view in its address
    page.get_by_role("link", name="Export", exact=True).click()
    expect(page.get_by_role("button", name="Aggregated CSV (month)")).to_be_visible(timeout=30_000)
    expect(page).to_have_url(re.compile(r"/export\?freq=month&languages=kk$"), timeout=30_000)
    page.close()


@pytest.mark.browser
def test_an_event_added_on_its_page_is_drawn_on_the_trend_chart(running, browser):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(f"{running}/events")
    # (the demo loads here when this test runs alone)
    expect(page.get_by_text("Add an event")).to_be_visible(timeout=300_000)
    page.get_by_text("Add an event").click()  # folded away once there are events
    main = page.get_by_test_id("stMain")
    main.get_by_role("spinbutton", name="year, Date").first.click()  # typed digits move on to month, day
    page.keyboard.type("20230815")
    page.keyboard.press("Tab")
    main.get_by_label("Label (at most 60 characters)").fill(LABEL)
    main.get_by_label("Link (optional, http:// or https://)").fill("https://news.example/deal")
    page.keyboard.press("Tab")
    main.get_by_role("button", name="Add event").click()
    expect(page.get_by_text(f"Added 2023-08-15 · {LABEL}.")).to_be_visible(timeout=30_000)

    page.get_by_role("link", name="Trend", exact=True).click()
    expect(page.locator(".js-plotly-plot .barlayer").first).to_be_attached(timeout=30_000)
    page.wait_for_function(f"() => ({FIGURE_TEXT})() !== null", timeout=30_000)
    figure = json.loads(page.evaluate(FIGURE_TEXT))
    assert LABEL in json.dumps(figure, ensure_ascii=False)
    page.close()
