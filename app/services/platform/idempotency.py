"""Idempotency keys: a money-moving request retried with the same key gets the first answer.

Rules:
- a key belongs to a user; the first request with it stores a "running" row, committed before
  the action runs, so a replay while it runs is refused (409) instead of running twice;
- the action's success response is stored in the action's own transaction (``complete``), so a
  replay with the same body gets exactly that response and writes nothing;
- the same key with a different body is refused (422): a key names one request;
- a refused or failed first request frees its key (``release``), so it can be corrected;
- keys are kept ``IDEMPOTENCY_KEY_HOURS`` (default 24) hours, then forgotten.

Forms use the same table with a one-time token per rendered form (``claim_form_token``): a
second submit of the same form writes nothing.
"""
import hashlib
import json
from datetime import datetime, timedelta

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models.idempotency import IdempotencyKey
from app.services.platform.errors import Conflict, DomainError

DEFAULT_HOURS = 24
MAX_KEY_LENGTH = 255


class KeyReused(DomainError):
    status_code = 422


def keep_hours():
    hours = DEFAULT_HOURS
    if has_app_context():
        hours = current_app.config.get("IDEMPOTENCY_KEY_HOURS", DEFAULT_HOURS)
    return max(int(hours), DEFAULT_HOURS)


def request_fingerprint(method, path, body):
    """A hash of the request: method, path and the body (JSON compared by value, so key order
    and spacing do not matter)."""
    try:
        canonical = json.dumps(json.loads(body or b"null"), sort_keys=True,
                               separators=(",", ":")).encode()
    except ValueError:
        canonical = body or b""
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + canonical).hexdigest()


def _forget_old(now):
    db.session.execute(delete(IdempotencyKey).where(
        IdempotencyKey.created_on < now - timedelta(hours=keep_hours())))


def begin(user_id, key, fingerprint):
    """Start a request with ``key``. Returns ``(row id, None)`` for a new key (committed as
    running), or ``(None, (status, body))`` for a replay of a finished request. Raises
    ``Conflict`` while the first request is still running and ``KeyReused`` for another body."""
    key = (key or "").strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise DomainError(_l("The Idempotency-Key header must be 1 to 255 characters."),
                          field="Idempotency-Key")
    now = datetime.now()
    _forget_old(now)
    row = IdempotencyKey(user_id=user_id, key=key, request_hash=fingerprint, state="running",
                         created_on=now)
    db.session.add(row)
    try:
        db.session.commit()
        return row.id, None
    except IntegrityError:
        db.session.rollback()
    first = db.session.scalar(select(IdempotencyKey).where(
        IdempotencyKey.user_id == user_id, IdempotencyKey.key == key))
    if first is None:  # released meanwhile: try once more
        return begin(user_id, key, fingerprint)
    if first.request_hash != fingerprint:
        raise KeyReused(_l("This Idempotency-Key was used for another request."),
                        field="Idempotency-Key")
    if first.state != "done":
        raise Conflict(_l("A request with this Idempotency-Key is still being processed."),
                       field="Idempotency-Key")
    return None, (first.status_code, json.loads(first.response_body))


def complete(row_id, status, body):
    """Store the response of the request (in the caller's transaction, with its action)."""
    row = db.session.get(IdempotencyKey, row_id)
    row.state, row.status_code, row.response_body = "done", status, json.dumps(body)


def release(row_id):
    """Free the key of a request that was refused or failed (it wrote nothing)."""
    db.session.rollback()
    db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == row_id))
    db.session.commit()


def claim_form_token(user_id, token):
    """Claim a form's one-time token in the caller's transaction; False when it was already
    used (the form was submitted before). Call it before anything else is written: a refused
    submit rolls the claim back with the rest, so the corrected form can be sent again."""
    if not token:
        return True
    key = f"form:{token}"[:MAX_KEY_LENGTH]
    _forget_old(datetime.now())
    exists = db.session.scalar(select(IdempotencyKey.id).where(
        IdempotencyKey.user_id == user_id, IdempotencyKey.key == key))
    if exists is not None:
        return False
    db.session.add(IdempotencyKey(user_id=user_id, key=key, request_hash="form", state="done",
                                  created_on=datetime.now()))
    try:
        db.session.flush()
    except IntegrityError:  # the same form sent twice at once: the other one won
        db.session.rollback()
        return False
    return True
