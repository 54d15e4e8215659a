"""Idempotency keys: the first response to a money-moving request, replayed for a retry.

A row is written (state "running") before the request's action runs and completed (state
"done", with the response) in the action's transaction, so a retry with the same key gets the
first answer and writes nothing; rows are kept at least ``IDEMPOTENCY_KEY_HOURS`` (24 h)."""
from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from flask_appbuilder import Model

from app.models.base import _now


class IdempotencyKey(Model):
    __tablename__ = "idempotency_key"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotency_key_user_key"),)

    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False)
    key = Column(String(255), nullable=False)
    request_hash = Column(String(64), nullable=False)
    state = Column(String(10), nullable=False, default="running")
    status_code = Column(Integer)
    response_body = Column(Text)
    created_on = Column(DateTime, default=_now, nullable=False, index=True)
