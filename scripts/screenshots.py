"""Screenshots of the dashboard on the demo at 1440 × 900 in Debian's headless Chromium, checked as they
are taken: no two labels on a chart overlap, every column of a table is in view, no Deploy button.
Writes trend.png, trend-by-language.png, trend-events.png, articles.png and, when the database follows
several pairs of countries, pairs.png: the comparison of every pair it follows (docs/dashboard.md#screenshots).

    python scripts/screenshots.py [--out docs/img] [--db PATH] [--events FIRST:LAST] [--strict]

Exit status 1 when a check fails (each failure named, with the labels or columns at fault), 2 when the
dashboard or the browser cannot run. A control the script needs and does not find is reported, and its
shot skipped or taken as the page draws it; an error only with --strict. Without --db, a fresh
database at a fixed temporary path (the header prints it) loads the demo by itself.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as `python scripts/screenshots.py`: the repository root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from scripts.streamlit_server import CHROMIUM, CHROMIUM_ARGS, ROOT, DashboardError, running_dashboard

VIEWPORT = {"width": 1440, "height": 900}
#: Events are dense in 2022 (14 of the demo's 29): the events shot shows that year.
EVENTS_RANGE = (dt.date(2022, 1, 1), dt.date(2022, 12, 31))
DRAW_TIMEOUT = 300.0  # seconds; the first page also loads and scores the demo (15–20 s idle, minutes on a busy machine)

#: The demo loaded by one extraction process stores its pages in order: the same ids on every run.
ONE_WORKER = {"BAROMETER_WORKERS": "1"}
Page = Any  # playwright's sync Page


@dataclass(frozen=True)
class Box:
    """A label's box on the screen, in CSS pixels."""

    label: str
    left: float
    top: float
    right: float
    bottom: float


def overlapping_pairs(boxes: Sequence[Box], tolerance: float = 0.5) -> list[tuple[Box, Box]]:
    """Every pair of boxes that share more than `tolerance` pixels both across and down."""
    ordered = sorted(boxes, key=lambda b: b.left)
    pairs = []
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b.left >= a.right - tolerance:
                break  # sorted by left edge: no later box reaches back into a
            if min(a.bottom, b.bottom) - max(a.top, b.top) > tolerance:
                pairs.append((a, b))
    return pairs


# The text of every annotation (event labels; subplot titles on small multiples) of every chart on
# the page, as drawn: getBoundingClientRect includes the rotation of vertical labels.
_LABEL_BOXES = """() => [...document.querySelectorAll('.js-plotly-plot .annotation-text')].flatMap(el => {
    const r = el.getBoundingClientRect();
    const label = (el.textContent || '').trim();
    const box = {label, left: r.left, top: r.top, right: r.right, bottom: r.bottom};
    return r.width > 0 && r.height > 0 && label ? [box] : [];
})"""


def label_boxes(page: Page) -> list[Box]:
    """The boxes of the chart labels drawn on the page."""
    return [Box(**box) for box in page.evaluate(_LABEL_BOXES)]


def label_overlaps(page: Page) -> list[str]:
    """One line per pair of chart labels that overlap on the page."""
    return [f"'{a.label}' overlaps '{b.label}'" for a, b in overlapping_pairs(label_boxes(page))]


# The articles table is a canvas (Glide Data Grid); its accessible copy lists the columns it draws,
# those at least partly inside the grid's box. Scrolling the grid to its right end brings in the rest;
# a one-pixel scroll tells a column cut at the edge from one that ends exactly there.
_GRID_STATE = """(grid, x) => {
    const scroller = grid.querySelector('.dvn-scroller');
    if (x !== null) scroller.scrollLeft = x;
    const box = grid.getBoundingClientRect();
    return {
        headers: [...grid.querySelectorAll('[role=columnheader]')].map(h => h.textContent.trim()),
        overflow: scroller.scrollWidth - scroller.clientWidth,
        width: scroller.clientWidth, right: box.right, viewport: window.innerWidth,
    };
}"""


