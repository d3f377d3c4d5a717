"""Articles page: the filtered table with search, one article's scores and evidence, its correction."""

from __future__ import annotations

from typing import Literal

import streamlit as st

from pipeline import article_list, views
from pipeline.settings import Settings
from ui.shared import Version, keep, kept, load_articles, shared

BadgeColor = Literal["red", "green", "gray"]  # among the colours st.badge takes
EVIDENCE_COLORS: dict[str, BadgeColor] = {"tension": "red", "cooperation": "green", "neutral": "gray"}
TABLE_ROWS_SHOWN = 2000  # rows on one page of the table; the page selector reaches the others


@st.cache_data(show_spinner=False, max_entries=32)
def load_page(
    db: str, version: Version, filters: views.Filters, settings: Settings, search: str, number: int
) -> article_list.Page:
    """One page of the table, cached: a click elsewhere on the page (an article, a correction) reruns
    the page without touching the articles frame."""
    frame = load_articles(db, version)
    return views.articles_page(frame, filters, settings, search, (number - 1) * TABLE_ROWS_SHOWN, TABLE_ROWS_SHOWN)


run = shared()
search = st.text_input("Search titles, sources and URLs", value=kept("search", ""), key="search")
keep("search", search)
# The page number: the selector's new value on the run its change started, else the kept copy
# (widgets of a page that is not shown lose their state); a new search or filter starts on page 1.
number = st.session_state.get("articles_page", kept("page", 1))
if kept("page_of") != (search, run.filters):
    keep("page_of", (search, run.filters))
    number = 1
listing = load_page(run.db, run.version, run.filters, run.settings, search, number)
pages = max(1, -(-listing.total // TABLE_ROWS_SHOWN))
if number > pages:  # the data shrank under the kept page (a write, the demo removed)
    number = pages
    listing = load_page(run.db, run.version, run.filters, run.settings, search, number)
keep("page", number)
shown = listing.rows
if pages > 1:
    st.session_state["articles_page"] = number
    st.number_input(f"Page (of {pages:,})", min_value=1, max_value=pages, step=1, key="articles_page")
more = f"; showing {listing.offset + 1:,}–{listing.offset + shown.height:,}" if pages > 1 else ""
st.caption(
    f"{listing.total:,} article{'' if listing.total == 1 else 's'} (newest first{more})."
    " Click a column to sort the rows shown."
    " ✎ marks the analyst's corrections; 'counted' says why an article is left out."
)
st.dataframe(
    shown,
    hide_index=True,
    key="articles_table",
    column_config={
        "published": st.column_config.DateColumn(format="YYYY-MM-DD"),
        "url": st.column_config.LinkColumn("url"),
        "tension": st.column_config.NumberColumn(format="%.2f"),
        "sentiment": st.column_config.NumberColumn(format="%.2f"),
        "relevance": st.column_config.NumberColumn(format="%.2f"),
    },
)
choices = views.article_choices(shown)
if not choices:
    st.stop()

ids = list(choices)
index = ids.index(kept("article_id")) if kept("article_id") in ids else 0
chosen = st.selectbox("Show an article", ids, index=index, format_func=choices.__getitem__, key="article_id")
keep("article_id", chosen)
article = views.read_article(run.db, chosen)
if not article:
    st.stop()

st.subheader(views.escape_markdown(article.title or "(no title)"))
st.text(f"{article.published or 'undated'} · {article.source} · {article.language}")
if views.is_web_link(article.url):
    st.link_button("Open the original", article.url)
else:
    st.text(f"Original: {article.url}")
score = article.score
if score is None:
    st.warning("This article has no score yet.")
else:
    cols = st.columns(4)
    cols[0].metric("Tension", f"{score.tension:+.2f}")
    cols[1].metric("Sentiment", f"{score.sentiment:+.2f}")
    cols[2].metric("Relevance", f"{score.relevance:.2f}")
    cols[3].metric("Goldstein", f"{score.goldstein:+.1f}")
    st.markdown("**Evidence**: the sentences that moved the score, strongest first")
    for direction, sentence, weight in views.evidence_rows(score.evidence):
        left, right = st.columns([1, 6])
        left.badge(f"{direction} {weight:+.2f}", color=EVIDENCE_COLORS[direction])
        right.text(sentence)
    if not score.evidence:
        st.caption("No sentence moved the score.")

st.markdown("**Correction**: stored apart from the score; the series uses it, and it can be undone")
current = views.current_correction(article)
choice = st.radio(
    "The analyst's reading",
    views.CORRECTIONS,
    index=views.CORRECTIONS.index(current),
    horizontal=True,
    key=f"correction-{chosen}-{current}",
)
save, undo = st.columns(2)
if save.button("Save correction", key="save_correction", disabled=choice == current):
    views.save_correction(run.db, chosen, choice)
    st.rerun()
if current != views.NO_CORRECTION and undo.button("Undo correction", key="undo_correction"):
    views.undo_correction(run.db, chosen)
    st.rerun()
