"""Login attempt limits (page and API login alike).

Rule: only *failed* attempts are counted, separately per username and per client address, in a
moving window (``AUTH_RATE_LIMIT`` per username, ``AUTH_RATE_LIMIT_PER_ADDRESS`` per address).
A username over its limit is locked: every attempt for it is refused (429) without looking at
the password, until the window slides. An address over its limit gets 429 for every further
*wrong* password, but a correct login of another user from the same address (a shared office
connection) is never refused. Counters live in ``LOGIN_LIMIT_STORAGE_URI`` (default: the app's
Redis, so every web worker shares them); if that store is unreachable, in this process's memory.
"""
import logging

from flask import current_app
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

log = logging.getLogger(__name__)

_limiters = {}


def _storage_uri():
    config = current_app.config
    return config.get("LOGIN_LIMIT_STORAGE_URI") or config.get("REDIS_URL") or "memory://"


def _limiter(uri=None):
    uri = uri or _storage_uri()
    if uri not in _limiters:
        _limiters[uri] = MovingWindowRateLimiter(storage_from_string(uri))
    return _limiters[uri]


def _call(method, *args):
    try:
        return getattr(_limiter(), method)(*args)
    except Exception:  # the store is down: keep limiting, per process
        log.exception("login limit store %s unreachable; counting in memory", _storage_uri())
        return getattr(_limiter("memory://"), method)(*args)


def _username_limit():
    return parse(current_app.config["AUTH_RATE_LIMIT"])


def _address_limit():
    return parse(current_app.config.get("AUTH_RATE_LIMIT_PER_ADDRESS")
                 or current_app.config["AUTH_RATE_LIMIT"])


def _user_key(username):
    return ("tessera-login-user", (username or "").strip().lower())


def _address_key(address):
    return ("tessera-login-address", address or "unknown")


def username_locked(username):
    """Whether the username has used up its failed attempts (refuse without checking)."""
    return not _call("test", _username_limit(), *_user_key(username))


def address_locked(address):
    """Whether the address has used up its failed attempts (refuse further failures)."""
    return not _call("test", _address_limit(), *_address_key(address))


def count_failure(username, address):
    """Count one failed attempt for the username and for the address."""
    _call("hit", _username_limit(), *_user_key(username))
    _call("hit", _address_limit(), *_address_key(address))


def reset():
    """Forget every counter of the configured store (tests, an admin after an incident)."""
    for limiter in list(_limiters.values()):
        limiter.storage.reset()
