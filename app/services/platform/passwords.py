"""Password policy for staff logins.

Rule: every password set through the app (a user created or reset in the user screens, one's
own password change, the ``flask fab`` CLI) has at least ``PASSWORD_MIN_LENGTH`` (12)
characters, is not in the shipped list of common passwords (``data/common_passwords.txt``,
compared case-insensitively) and is not the username (nor contains it). Hashing stays FAB's.
The demo loader and test fixtures set their passwords directly (documented in the README).
"""
import os
from functools import lru_cache

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.services.platform.errors import DomainError

DEFAULT_MIN_LENGTH = 12
_LIST = os.path.join(os.path.dirname(__file__), "data", "common_passwords.txt")


@lru_cache(maxsize=1)
def common_passwords():
    """The shipped list of common passwords, lower case."""
    with open(_LIST, encoding="utf-8") as handle:
        return frozenset(line.strip().lower() for line in handle
                         if line.strip() and not line.startswith("#"))


def check_password(password, username=None):
    """Raise ``DomainError`` (field ``password``) unless the password follows the policy."""
    password = password if isinstance(password, str) else ""
    minimum = current_app.config.get("PASSWORD_MIN_LENGTH", DEFAULT_MIN_LENGTH)
    if len(password) < minimum:
        raise DomainError(_l("The password must have at least %(n)d characters.", n=minimum),
                          field="password")
    if password.lower() in common_passwords():
        raise DomainError(_l("This password is too common; choose another one."),
                          field="password")
    name = (username or "").strip().lower()
    if name and name in password.lower():
        raise DomainError(_l("The password must not contain the username."), field="password")
