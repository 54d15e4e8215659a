"""Security events (append-only, UTC) and each user's session generation."""
from datetime import datetime, timezone

from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, Index, Integer, String, event


def utc_now():
    """Naive UTC timestamp (the column is documented as UTC)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class SecurityEvent(Model):
    """One security event: a login, a failure, a lockout, a password or role change, a denial.

    Append-only: the ORM refuses to update or delete a row (see the listeners below).
    ``user_id`` is not a foreign key so the record outlives a deleted account.
    """

    __tablename__ = "security_event"
    __table_args__ = (Index("ix_security_event_kind_at", "kind", "at"),)

    id = Column(Integer, primary_key=True)
    at = Column(DateTime, default=utc_now, nullable=False, index=True)  # UTC
    kind = Column(String(32), nullable=False)
    username = Column(String(256), nullable=True, index=True)
    user_id = Column(Integer, nullable=True)
    actor_id = Column(Integer, nullable=True)  # who did it, when not the user themself
    address = Column(String(64), nullable=True)
    detail = Column(String(500), nullable=True)


class SessionGeneration(Model):
    """A user's session generation: sessions and tokens carry it; bumping it ends them all."""

    __tablename__ = "session_generation"

    user_id = Column(Integer, primary_key=True)
    generation = Column(Integer, nullable=False, default=1)


def _refuse_change(mapper, connection, target):
    raise RuntimeError("security events are append-only")


event.listen(SecurityEvent, "before_update", _refuse_change)
event.listen(SecurityEvent, "before_delete", _refuse_change)
