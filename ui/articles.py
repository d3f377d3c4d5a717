"""Articles page: full-text search and the filtered table; a row click opens the article: whether it
counts and why not, its scores, its text with the evidence highlighted, its correction."""

from __future__ import annotations

from typing import Any, Literal

import streamlit as st

from pipeline import article_list, article_search, views
from pipeline.highlight import highlighted_html
from pipeline.settings import Settings
from ui.access import permitted, visitor
from ui.shared import Version, keep, kept, load_articles, shared

BadgeColor = Literal["red", "green", "gray"]  # among the colours st.badge takes
EVIDENCE_COLORS: dict[str, BadgeColor] = {"tension": "red", "cooperation": "green", "neutral": "gray"}
TABLE_ROWS_SHOWN = 2000  # rows on one page of the table; the page selector reaches the others
SEARCH_ROWS_SHOWN = article_search.PAGE_ROWS  # while searching: each row shown has its passage made

# Widths in pixels: with the sidebar open at 1440 px the main area is 980 px wide, and every column
# must be in it (tests/test_browser_articles.py measures it in Chromium; the row marker takes 32 px).
# Scores are short numbers. A search adds the passage: the title narrows and sentiment (shown with the
# article) makes room.
SCORE_WIDTH = 52  # px: a score such as -0.83


def table_columns(searching: bool) -> tuple[dict[str, Any], list[str]]:
    """The table's column settings and order: 892 px of columns, 922 px while searching."""
    columns = {
        "id": st.column_config.NumberColumn("id", width=48, format="%d"),
        "published": st.column_config.DateColumn("date", width=84, format="YYYY-MM-DD"),
        "title": st.column_config.TextColumn("title", width=150 if searching else 260),
        article_search.PASSAGE: st.column_config.TextColumn(
            "passage", width=210, help="Where the words were found; ‹ › mark them"
        ),
        "source": st.column_config.TextColumn("source", width=84 if searching else 96),
        "language": st.column_config.TextColumn("lang", width=40),
        "tension": st.column_config.NumberColumn("tens.", help="tension, −1 … +1", format="%.2f", width=SCORE_WIDTH),
        "sentiment": st.column_config.NumberColumn(
            "sent.", help="sentiment, −1 … +1", format="%.2f", width=SCORE_WIDTH
        ),
        "relevance": st.column_config.NumberColumn("rel.", help="relevance, 0 … 1", format="%.2f", width=SCORE_WIDTH),
        "correction": st.column_config.TextColumn("corr.", width=64, help="the analyst's correction (✎)"),
        "counted": st.column_config.TextColumn("counted", width=90 if searching else 96, help="yes, or why not"),
        "url": st.column_config.LinkColumn("link", width=48, display_text="open ↗", help="the original page"),
    }
    order = [c for c in columns if c != ("sentiment" if searching else article_search.PASSAGE)]
    return columns, order


TEXT_STYLE = """<style>
.article-text { max-width: 46rem; line-height: 1.65; font-size: 1.02rem; }
.article-text p { margin: 0 0 0.9em 0; }
.article-text mark { padding: 0.05em 0.15em; border-radius: 0.2em; color: inherit; }
.article-text mark.tension { background: #f9d3cd; border-bottom: 2px solid #b2182b; }
.article-text mark.cooperation { background: #d2e6f5; border-bottom: 2px dashed #2166ac; }
.article-text mark.neutral { background: #e6e6e6; border-bottom: 2px dotted #666; }
.article-text sup { font-size: 0.7em; color: #555; margin-left: 0.15em; }
</style>"""


@st.cache_data(show_spinner=False, max_entries=32)
def load_page(
    db: str, version: Version, filters: views.Filters, settings: Settings, search: str, number: int, pair: str
) -> article_search.Found:
    """One page of the table, cached: a click elsewhere on the page (an article, a correction) reruns
    the page without searching again."""
    frame = load_articles(db, version, pair, settings.data_dir)
    rows = rows_per_page(search)
    return article_search.search_page(db, frame, filters, settings, search, (number - 1) * rows, rows)


