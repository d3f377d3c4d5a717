"""The dashboard's side of sign-in (``pipeline.access`` decides): the gate ``dashboard.py`` passes
first, the visitor it leaves in the session, and the check every write handler makes again."""

from __future__ import annotations

import streamlit as st

from pipeline import access, views
from pipeline.access import Visitor

_VISITOR = "visitor"


def _auth_configured() -> bool:
    """True when Streamlit's secrets have an ``[auth]`` section (what ``st.login`` needs)."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets file at all: Streamlit's own error type subclasses it
        return False


def _claim(name: str) -> str:
    value = st.user.get(name)
    return str(value) if value is not None else ""


def gate(roles_path: str) -> Visitor:
    """This session's visitor; when sign-in is configured and nobody is signed in, only the sign-in
    page is drawn and the run stops (as it does for a refused user or a wrong set-up)."""
    try:
        roles = access.sign_in_roles(_auth_configured(), roles_path)
    except access.AccessError as err:
        st.error(views.escape_markdown(f"Sign-in is not set up correctly, so the dashboard stays closed: {err}"))
        st.stop()
    if roles is None:
        found: Visitor | str = access.OPEN
    elif not st.user.is_logged_in:
        st.title("Kazakhstan–Russia barometer")
        st.write("This dashboard is shared: sign in to see it.")
        st.button("Sign in", key="sign_in", on_click=st.login, type="primary")
        st.stop()
    else:
        verified = st.user.get("email_verified") is not False  # an address the provider did not check is no name
        found = access.signed_in_visitor(
            roles, _claim("email") if verified else "", name=_claim("name"), sub=_claim("sub")
        )
    if isinstance(found, str):
        st.error(views.escape_markdown(f"Signed in, but not let in: {found}."))
        st.button("Sign out", key="sign_out", on_click=st.logout)
        st.stop()
    st.session_state[_VISITOR] = found
    return found


def visitor() -> Visitor:
    """The visitor ``gate`` let in on this run; nobody (no action allowed) if it did not run."""
    found: Visitor = st.session_state.get(_VISITOR, access.NOBODY)
    return found


def permitted(action: str, what: str) -> bool:
    """Check ``action`` again where the write happens (a hidden widget is not a lock); say why when refused."""
    who = visitor()
    if who.may(action):
        return True
    st.error(
        views.escape_markdown(
            f"{what}: not allowed for the {who.role} role (it needs {access.role_needed(action)}). Nothing was changed."
        )
    )
    return False


def sidebar_line(who: Visitor) -> None:
    """Who is signed in, with which role, and the sign-out button (nothing when the dashboard is open)."""
    if who is access.OPEN:
        return
    with st.sidebar:
        st.caption(views.escape_markdown(f"Signed in as {who.email or who.name} · {who.role}"))
        st.button("Sign out", key="sign_out", on_click=st.logout)
