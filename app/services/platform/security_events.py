"""Security events: logins, failed logins, lockouts, password and role changes, denials.

Rule: every such event is appended (never changed or deleted) with its UTC time, the username
it concerns, the client address and, when someone else acted, the actor. Admin reads them on the
security events page, filtered by kind, username and period.
"""
from datetime import datetime, time, timedelta

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models.security_events import SecurityEvent

LOGIN = "login"
LOGIN_FAILED = "login_failed"
LOCKOUT = "lockout"
LOGOUT = "logout"
PASSWORD_CHANGED = "password_changed"
ROLES_CHANGED = "roles_changed"
DEACTIVATED = "deactivated"
ACTIVATED = "activated"
USER_DELETED = "user_deleted"
DENIED = "denied"

KIND_LABELS = {
    LOGIN: _l("Login"),
    LOGIN_FAILED: _l("Failed login"),
    LOCKOUT: _l("Lockout"),
    LOGOUT: _l("Logout"),
    PASSWORD_CHANGED: _l("Password changed"),
    ROLES_CHANGED: _l("Roles changed"),
    DEACTIVATED: _l("Account deactivated"),
    ACTIVATED: _l("Account activated"),
    USER_DELETED: _l("Account deleted"),
    DENIED: _l("Permission denied"),
}

PAGE_SIZE = 200


def client_address():
    """The client's address as the app sees it (ProxyFix applies TRUSTED_PROXIES first)."""
    return request.remote_addr if has_request_context() else None


def new_event(kind, username=None, user_id=None, actor_id=None, detail=None):
    """An unsaved event row (for callers already inside a flush)."""
    return SecurityEvent(kind=kind, username=(username or None) and str(username)[:256],
                         user_id=user_id, actor_id=actor_id, address=client_address(),
                         detail=(detail or None) and str(detail)[:500])


def record(kind, username=None, user_id=None, actor_id=None, detail=None, commit=True):
    """Append one event and commit it (an event outlives the request that caused it)."""
    db.session.add(new_event(kind, username, user_id, actor_id, detail))
    if commit:
        db.session.commit()


def events(kind=None, username=None, date_from=None, date_to=None, limit=PAGE_SIZE):
    """The latest events, newest first, filtered by kind, username (substring) and UTC dates:
    (event, actor's username or None) pairs."""
    from flask_appbuilder.security.sqla.models import User

    query = db.session.query(SecurityEvent, User.username).outerjoin(
        User, User.id == SecurityEvent.actor_id)
    if kind:
        query = query.filter(SecurityEvent.kind == kind)
    if username:
        escaped = username.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.filter(SecurityEvent.username.ilike(f"%{escaped}%", escape="\\"))
    if date_from:
        query = query.filter(SecurityEvent.at >= datetime.combine(date_from, time.min))
    if date_to:
        query = query.filter(SecurityEvent.at < datetime.combine(date_to + timedelta(days=1), time.min))
    return query.order_by(SecurityEvent.at.desc(), SecurityEvent.id.desc()).limit(limit).all()
