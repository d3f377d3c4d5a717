"""pipeline.access: the operator's roles file, each role's actions, and when the dashboard is open."""

from __future__ import annotations

import pytest

from pipeline import access
from pipeline.access import AccessError, load_roles, parse_roles, sign_in_roles, signed_in_visitor

ROLES_FILE = """\
# who may do what on the shared dashboard
default = "viewer"

[users]
"Ana@Example.org" = "admin"
"bo@example.org" = "analyst"
"google-oauth2|1234" = "analyst"
"""


def test_each_role_has_exactly_its_actions():
    assert {role: sorted(actions) for role, actions in access.ROLES.items()} == {
        "viewer": ["download", "view"],
        "analyst": ["add_articles", "correct", "download", "manage_events", "manage_sources", "view"],
        "admin": sorted(access.ACTIONS),
    }
    assert [access.role_needed(a) for a in access.ACTIONS] == [
        "viewer", "viewer", "analyst", "analyst", "analyst", "analyst", "admin"
    ]  # fmt: skip


def test_users_are_found_by_email_without_case_then_by_sub_then_get_the_default():
    roles = parse_roles(ROLES_FILE, "roles.toml")
    assert roles.role_of("ana@example.org") == "admin"
    assert roles.role_of(" ANA@EXAMPLE.ORG ") == "admin"
    assert roles.role_of("", sub="google-oauth2|1234") == "analyst"
    assert roles.role_of("someone@else.org") == "viewer"


def test_a_viewer_sees_and_downloads_and_nothing_else():
    viewer = signed_in_visitor(parse_roles(ROLES_FILE, "roles.toml"), "carl@example.org", name="Carl")
    assert not isinstance(viewer, str)
    assert (viewer.role, viewer.author) == ("viewer", "carl@example.org")
    assert [a for a in access.ACTIONS if viewer.may(a)] == ["view", "download"]


def test_an_analyst_cannot_remove_data_and_an_admin_can():
    roles = parse_roles(ROLES_FILE, "roles.toml")
    analyst, admin = signed_in_visitor(roles, "bo@example.org"), signed_in_visitor(roles, "ana@example.org")
    assert not isinstance(analyst, str) and not isinstance(admin, str)
    assert analyst.may("correct") and not analyst.may("remove_data")
    assert admin.may("remove_data")


def test_without_a_default_role_an_unlisted_user_is_refused_and_told_why():
    roles = parse_roles('[users]\n"bo@example.org" = "analyst"\n', "roles.toml")
    refused = signed_in_visitor(roles, "eve@example.org")
    assert refused == (
        "eve@example.org is not listed in the roles file and the file gives no default role: ask the operator"
    )


def test_an_unknown_action_is_a_bug_not_a_refusal():
    with pytest.raises(ValueError, match="unknown action 'delete'"):
        access.OPEN.may("delete")


def test_open_allows_everything_and_nobody_nothing():
    assert all(access.OPEN.may(a) for a in access.ACTIONS)
    assert not any(access.NOBODY.may(a) for a in access.ACTIONS)
    assert access.OPEN.author == ""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('default = "viewer"\n[users\n', r"roles.toml: not valid TOML: .*line 2"),
        (
            '[users]\n"a@b.org" = "owner"\n',
            r"\(line 2\): users.'a@b.org': 'owner' is not a role \(one of viewer, analyst, admin\)",
        ),
        ('default = "guest"\n[users]\n"a@b.org" = "admin"\n', r"roles.toml \(line 1\): default: 'guest' is not a role"),
        ('defaults = "viewer"\n[users]\n"a@b.org" = "admin"\n', r"roles.toml \(line 1\): unknown key 'defaults'"),
        ('users = "a@b.org"\n', r"roles.toml \(line 1\): 'users' must be a table"),
        ('default = "viewer"\n', r"roles.toml: \[users\] lists nobody"),
        ('[users]\n"a@b.org" = "admin"\n"A@B.org" = "viewer"\n', r"\(line 3\): users.'A@B.org': listed twice"),
        ('[users]\n"a@b.org" = 3\n', r"roles.toml \(line 2\): users.'a@b.org': 3 is not a role"),
    ],
)
def test_a_bad_roles_file_is_named_with_its_line_and_reason(text, message):
    with pytest.raises(AccessError, match=message):
        parse_roles(text, "roles.toml")


def test_a_missing_roles_file_is_named(tmp_path):
    with pytest.raises(AccessError, match=r"nope.toml: the roles file \(BAROMETER_ROLES\) does not exist"):
        load_roles(tmp_path / "nope.toml")


def test_unconfigured_the_dashboard_is_open_and_half_configured_it_is_an_error(tmp_path):
    path = tmp_path / "roles.toml"
    path.write_text(ROLES_FILE, encoding="utf-8")
    assert sign_in_roles(False, "") is None
    with pytest.raises(AccessError, match=r"\(\[auth\]\) but no roles file is given: set BAROMETER_ROLES"):
        sign_in_roles(True, "")
    with pytest.raises(AccessError, match=r"roles.toml\) but Streamlit's secrets have no \[auth\] section"):
        sign_in_roles(False, str(path))
    roles = sign_in_roles(True, str(path))
    assert roles is not None and roles.role_of("bo@example.org") == "analyst"
