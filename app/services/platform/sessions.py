"""Session generations and timeouts.

Rule: every session cookie and every API token carries its user's *session generation* from the
moment of login; a request whose generation is not the user's current one is refused. Logout,
a password change, deactivation and a role change bump the generation, ending every existing
session and token of that user at once. A session also ends after ``SESSION_IDLE_TIMEOUT``
without requests and ``SESSION_ABSOLUTE_TIMEOUT`` after its login, whatever its activity.
"""
import time

from flask import current_app
from sqlalchemy import func, select

from app.extensions import db
from app.models.security_events import SessionGeneration

SESSION_GENERATION_KEY = "_tessera_gen"
SESSION_LOGIN_AT_KEY = "_tessera_login_at"
SESSION_SEEN_AT_KEY = "_tessera_seen_at"
TOKEN_GENERATION_CLAIM = "gen"


def generation(user_id):
    """The user's current session generation (1 until first bumped)."""
    row = db.session.get(SessionGeneration, user_id)
    return row.generation if row else 1


def generation_of(user_id_column):
    """The current generation of the user ``user_id_column`` as a column expression, for
    loading it in the same statement as the user (see ``still_valid``'s ``current``)."""
    return func.coalesce(select(SessionGeneration.generation)
                         .where(SessionGeneration.user_id == user_id_column)
                         .scalar_subquery(), 1)


def bump(user_id, session=None):
    """End every session and token of the user (the caller commits)."""
    session = session or db.session
    row = session.get(SessionGeneration, user_id)
    if row is None:
        row = SessionGeneration(user_id=user_id, generation=2)
        session.add(row)
    else:
        row.generation = row.generation + 1
    return row.generation


def start(cookie_session, user_id, now=None):
    """Stamp a fresh login on the cookie session: generation, login and last-seen times."""
    now = now or time.time()
    cookie_session[SESSION_GENERATION_KEY] = generation(user_id)
    cookie_session[SESSION_LOGIN_AT_KEY] = now
    cookie_session[SESSION_SEEN_AT_KEY] = now


def still_valid(cookie_session, user_id, now=None, current=None):
    """Whether a cookie session of ``user_id`` may go on; refreshes its last-seen time.
    ``current``: the user's generation when already loaded with the user (else one query)."""
    now = now or time.time()
    config = current_app.config
    if current is None:
        current = generation(user_id)
    if cookie_session.get(SESSION_GENERATION_KEY) != current:
        return False
    login_at = cookie_session.get(SESSION_LOGIN_AT_KEY) or 0
    seen_at = cookie_session.get(SESSION_SEEN_AT_KEY) or 0
    if now - login_at > config["SESSION_ABSOLUTE_TIMEOUT"].total_seconds():
        return False
    if now - seen_at > config["SESSION_IDLE_TIMEOUT"].total_seconds():
        return False
    if now - seen_at > 30:  # rewrite the cookie at most twice a minute
        cookie_session[SESSION_SEEN_AT_KEY] = now
    return True


def token_valid(jwt_data, user_id, current=None):
    """Whether an API token's generation is its user's current one (``current`` as in
    ``still_valid``)."""
    if current is None:
        current = generation(user_id)
    return jwt_data.get(TOKEN_GENERATION_CLAIM) == current