@dataclass(frozen=True)
class Columns:
    """The table's columns at 1440 px: those wholly in view, and those cut or off-screen."""

    shown: list[str]
    hidden: list[str]
    overflow: float  # pixels of table beyond the grid's right edge (0 when it fits)
    drawn: list[str]  # the columns at least partly in view (the grid's accessible headers)


def _headers_at(grid: Any, x: int | None, timeout: float = 10.0) -> list[str]:
    """The column headers drawn once the grid, scrolled to `x`, has drawn the same ones twice 0.3 s apart."""
    grid.evaluate(_GRID_STATE, x)
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        time.sleep(0.3)
        headers = grid.evaluate(_GRID_STATE, None)["headers"]
        if headers == last:
            break
        last = headers
    return list(last or [])


def table_columns(page: Page, selector: str = "[data-testid=stDataFrame]") -> Columns:
    """The first table's columns on the page, split into wholly visible and not."""
    grid = page.locator(selector).first
    state = grid.evaluate(_GRID_STATE, None)
    start = _headers_at(grid, 0)
    if state["overflow"] <= 0 and state["right"] <= state["viewport"]:
        return Columns(start, [], 0.0, start)
    nudged = _headers_at(grid, 1)
    # Sweep to the right end a box's width at a time, so that no column in the middle is passed over.
    every = list(start)
    width, overflow = int(state["width"]), int(state["overflow"])
    for x in range(width - 1, overflow + width, max(1, width - 1)):
        every += [name for name in _headers_at(grid, min(x, overflow + 1)) if name not in every]
    _headers_at(grid, 0)
    if state["right"] > state["viewport"]:  # the grid itself runs past the window
        return Columns([], every, max(state["overflow"], state["right"] - state["viewport"]), start)
    # The last column drawn at 0 reaches the edge: cut, unless a scroll of 1 px already brings in the
    # next one (it then ended exactly at the edge).
    shown = start if nudged[-1:] != start[-1:] else start[:-1]
    return Columns(shown, [name for name in every if name not in shown], float(state["overflow"]), start)


def deploy_button_shown(page: Page) -> bool:
    """Whether Streamlit's Deploy button is on the page (the toolbar of `streamlit run` on localhost)."""
    return bool(page.get_by_role("button", name="Deploy", exact=True).count())


# ---------------------------------------------------------------- driving the dashboard


def settle(page: Page, timeout: float = DRAW_TIMEOUT) -> None:
    """Wait until the script run is over and every chart has stopped changing (two equal reads 0.4 s apart)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        state = page.evaluate(
            """() => [
                document.querySelectorAll('[data-testid=stStatusWidget] *').length,
                document.querySelectorAll('[data-stale=true]').length,
                document.querySelectorAll('[data-testid=stSpinner]').length,
                [...document.querySelectorAll('.js-plotly-plot')].map(p => p.innerHTML.length).join(','),
            ]"""
        )
        busy = state[0] or state[1] or state[2]
        if not busy and state == last:
            return
        last = None if busy else state
        time.sleep(0.4)
    raise TimeoutError(f"the page {page.url} was still drawing after {timeout:.0f} s")


CHART = ".js-plotly-plot .main-svg"
TABLE = "[data-testid=stDataFrame] .dvn-scroller"


@contextmanager
def session(browser: Any, url: str, ready: str) -> Iterator[Page]:
    """A new browser session (so no first-run banner) at 1440 × 900 on `url`, drawn up to `ready` and settled."""
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
    try:
        page = context.new_page()
        page.goto(url)
        page.locator(ready).first.wait_for(timeout=DRAW_TIMEOUT * 1000)
        settle(page)
        yield page
    finally:
        context.close()


def set_date_range(page: Page, start: dt.date, end: dt.date) -> None:
    """Type the sidebar's date range into its segments (year, month, day: each moves on to the next)."""
    for which, day in (("start", start), ("end", end)):
        page.get_by_role("spinbutton", name=f"year, Date range {which} date").click()
        page.keyboard.type(f"{day:%Y%m%d}", delay=50)
    page.get_by_role("heading", name="Filters").click()  # leaving the field commits the range
    settle(page)


