"""bilateral-barometer dashboard: `streamlit run dashboard.py`. A thin UI over pipeline functions."""

from __future__ import annotations

import streamlit as st

from pipeline import store
from pipeline.settings import load_settings

st.set_page_config(page_title="bilateral-barometer", layout="wide")
settings = load_settings()
st.title("Kazakhstan–Russia barometer")
conn = store.connect(settings.db)
st.caption(f"Database: {settings.db} · {store.article_count(conn)} articles")
