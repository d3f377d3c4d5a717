"""scripts/screenshots.py: the label-overlap rule on planted boxes, the same rule on labels Plotly draws in
Chromium, the column check on a window too narrow and one wide enough, no Deploy button, and the
screenshots of the demo written at 1440 × 900 (one streamlit start for the whole file)."""

from __future__ import annotations

import struct

import plotly.graph_objects as go
import pytest

from scripts import screenshots
from scripts.screenshots import Box, label_boxes, label_overlaps, overlapping_pairs, table_columns
from scripts.streamlit_server import DashboardError, running_dashboard
from tests.browser import launch_browser, require_chromium


def test_overlapping_pairs_returns_the_planted_pair_and_none_for_separate_boxes():
    jan = Box("Protests begin", 100, 20, 112, 140)
    jan_next = Box("Troops arrive", 108, 30, 120, 150)  # 4 px across and 110 px down into jan's box
    march = Box("Invasion", 300, 20, 312, 140)
    touching = Box("Vote", 312, 20, 324, 140)  # shares only an edge with march
    below = Box("Storm", 100, 160, 112, 260)  # same column as jan, under it
    assert overlapping_pairs([march, jan, touching, jan_next, below]) == [(jan, jan_next)]
    assert overlapping_pairs([jan, march, touching, below]) == []


def test_overlapping_pairs_looks_past_narrow_boxes_for_a_wide_one():
    wide = Box("A long horizontal title", 0, 0, 400, 14)
    narrow = Box("Vote", 50, 30, 62, 90)  # starts inside wide's span, lower down
    far = Box("Storm", 390, 5, 402, 60)  # starts later, and does cross wide's right end
    assert overlapping_pairs([narrow, far, wide]) == [(wide, far)]


@pytest.fixture(scope="module")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = launch_browser(pw)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def demo_dashboard(tmp_path_factory):
    """One `streamlit run dashboard.py` for the file, over an empty database (the demo loads by itself)."""
    require_chromium()
    folder = tmp_path_factory.mktemp("screenshots")
    try:
        with running_dashboard(folder / "barometer.sqlite", folder / "streamlit.log") as url:
            yield url
    except DashboardError as err:
        pytest.fail(str(err))


def planted_labels_page(browser, tmp_path):
    """A Plotly chart with vertical labels placed as the trend chart places event labels: two a day apart
    (they collide), two half a year apart."""
    fig = go.Figure(go.Scatter(x=["2022-01-01", "2022-12-31"], y=[0, 1]))
    for day, label in (
        ("2022-01-05", "Planted: protests begin"),
        ("2022-01-06", "Planted: troops arrive"),
        ("2022-05-01", "Planted: storm"),
        ("2022-10-01", "Planted: vote"),
    ):
        fig.add_annotation(x=day, y=0.97, yref="paper", text=label, showarrow=False, textangle=-90, yanchor="top")
    fig.update_layout(width=1000, height=500)
    html = tmp_path / "labels.html"
    html.write_text(fig.to_html(include_plotlyjs=True, full_html=True), encoding="utf-8")
    page = browser.new_page(viewport=screenshots.VIEWPORT)
    page.goto(html.as_uri())
    page.wait_for_function("document.querySelectorAll('.annotation-text').length === 4")
    return page


@pytest.mark.browser
def test_label_overlaps_finds_the_two_plotly_labels_drawn_over_each_other(browser, tmp_path):
    page = planted_labels_page(browser, tmp_path)
    try:
        boxes = label_boxes(page)
        assert sorted(box.label for box in boxes) == [
            "Planted: protests begin",
            "Planted: storm",
            "Planted: troops arrive",
            "Planted: vote",
        ]
        assert all(box.bottom - box.top > 5 * (box.right - box.left) for box in boxes)  # read as drawn: upright
        assert label_overlaps(page) == ["'Planted: protests begin' overlaps 'Planted: troops arrive'"]
    finally:
        page.close()


@pytest.mark.browser
def test_screenshots_of_the_demo_are_written_at_1440_by_900_and_checked(browser, demo_dashboard, tmp_path):
    shots = screenshots.take_all(browser, demo_dashboard, tmp_path)
    written = {shot.name: shot for shot in shots if shot.path}
    assert {"trend", "trend-events", "articles"} <= set(written)
    for shot in shots:
        if shot.path is None:  # only a control still to be built may skip a shot, and it says which
            skipped = {"trend-by-language": "'Compare'", "pairs": "follows one pair only"}  # the demo: one pair
            assert shot.name in skipped and skipped[shot.name] in shot.missing[0]
            continue
        png = shot.path.read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", png[16:24]) == (1440, 900)  # the IHDR chunk: width, height
        assert 30_000 < len(png) < 1_500_000, f"{shot.name}.png is {len(png):,} bytes"
        assert not [line for line in shot.failures if line.startswith("deploy:")]
    # The column check ran on the articles table and found columns (which ones is the Articles page's design).
    columns = [note for note in written["articles"].notes if note.startswith("table columns wholly in view: ")]
    assert columns and not columns[0].endswith(": none")


@pytest.mark.browser
def test_no_deploy_button_and_the_main_menu_stays(browser, demo_dashboard):
    with screenshots.session(browser, demo_dashboard, screenshots.CHART) as page:
        assert page.get_by_test_id("stMainMenuButton").is_visible()  # the reader's menu: settings, print
        assert not screenshots.deploy_button_shown(page)
        assert page.get_by_text("Deploy", exact=True).count() == 0


@pytest.mark.browser
def test_column_check_names_the_columns_a_narrow_window_cuts_off(browser, demo_dashboard):
    with screenshots.session(browser, f"{demo_dashboard}/articles", screenshots.TABLE) as page:
        page.set_viewport_size({"width": 2400, "height": 900})
        screenshots.settle(page)
        wide = table_columns(page)
        assert wide.hidden == [] and wide.overflow == 0
        assert wide.shown[:3] == ["id", "date", "title"] and "link" in wide.shown

        page.set_viewport_size({"width": 700, "height": 900})
        screenshots.settle(page)
        narrow = table_columns(page)
        assert narrow.overflow > 0
        assert "link" in narrow.hidden and narrow.shown[:1] == ["id"]
        assert narrow.drawn[-1] in narrow.hidden  # drawn, but cut at the grid's edge: not wholly in view
        assert narrow.shown + narrow.hidden == wide.shown  # every column named once, in the table's order


@pytest.mark.browser
def test_the_pairs_shot_compares_every_pair_the_database_follows(browser, tmp_path):
    from tests.test_pair_dashboard import AM, KZ, store_pieces

    store_pieces(tmp_path / "barometer.sqlite")  # two pairs, their articles scored under both
    try:
        with running_dashboard(tmp_path / "barometer.sqlite", tmp_path / "streamlit.log") as url:
            shot = screenshots.pairs(browser, url, tmp_path)
    except DashboardError as err:
        pytest.fail(str(err))
    assert shot.path is not None and not shot.missing and not shot.failures
    assert f"pairs compared: {AM}, {KZ}" in shot.notes
    png = shot.path.read_bytes()
    assert struct.unpack(">II", png[16:24]) == (1440, 900)
