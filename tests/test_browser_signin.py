"""Sign-in end to end in headless Chromium: Streamlit's ``st.login`` against a local OpenID provider
(``oidc-provider-mock``, started here on 127.0.0.1) and the dashboard started with an ``[auth]``
secrets file and a roles file in a temporary directory. Anonymous: the sign-in page only; a viewer:
no write control anywhere and the write pages' addresses refused; an analyst: a correction saved
with their e-mail as its author."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest

from scripts.streamlit_server import DashboardError, running_dashboard
from tests.browser import launch_browser, require_chromium
from tests.postgres import query
from tests.search_fixtures import build

USERS = {"carl@example.org": "Carl Viewer", "bo@example.org": "Bo Analyst"}
ROLES = '[users]\n"carl@example.org" = "viewer"\n"bo@example.org" = "analyst"\n'
WRITE_PAGES = ("add", "events", "sources")
#: Buttons that write; none may be on a viewer's page.
WRITE_BUTTONS = ("Fetch and store", "Save correction", "Undo correction", "Add event", "Find feeds", "Remove demo")


@pytest.fixture
def provider() -> Iterator[str]:
    """oidc-provider-mock on a free port of 127.0.0.1, knowing the two users' claims; yields its URL."""
    import oidc_provider_mock
    from werkzeug.serving import make_server

    users = [oidc_provider_mock.User(sub=sub, claims={"email": sub, "name": name}) for sub, name in USERS.items()]
    server = make_server("127.0.0.1", 0, oidc_provider_mock.app(user_claims=users), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture
def shared_dashboard(tmp_path, provider) -> Iterator[str]:
    """The dashboard over a small database, sign-in configured: [auth] secrets naming the provider, and roles."""
    build(tmp_path / "barometer.sqlite")
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "a-test-cookie-secret-of-32-chars!"\n'
        'client_id = "barometer"\n'
        'client_secret = "barometer-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    roles = tmp_path / "roles.toml"
    roles.write_text(ROLES, encoding="utf-8")
    env = {"STREAMLIT_SECRETS_FILES": str(secrets), "BAROMETER_ROLES": str(roles)}
    try:
        with running_dashboard(tmp_path / "barometer.sqlite", tmp_path / "streamlit.log", env) as url:
            yield url
    except DashboardError as err:
        pytest.fail(str(err))


def signed_in_as(email: str, role: str) -> re.Pattern[str]:
    """The sidebar's line (the dashboard puts a word joiner after the "@", so that it is not a link)."""
    user, host = email.split("@")
    return re.compile(f"Signed in as {re.escape(user)}@\u2060?{re.escape(host)} · {role}")


def sign_in(page, url: str, sub: str, role: str) -> None:
    """Open the dashboard, press Sign in, authorize ``sub`` on the provider's form, come back signed in."""
    from playwright.sync_api import expect

    page.goto(url)
    page.get_by_role("button", name="Sign in").click()
    page.locator('input[name="sub"]').fill(sub)
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_text(signed_in_as(sub, role))).to_be_visible(timeout=60_000)


def write_buttons(page) -> list[str]:
    return [name for name in WRITE_BUTTONS if page.get_by_role("button", name=name).count()]


@pytest.mark.browser
def test_anonymous_sees_only_sign_in_a_viewer_reaches_no_write_and_an_analyst_correction_names_them(
    shared_dashboard, tmp_path
):
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    url = shared_dashboard
    with sync_playwright() as pw:
        browser = launch_browser(pw)
        try:
            anonymous = browser.new_page()
            for path in ("", "/articles", "/add"):
                anonymous.goto(url + path)
                expect(anonymous.get_by_role("button", name="Sign in")).to_be_visible(timeout=60_000)
                expect(anonymous.get_by_text("sign in to see it")).to_be_visible()
                assert anonymous.get_by_text("in the database").count() == 0
                assert anonymous.get_by_test_id("stSidebar").count() == 0
                assert anonymous.get_by_role("link", name="Articles").count() == 0

            viewer = browser.new_context().new_page()
            sign_in(viewer, url, "carl@example.org", "viewer")
            for name in ("Trend", "Articles", "Export"):
                expect(viewer.get_by_role("link", name=name, exact=True)).to_be_visible(timeout=60_000)
            for name in ("Add articles", "Key events", "Sources"):
                assert viewer.get_by_role("link", name=name, exact=True).count() == 0, name
            viewer.goto(f"{url}/articles")
            expect(viewer.get_by_text("Corrections are made by analysts")).to_be_visible(timeout=60_000)
            assert write_buttons(viewer) == []
            for path in WRITE_PAGES:  # a write page's own address: Streamlit does not have the page
                viewer.goto(f"{url}/{path}")
                expect(viewer.get_by_text("Page not found")).to_be_visible(timeout=60_000)
                expect(viewer.get_by_text(signed_in_as("carl@example.org", "viewer"))).to_be_visible()
                assert write_buttons(viewer) == [], path
                assert viewer.get_by_label("Article URLs, one a line").count() == 0

            analyst = browser.new_context().new_page()
            sign_in(analyst, url, "bo@example.org", "analyst")
            analyst.goto(f"{url}/articles")
            expect(analyst.get_by_text(signed_in_as("bo@example.org", "analyst"))).to_be_visible(timeout=60_000)
            analyst.get_by_text("tension", exact=True).click()
            analyst.get_by_role("button", name="Save correction").click()
            expect(analyst.get_by_text(re.compile("Corrected by bo@\u2060?example.org on "))).to_be_visible(
                timeout=30_000
            )
        finally:
            browser.close()
    # The fixture's database holds one correction made before (no author); the analyst's names them.
    assert query(str(tmp_path / "barometer.sqlite"), "SELECT author FROM overrides WHERE author != ''") == [
        ("bo@example.org",)
    ]
