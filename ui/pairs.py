"""The sidebar's pair of countries: one pair the pages show, or several compared on the Trend page.
Drawn only when the database follows more than one pair; the choice is kept in the page address."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from pipeline.address import COMPARE
from pipeline.views import PairChoice

#: Where the Trend page's comparison leaves the pair of the article last clicked: the pages show it.
ARTICLE_PAIR = "article_pair"


def pair_view(watched: str, choices: Mapping[str, PairChoice]) -> tuple[str, tuple[str, ...]]:
    """The pair the pages show and the pairs compared (none: one pair's view), as the sidebar chooses
    them. ``watched``: the settings' pair, chosen first; ``choices``: the followed pairs by id."""
    ids = list(choices)
    if len(ids) < 2:
        return (ids[0] if ids else watched), ()
    options = [*ids, COMPARE]
    if st.session_state.get("pair") not in options:  # the first run, or a pair no longer followed
        st.session_state["pair"] = watched if watched in ids else ids[0]

    def label(pair: str) -> str:
        return "Compare pairs" if pair == COMPARE else choices[pair].label

    with st.sidebar:
        picked = st.selectbox("Pair", options, format_func=label, key="pair")
        if picked != COMPARE:
            return picked, ()
        # Every followed pair until the reader chooses (a pair no longer followed drops out).
        st.session_state["pairs"] = [p for p in st.session_state.get("pairs", ids) if p in ids]
        compared = tuple(st.multiselect("Pairs compared", ids, format_func=label, key="pairs"))
    if not compared:
        st.sidebar.caption("No pair is chosen to compare: the Trend page shows one pair's view.")
        return (watched if watched in ids else ids[0]), ()
    clicked = st.session_state.get(ARTICLE_PAIR)
    return (clicked if clicked in compared else compared[0]), compared
