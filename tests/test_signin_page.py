"""Sign-in with roles as the dashboard applies it, through AppTest (``at.user`` is what ``st.user``
reads, ``at.secrets`` the ``[auth]`` section): the sign-in page alone for an anonymous visitor, pages and
write controls per role, a set-up missing one half, and the role checked again in the write handler."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pipeline import events
from pipeline.store import Store
from tests import test_dashboard as dashboard_tests
from tests.test_dashboard import app, no_exception


def unescaped(markdown: str) -> str:
    """A message as read: markdown escapes and the word joiners in e-mail addresses taken out."""
    return dashboard_tests.unescaped(markdown).replace("\u2060", "")


db, demo_template, demo_db = dashboard_tests.db, dashboard_tests.demo_template, dashboard_tests.demo_db

#: What Streamlit's [auth] needs; never contacted in these tests (no one presses Sign in here).
AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "a-test-cookie-secret-of-32-chars!",
    "client_id": "barometer",
    "client_secret": "not-a-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
ROLES = """\
default = "viewer"

[users]
"ana@example.org" = "admin"
"bo@example.org" = "analyst"
"""
ALL_PAGES = ["trend", "articles", "add_articles", "export", "events", "sources", "alerts"]


@pytest.fixture
def roles_file(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "roles.toml"
    path.write_text(ROLES, encoding="utf-8")
    monkeypatch.setenv("BAROMETER_ROLES", str(path))
    return path


def signed_in(email: str | None) -> AppTest:
    """The dashboard with sign-in configured, run for ``email`` (None: nobody signed in)."""
    at = app()
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False} if email is None else {"is_logged_in": True, "email": email, "name": email}
    return at.run()


def reachable(at: AppTest) -> list[str]:
    """The pages this visitor's app has (AppTest refuses to switch to a page the app did not register)."""
    found = []
    for page in ALL_PAGES:
        try:
            at.switch_page(f"ui/{page}.py")
        except ValueError as err:
            assert "Could not find a navigation page" in str(err)
            continue
        found.append(page)
    return found


def labels(at: AppTest) -> set[str]:
    return {b.label for b in at.button} | {b.label for b in at.get("form_submit_button")}


def test_an_anonymous_visitor_sees_only_the_sign_in_page(demo_db, roles_file):
    at = signed_in(None)
    no_exception(at)
    assert [b.label for b in at.button] == ["Sign in"]
    assert [e.type for e in at.main.children.values()] == ["title", "markdown", "button"]
    assert not at.sidebar.children and not at.dataframe and not at.caption
    for page in ALL_PAGES:  # a page's own address runs the same gate first
        at.switch_page(f"ui/{page}.py").run()
        assert [b.label for b in at.button] == ["Sign in"] and not at.dataframe, page


def test_an_empty_database_is_not_filled_with_the_demo_for_an_anonymous_visitor(db, roles_file):
    no_exception(signed_in(None))
    assert not db.exists() or Store.open(db).articles_frame().height == 0


def test_a_viewer_has_no_write_page_and_no_write_control(demo_db, roles_file):
    at = signed_in("carl@example.org")
    no_exception(at)
    assert reachable(at) == ["trend", "articles", "export", "alerts"]
    assert unescaped(at.sidebar.caption[0].value) == "Signed in as carl@example.org · viewer"
    for page in ("trend", "articles", "export", "alerts"):
        at.switch_page(f"ui/{page}.py").run()
        no_exception(at)
        assert labels(at) <= {"Sign out", "Open the original", "Download CSV", "Download Parquet"} | {
            b.label for b in at.get("download_button")
        }, page
    at.switch_page("ui/articles.py").run()
    assert not [r for r in at.radio if r.key and r.key.startswith("correction-")]
    assert any("Corrections are made by analysts" in c.value for c in at.caption)


def test_an_analyst_corrects_with_their_email_as_author_but_cannot_remove_data(demo_db, roles_file):
    at = signed_in("bo@example.org")
    assert reachable(at) == ALL_PAGES
    assert "Remove demo articles" not in labels(at)
    at.switch_page("ui/articles.py").run()
    article_id = at.selectbox(key="article_id").value
    next(r for r in at.radio if r.key and r.key.startswith(f"correction-{article_id}-")).set_value("tension").run()
    at.button(key="save_correction").click().run()
    no_exception(at)
    with Store.open(demo_db) as opened:
        assert opened.get_article(article_id).override.author == "bo@example.org"
    assert any(unescaped(c.value).startswith("Corrected by bo@example.org on ")
               for c in at.caption)  # fmt: skip
    at.switch_page("ui/events.py").run()
    at.selectbox(key="edit_event").set_value(at.selectbox(key="edit_event").options[0]).run()
    assert "Save changes" in labels(at) and "Remove event" not in labels(at)


def test_an_admin_may_remove_the_demo(demo_db, roles_file):
    at = signed_in("ana@example.org")
    assert "Remove demo articles" in labels(at)
    at.button(key="remove_demo").click().run()
    no_exception(at)
    with Store.open(demo_db) as opened:
        assert opened.articles_frame().height == 0


def test_a_write_handler_checks_the_role_again_when_it_runs(demo_db, roles_file):
    """The operator demotes an analyst while their page is open: the click already made is refused."""
    at = signed_in("bo@example.org").switch_page("ui/events.py").run()
    before = events.read_events(demo_db)
    at.date_input(key="event_date").set_value(date(2024, 5, 1))
    at.text_input(key="event_label").input("Written after the demotion")
    roles_file.write_text(ROLES.replace('"analyst"', '"viewer"'), encoding="utf-8")
    at.button(key="add_event").click().run()  # the button's callback runs before the page is drawn
    assert events.read_events(demo_db) == before
    assert [unescaped(e.value) for e in at.error] == [
        "Adding an event: not allowed for the viewer role (it needs analyst). Nothing was changed."
    ]


def test_a_user_not_listed_without_a_default_role_is_refused_and_may_sign_out(demo_db, roles_file):
    roles_file.write_text('[users]\n"ana@example.org" = "admin"\n', encoding="utf-8")
    at = signed_in("eve@example.org")
    assert [unescaped(e.value) for e in at.error] == [
        "Signed in, but not let in: eve@example.org is not listed in the roles file and the file gives no "
        "default role: ask the operator."
    ]
    assert [b.label for b in at.button] == ["Sign out"] and not at.dataframe
    assert not at.switch_page("ui/add_articles.py").run().get("form_submit_button")


def test_auth_without_a_roles_file_keeps_the_dashboard_closed(demo_db, monkeypatch):
    monkeypatch.delenv("BAROMETER_ROLES", raising=False)
    at = signed_in("ana@example.org")
    assert len(at.error) == 1 and "no roles file is given: set BAROMETER_ROLES" in unescaped(at.error[0].value)
    assert not at.dataframe and not at.button
    assert not at.switch_page("ui/add_articles.py").run().get("form_submit_button")


def test_a_roles_file_without_auth_keeps_the_dashboard_closed(demo_db, roles_file):
    at = app()
    at.user = {"is_logged_in": False}
    at.run()
    assert len(at.error) == 1 and "have no [auth] section" in unescaped(at.error[0].value)
    assert not at.dataframe
    assert not at.switch_page("ui/add_articles.py").run().get("form_submit_button")


def test_unconfigured_the_dashboard_stays_open_with_every_page(demo_db, monkeypatch):
    monkeypatch.delenv("BAROMETER_ROLES", raising=False)
    at = app().run()
    no_exception(at)
    assert reachable(at) == ALL_PAGES
    assert "Remove demo articles" in labels(at) and "Sign out" not in labels(at)
