"""Field-level audit: every change to an audited model is written in the same transaction.

Models carrying ``AuditMixin`` are audited. A model may declare
``__audit_restricted__ = {"field": (action, resource)}``: entries for that field are shown only
to users holding ``can_<action>`` on ``resource`` (medical notes, for instance).
"""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, event, insert, inspect, not_
from sqlalchemy.orm import Session

from app.extensions import db
from app.models.audit import AuditEntry, AuditMark
from app.models.base import AuditMixin, current_user_id

SKIPPED = {"created_on", "changed_on", "created_by_fk", "changed_by_fk", "version"}
MAX_VALUE = 2000


def _text(value):
    if value is None:
        return None
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text[:MAX_VALUE]


def _pk(obj):
    # The identity key is set only after the flush finishes; the mapper reads the new primary key.
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    return ",".join("" if part is None else str(part) for part in key)


def _changes(obj, action):
    state = inspect(obj)
    rows = []
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in SKIPPED:
            continue
        if action == "insert":
            value = getattr(obj, key)
            if value is not None:
                rows.append((key, None, _text(value)))
        elif action == "delete":
            rows.append((key, _text(state.attrs[key].loaded_value), None))
        else:
            history = state.attrs[key].history
            if history.has_changes():
                old = history.deleted[0] if history.deleted else None
                new = history.added[0] if history.added else None
                if _text(old) != _text(new):
                    rows.append((key, _text(old), _text(new)))
    return rows


def _after_flush(session, flush_context):
    now = datetime.now()
    user_id = current_user_id()
    entries = []
    for action, objects in (("insert", session.new), ("update", session.dirty),
                            ("delete", session.deleted)):
        for obj in objects:
            if not isinstance(obj, AuditMixin):
                continue
            if action == "update" and not session.is_modified(obj, include_collections=False):
                continue
            table = obj.__table__.name
            row_id = _pk(obj)
            for field, old, new in _changes(obj, action):
                entries.append(dict(at=now, user_id=user_id, table_name=table, row_id=row_id,
                                    action=action, field=field, old_value=old, new_value=new))
    if entries:
        session.connection().execute(insert(AuditEntry.__table__), entries)


def install():
    """Listen on every session of the app (idempotent) and keep old values of audited columns.

    SQLAlchemy does not load the previous value of an expired attribute before overwriting it
    unless the attribute has *active history*; audited columns get it, so "before" is never lost.
    """
    from flask_appbuilder import Model
    from sqlalchemy.orm import configure_mappers

    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
    configure_mappers()
    for mapper in Model.registry.mappers:
        if issubclass(mapper.class_, AuditMixin):
            for attr in mapper.column_attrs:
                if attr.key not in SKIPPED:
                    getattr(mapper.class_, attr.key).impl.active_history = True


def restricted_fields():
    """{(table, field): (action, resource)} from every model's ``__audit_restricted__``."""
    result = {}
    from flask_appbuilder import Model

    for mapper in Model.registry.mappers:
        cls = mapper.class_
        for field, rule in getattr(cls, "__audit_restricted__", {}).items():
            result[(cls.__table__.name, field)] = rule
    return result


def hidden_fields_for(can):
    """The (table, field) pairs a user may not see; ``can(action, resource) -> bool``."""
    return [key for key, (action, resource) in restricted_fields().items()
            if not can(action, resource)]


def latest_mark():
    return db.session.query(AuditMark).order_by(AuditMark.at.desc(), AuditMark.id.desc()).first()


def set_mark(user_id, note=None):
    """Record that everything up to now has been audited."""
    mark = AuditMark(user_id=user_id, note=note)
    db.session.add(mark)
    db.session.commit()
    return mark


def entries_since(since, hidden, table=None, row_id=None, limit=500):
    """Changes after ``since`` (None = all), newest first, without the hidden fields."""
    from flask_appbuilder.security.sqla.models import User

    query = (db.session.query(AuditEntry, User.username)
             .outerjoin(User, User.id == AuditEntry.user_id))
    if since is not None:
        query = query.filter(AuditEntry.at > since)
    if table:
        query = query.filter(AuditEntry.table_name == table)
    if row_id is not None:
        query = query.filter(AuditEntry.row_id == str(row_id))
    for table_name, field in hidden:
        query = query.filter(not_(and_(AuditEntry.table_name == table_name,
                                       AuditEntry.field == field)))
    return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit).all()


def record_history(table, row_id, hidden, limit=1000):
    """The history of one record for its card, newest first: its last ``limit`` changes."""
    return entries_since(None, hidden, table=table, row_id=row_id, limit=limit)


NO_MARK = _l("No audit mark yet: showing every change.")