@dataclass
class Shot:
    """One screenshot, what its checks found, and the controls it looked for and did not find."""

    name: str
    path: Path | None = None
    failures: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def check_and_save(page: Page, shot: Shot, out: Path, focus: str) -> Shot:
    """Scroll `focus` into view, run the checks, save the picture."""
    page.locator(focus).first.scroll_into_view_if_needed()
    # No hover label, focus ring or sidebar button in the picture: the pointer to a blank corner, no focus.
    page.mouse.move(VIEWPORT["width"] - 1, VIEWPORT["height"] - 1)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    settle(page)
    if deploy_button_shown(page):
        shot.failures.append("deploy: a Deploy button is on the page (client.toolbarMode in .streamlit/config.toml)")
    labels = label_boxes(page)
    overlaps = label_overlaps(page)
    shot.notes.append(f"{len(labels)} chart labels drawn, {len(overlaps)} overlapping pairs")
    shot.failures += [f"labels: {line}" for line in overlaps]
    if page.locator(TABLE).count():
        columns = table_columns(page)
        shot.notes.append(f"table columns wholly in view: {', '.join(columns.shown) or 'none'}")
        if columns.hidden:
            shot.failures.append(
                f"columns: {', '.join(columns.hidden)} not wholly in view at {VIEWPORT['width']} px "
                f"(the table is {columns.overflow:.0f} px wider than its box)"
            )
    shot.path = out / f"{shot.name}.png"
    page.screenshot(path=str(shot.path), timeout=DRAW_TIMEOUT * 1000)
    return shot


def trend(browser: Any, url: str, out: Path) -> Shot:
    """The Trend page as it opens."""
    with session(browser, url, CHART) as page:
        return check_and_save(page, Shot("trend"), out, CHART)


def trend_by_language(browser: Any, url: str, out: Path) -> Shot:
    """The Trend page split by language (radio "Compare")."""
    shot = Shot("trend-by-language")
    with session(browser, url, CHART) as page:
        compare = page.get_by_test_id("stRadio").filter(has_text="Compare")
        if not compare.count():
            shot.missing.append("the Trend page's radio 'Compare' (key split) is missing: no split by language")
            return shot
        compare.get_by_text("language", exact=True).click()
        settle(page)
        return check_and_save(page, shot, out, CHART)


def trend_events(browser: Any, url: str, out: Path, days: tuple[dt.date, dt.date] = EVENTS_RANGE) -> Shot:
    """The Trend page with its key events on, over `days`."""
    shot = Shot("trend-events")
    with session(browser, url, CHART) as page:
        toggle = page.get_by_label("Key events", exact=True)  # st.toggle (role switch) or st.checkbox
        if toggle.count():
            if not toggle.is_checked():
                page.locator("label").filter(has=toggle).click()  # its label takes the click, not the input
            settle(page)
        else:
            shot.missing.append("the Trend page's toggle 'Key events' (key show_events) is missing: events as drawn")
        set_date_range(page, *days)
        return check_and_save(page, shot, out, CHART)


def articles(browser: Any, url: str, out: Path) -> Shot:
    """The Articles page as it opens: its table at the top."""
    with session(browser, f"{url}/articles", TABLE) as page:
        return check_and_save(page, Shot("articles"), out, TABLE)


PAIRS_SMOOTHING = 6  # trailing months: the demos' pairs have a few articles a month, a line reads better smoothed


