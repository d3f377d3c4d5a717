"""The dashboard's side of sign-in (``pipeline.access`` decides): the gate ``dashboard.py`` passes
first, and the check every write handler makes again with the visitor read anew."""

from __future__ import annotations

import streamlit as st

from pipeline import access, views
from pipeline.access import Visitor
from pipeline.scoring.pair_data import watched_pair_title

_ROLES_PATH = "roles_path"  # the operator's setting, kept for the checks made outside a full run


def _auth_configured() -> bool:
    """True when Streamlit's secrets have an ``[auth]`` section (what ``st.login`` needs)."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets file at all: Streamlit's own error type subclasses it
        return False


def _claim(name: str) -> str:
    value = st.user.get(name)
    return str(value) if value is not None else ""


def _signed_in(roles: access.Roles) -> Visitor | str:
    """The signed-in user's visitor from their OpenID claims, or why they are refused."""
    verified = st.user.get("email_verified") is not False  # an address the provider did not check names nobody
    return access.signed_in_visitor(roles, _claim("email") if verified else "", name=_claim("name"), sub=_claim("sub"))


def gate(roles_path: str) -> Visitor:
    """This session's visitor; when sign-in is configured and nobody is signed in, only the sign-in
    page is drawn and the run stops (as it does for a refused user or a wrong set-up)."""
    st.session_state[_ROLES_PATH] = roles_path
    try:
        roles = access.sign_in_roles(_auth_configured(), roles_path)
    except access.AccessError as err:
        st.error(views.escape_markdown(f"Sign-in is not set up correctly, so the dashboard stays closed: {err}"))
        st.stop()
    if roles is not None and not st.user.is_logged_in:
        st.title(f"{watched_pair_title()} barometer")
        st.write("This dashboard is shared: sign in to see it.")
        st.button("Sign in", key="sign_in", on_click=st.login, type="primary")
        st.stop()
    found = access.OPEN if roles is None else _signed_in(roles)
    if isinstance(found, str):
        st.error(views.escape_markdown(f"Signed in, but not let in: {found}."))
        st.button("Sign out", key="sign_out", on_click=st.logout)
        st.stop()
    return found


def visitor() -> Visitor:
    """The visitor as of now: the roles file and the sign-in read again (a write handler may run as a
    widget's callback, before ``gate``; the operator may have changed a role since the page was drawn).
    Nobody (no action allowed) when the set-up is wrong or nobody is signed in."""
    try:
        roles = access.sign_in_roles(_auth_configured(), st.session_state.get(_ROLES_PATH, ""))
    except access.AccessError:
        return access.NOBODY
    if roles is None:
        return access.OPEN
    if not st.user.is_logged_in:
        return access.NOBODY
    found = _signed_in(roles)
    return access.NOBODY if isinstance(found, str) else found


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
