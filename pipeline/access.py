"""Who may do what on a shared dashboard: the operator's roles file, and each role's actions.

Pure (no Streamlit): the dashboard's ``ui.access`` asks it whether sign-in is configured, which role a
signed-in user has, and whether that role may take an action. docs/signin.md shows the file.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

#: Every action a page or a write handler asks about.
ACTIONS = ("view", "download", "add_articles", "correct", "manage_sources", "manage_events", "remove_data")

#: Each role's actions; a role includes the one before it.
_VIEWER = frozenset({"view", "download"})
_ANALYST = _VIEWER | {"add_articles", "correct", "manage_sources", "manage_events"}
ROLES: Mapping[str, frozenset[str]] = {"viewer": _VIEWER, "analyst": _ANALYST, "admin": frozenset(ACTIONS)}


class AccessError(ValueError):
    """The operator's sign-in set-up is wrong: the message names the file, the key or line, and why."""


@dataclass(frozen=True)
class Roles:
    """The roles file, read: users (e-mail addresses folded to lower case, or OpenID ``sub`` values)
    to roles, and the role of a signed-in user who is not listed (None: refused)."""

    path: str
    users: Mapping[str, str] = field(default_factory=dict)
    default: str | None = None

    def role_of(self, email: str, sub: str = "") -> str | None:
        """The role of the user with this e-mail (first) or ``sub``; the default role when unlisted."""
        for key in (email.strip().lower(), sub.strip()):
            if key and key in self.users:
                return self.users[key]
        return self.default


@dataclass(frozen=True)
class Visitor:
    """The person using this session: who (empty when the dashboard is open), their role and actions."""

    email: str
    name: str
    role: str
    actions: frozenset[str]

    def may(self, action: str) -> bool:
        """True when this visitor's role allows ``action`` (one of ``ACTIONS``)."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}: one of {', '.join(ACTIONS)}")
        return action in self.actions

    @property
    def author(self) -> str:
        """What a correction records as its author: the e-mail, else the name ('' when open)."""
        return self.email or self.name


#: The single-user default: no sign-in, every action allowed, corrections without an author.
OPEN = Visitor(email="", name="", role="open", actions=frozenset(ACTIONS))
#: Nobody let in: what a write handler sees if the gate has not run (fails closed).
NOBODY = Visitor(email="", name="", role="none", actions=frozenset())


def role_needed(action: str) -> str:
    """The first role (viewer, analyst, admin) whose actions include ``action``."""
    return next(role for role, actions in ROLES.items() if action in actions)


def _line_of(text: str, key: str) -> str:
    """' (line N)' for the first line that holds ``key`` quoted or bare, or '' when not found."""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.split("#", 1)[0]
        if f'"{key}"' in stripped or f"'{key}'" in stripped or stripped.strip().startswith(f"{key} "):
            return f" (line {number})"
    return ""


def _role(value: object, where: str) -> str:
    if not isinstance(value, str) or value not in ROLES:
        raise AccessError(f"{where}: {value!r} is not a role (one of {', '.join(ROLES)})")
    return value


def parse_roles(text: str, path: str) -> Roles:
    """The roles file's ``text`` (TOML), read; AccessError naming ``path``, the key or line and the reason."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise AccessError(f"{path}: not valid TOML: {err}") from None
    unknown = sorted(set(data) - {"default", "users"})
    if unknown:
        raise AccessError(
            f"{path}{_line_of(text, unknown[0])}: unknown key {unknown[0]!r} (the file has 'default' and [users])"
        )
    default = None
    if "default" in data:
        default = _role(data["default"], f"{path}{_line_of(text, 'default')}: default")
    users = data.get("users", {})
    if not isinstance(users, dict):
        raise AccessError(f'{path}{_line_of(text, "users")}: \'users\' must be a table ([users]: "e-mail" = "role")')
    if not users:
        raise AccessError(f'{path}: [users] lists nobody: add at least one "e-mail" = "role" line')
    folded: dict[str, str] = {}
    for user, role in users.items():
        where = f"{path}{_line_of(text, user)}: users.{user!r}"
        key = user.strip().lower() if "@" in user else user.strip()
        if not key:
            raise AccessError(f"{where}: an empty user name")
        if key in folded:
            raise AccessError(f"{where}: listed twice (e-mail addresses are compared without case)")
        folded[key] = _role(role, where)
    return Roles(path=path, users=folded, default=default)


def load_roles(path: str | Path) -> Roles:
    """Read the roles file at ``path``; AccessError naming it when it is missing, unreadable or wrong."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AccessError(f"{path}: the roles file (BAROMETER_ROLES) does not exist") from None
    except (OSError, UnicodeDecodeError) as err:
        raise AccessError(f"{path}: the roles file cannot be read: {err}") from None
    return parse_roles(text, str(path))


def sign_in_roles(auth_configured: bool, roles_path: str) -> Roles | None:
    """The roles when sign-in is configured (Streamlit's ``[auth]`` secrets and a roles file), None when
    neither is (the open single-user dashboard); one without the other is an AccessError, never open."""
    if not auth_configured and not roles_path:
        return None
    if not roles_path:
        raise AccessError(
            "sign-in is set up in Streamlit's secrets ([auth]) but no roles file is given: "
            "set BAROMETER_ROLES to the roles file (docs/signin.md)"
        )
    if not auth_configured:
        raise AccessError(
            f"BAROMETER_ROLES names a roles file ({roles_path}) but Streamlit's secrets have no [auth] section: "
            "add it to .streamlit/secrets.toml (docs/signin.md)"
        )
    return load_roles(roles_path)


def signed_in_visitor(roles: Roles, email: str, name: str = "", sub: str = "") -> Visitor | str:
    """The visitor for a signed-in user, or the reason in words why this user is refused."""
    role = roles.role_of(email, sub)
    who = email or sub or name or "this account"
    if role is None:
        return f"{who} is not listed in the roles file and the file gives no default role: ask the operator"
    return Visitor(email=email, name=name, role=role, actions=ROLES[role])