def pairs(browser: Any, url: str, out: Path) -> Shot:
    """The Trend page comparing every pair the database follows (sidebar "Pair": "Compare pairs", whose
    list starts with them all), each line smoothed over six months, key events off (four pairs' events
    crowd one picture); skipped when the database follows one pair (no "Pair" choice)."""
    shot = Shot("pairs")
    with session(browser, f"{url}/?smooth={PAIRS_SMOOTHING}", CHART) as page:
        choice = page.get_by_role("combobox", name="Pair", exact=True)  # st.selectbox's input
        if not choice.count():
            shot.missing.append("the sidebar's 'Pair' choice is missing: the database follows one pair only")
            return shot
        choice.click()
        page.get_by_role("option", name="Compare pairs").click()
        settle(page)
        toggle = page.get_by_label("Key events", exact=True)  # every pair's events crowd one picture
        if toggle.count() and toggle.is_checked():
            page.locator("label").filter(has=toggle).click()
            settle(page)
        compared = page.evaluate(
            "() => [...new Set(document.querySelector('.js-plotly-plot').data"
            ".filter(t => t.mode === 'lines+markers').map(t => t.name))]"
        )
        shot.notes.append(f"pairs compared: {', '.join(compared)}")
        return check_and_save(page, shot, out, CHART)


Take = Callable[[Any, str, Path], Shot]
SHOTS: tuple[Take, ...] = (trend, trend_by_language, trend_events, articles, pairs)


def launch(pw: Any) -> Any:
    """Debian's Chromium, headless (playwright never downloads a browser here)."""
    if not Path(CHROMIUM).exists():
        raise FileNotFoundError(f"{CHROMIUM} is missing (apt-get install chromium)")
    return pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def take_all(browser: Any, url: str, out: Path, shots: Sequence[Take] = SHOTS) -> list[Shot]:
    """Every shot of the dashboard at `url` into `out`, checked; the first page waits for the demo."""
    out.mkdir(parents=True, exist_ok=True)
    with session(browser, url, CHART):
        pass  # an empty database loads the demo here, once, before the timed shots
    return [take(browser, url, out) for take in shots]


def report(shots: Sequence[Shot], strict: bool) -> int:
    """Print each shot's checks; 1 when a check failed (or, with `strict`, a control was missing)."""
    status = 0
    for shot in shots:
        where = shot.path.relative_to(ROOT) if shot.path and shot.path.is_relative_to(ROOT) else shot.path
        print(f"{shot.name}: {where or 'skipped'}")
        for line in shot.notes:
            print(f"  {line}")
        for line in shot.missing:
            print(f"  MISSING {line}")
        for line in shot.failures:
            print(f"  FAILED {line}")
        if shot.failures or (strict and shot.missing):
            status = 1
    print("all checks passed" if status == 0 else "some checks failed (see FAILED and MISSING above)")
    return status


def date_range(text: str) -> tuple[dt.date, dt.date]:
    """`2022-01-01:2022-12-31` as two dates."""
    try:
        first, last = (dt.date.fromisoformat(part) for part in text.split(":"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not FIRST:LAST in ISO dates (2022-01-01:2022-12-31)") from None
    return first, last


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img", help="folder for the PNGs")
    parser.add_argument("--db", type=Path, help="database to show (default: a fresh one, which loads the demo)")
    parser.add_argument("--events", type=date_range, default=EVENTS_RANGE, help="date range of the events shot")
    parser.add_argument("--strict", action="store_true", help="a control the script needs and misses is an error")
    args = parser.parse_args(argv)
    shots = (trend, trend_by_language, partial(trend_events, days=args.events), articles, pairs)
    # Without --db, the same path on every run: the header prints it, and the same path makes the same picture.
    work = Path(tempfile.gettempdir()) / "barometer-screenshots"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    try:
        with (
            running_dashboard(args.db or work / "barometer.sqlite", work / "streamlit.log", ONE_WORKER) as url,
            sync_playwright() as pw,
        ):
            browser = launch(pw)
            try:
                done = take_all(browser, url, args.out.resolve(), shots)
            finally:
                browser.close()
    except (DashboardError, FileNotFoundError, TimeoutError, PlaywrightError) as err:
        print(f"screenshots: {err}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report(done, args.strict)


if __name__ == "__main__":
    sys.exit(main())