def rows_per_page(search: str) -> int:
    return SEARCH_ROWS_SHOWN if search.strip() else TABLE_ROWS_SHOWN


@st.cache_data(show_spinner=False, max_entries=64)
def load_counting(
    db: str, version: Version, filters: views.Filters, settings: Settings, article_id: int, pair: str
) -> article_list.Counting | None:
    frame = load_articles(db, version, pair, settings.data_dir)
    return article_list.counting(frame, views.selection(filters, settings), article_id)


def _as_id(value: object) -> int | None:
    """An article id from the session (an int, or digits from the page address), else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


run = shared()
pair = views.pair_of(run.pair, run.settings.data_dir)  # its scores at its current version, its corrections
if len(run.titles) > 1:
    st.caption(
        views.escape_markdown(f"Scores and corrections of {run.title()}: each pair reads an article its own way.")
    )
search = st.text_input(
    "Search titles and full text",
    value=kept("search", ""),
    key="search",
    # A placeholder, not a help icon: the icon's label would repeat the box's (the contract's locator).
    placeholder="every word must occur, in any case or accent; word* for its endings; a host name finds its articles",
)
keep("search", search)
# The page number: the selector's new value on the run its change started, else the kept copy
# (widgets of a page that is not shown lose their state); a new search or filter starts on page 1.
number = st.session_state.get("articles_page", kept("page", 1))
if kept("page_of") != (search, run.filters):
    keep("page_of", (search, run.filters))
    number = 1
found = load_page(run.db, run.version, run.filters, run.settings, search, number, run.pair)
pages = max(1, -(-found.page.total // rows_per_page(search)))
if number > pages:  # the data shrank under the kept page (a write, the demo removed)
    number = pages
    found = load_page(run.db, run.version, run.filters, run.settings, search, number, run.pair)
keep("page", number)
new_listing = kept("listing") != (search, run.filters, number)  # other rows than on the last run
keep("listing", (search, run.filters, number))
listing = found.page
shown = listing.rows
if found.problem:
    st.warning(views.escape_markdown(found.problem))
if pages > 1:
    st.session_state["articles_page"] = number
    of = f"of {pages:,}" if found.exact else f"of at most {pages:,}"  # filters: where they end is not counted
    st.number_input(f"Page ({of})", min_value=1, max_value=pages, step=1, key="articles_page")
more = f"; showing {listing.offset + 1:,}–{listing.offset + shown.height:,}" if pages > 1 and shown.height else ""
ordering = "best match first" if search.strip() else "newest first"
# Under filters, the ranked matches are checked against them only as far as the page needs: the
# index's count of matches stands for the total until the last page is reached.
listed = (
    f"{listing.total:,} article{'' if listing.total == 1 else 's'}"
    if found.exact
    else f"{found.matches:,} matches in all, fewer within the filters"
)
if not shown.height and number > 1:
    listed = "No more matches within the filters on this page"
st.caption(
    f"{listed} ({ordering}{more})."
    " Click a row to open the article; click a column to sort the rows shown."
    " ✎ marks the analyst's corrections; 'counted' says why an article is left out."
)
columns, order = table_columns(article_search.PASSAGE in shown.columns)
table = st.dataframe(
    shown,
    hide_index=True,
    key="articles_table",
    on_select="rerun",
    selection_mode="single-row",
    column_config=columns,
    column_order=order,
)
# A row click opens its article. The selection outlives the rows it was made on (a new search keeps
# it), so only a change of selection counts as a click.
picked = tuple(table.selection.rows)
if picked != kept("table_pick", ()):
    keep("table_pick", picked)
    if picked and picked[0] < shown.height:
        st.session_state["article_id"] = int(shown.get_column("id")[picked[0]])

# The article asked for (a row click, the picker, the Trend page's table, the page address), else the
# first row. One asked for that is not on this page of the table is offered in the picker all the same;
# the one shown before gives way to the first row when a new search, filter or page leaves it out.
choices = views.article_choices(shown)
requested = _as_id(st.session_state.get("article_id", kept("article_id")))
if requested is not None and requested == kept("article_id") and new_listing and requested not in choices:
    requested = None
if requested is not None and requested not in choices:
    other = views.read_article(run.db, requested, pair)
    if other is not None:
        label = f"{other.published or 'undated'} · {other.source} · {other.title}"
        choices = {requested: label, **choices}
if not choices:
    st.stop()
ids = list(choices)
st.session_state["article_id"] = requested if requested in choices else ids[0]
chosen = st.selectbox("Show an article", ids, format_func=choices.__getitem__, key="article_id")
keep("article_id", chosen)
article = views.read_article(run.db, chosen, pair)
if not article:
    st.stop()

st.subheader(views.escape_markdown(article.title or "(no title)"))
st.text(f"{article.published or 'undated'} · {article.source} · {article.language}")
counting = load_counting(run.db, run.version, run.filters, run.settings, chosen, run.pair)
if counting is not None:
    (st.success if counting.counted else st.warning)(views.escape_markdown(counting.explanation))
if views.is_web_link(article.url):
    st.link_button("Open the original", article.url)
else:
    st.text(f"Original: {article.url}")
score = article.score
evidence = score.evidence if score is not None else []
if score is None:
    st.warning("This article has no score yet.")
else:
    cols = st.columns(4)
    cols[0].metric("Tension", f"{score.tension:+.2f}")
    cols[1].metric("Sentiment", f"{score.sentiment:+.2f}")
    cols[2].metric("Relevance", f"{score.relevance:.2f}")
    cols[3].metric("Goldstein", f"{score.goldstein:+.1f}")
    st.markdown("**Evidence**: the sentences that moved the score, strongest first")
    for direction, sentence, weight in views.evidence_rows(evidence):
        left, right = st.columns([1, 6])
        left.badge(f"{direction} {weight:+.2f}", color=EVIDENCE_COLORS[direction])
        right.text(sentence)
    if not evidence:
        st.caption("No sentence moved the score.")
    if words := views.leaning_words(article, pair):
        st.caption(
            "Words that leaned it (the word-stem model, their shares of the tension, included in the "
            "sentences' above): " + views.escape_markdown(", ".join(f"{w} {v:+.2f}" for w, v in words))
        )

with st.expander("Full text, evidence highlighted where it stands", expanded=True):
    if evidence:
        st.caption(
            "Marked: red, solid underline = towards tension; blue, dashed = towards cooperation; grey, "
            "dotted = neutral; the weight follows each sentence."
        )
    st.html(TEXT_STYLE + '<div class="article-text">' + highlighted_html(article.text, evidence) + "</div>")

st.markdown("**Correction**: stored apart from the score; the series uses it, and it can be undone")
current = views.current_correction(article)
if (made := views.correction_made(article)) is not None:
    st.caption(views.escape_markdown(made))
if not visitor().may("correct"):
    st.caption(f"Corrections are made by analysts; you are signed in as a {visitor().role}.")
    st.stop()
choice = st.radio(
    "The analyst's reading",
    views.CORRECTIONS,
    index=views.CORRECTIONS.index(current),
    horizontal=True,
    key=f"correction-{chosen}-{current}",
)
save, undo = st.columns(2)
clicked_save = save.button("Save correction", key="save_correction", disabled=choice == current)
if clicked_save and permitted("correct", "Saving a correction"):
    views.save_correction(run.db, chosen, choice, author=visitor().author, pair=pair)
    st.rerun()
clicked_undo = current != views.NO_CORRECTION and undo.button("Undo correction", key="undo_correction")
if clicked_undo and permitted("correct", "Undoing a correction"):
    views.undo_correction(run.db, chosen, pair)
    st.rerun()
