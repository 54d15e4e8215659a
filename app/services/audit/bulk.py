"""Bulk updates that keep the field audit: one statement for many loaded rows."""
from datetime import datetime

from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models.audit import AuditEntry
from app.models.base import current_user_id


def update_loaded(objects, changes):
    """Set ``changes`` (``{field: value}`` or one dict per object) on loaded ORM objects of one
    model with one executemany UPDATE, bumping their version, and write their field audit in
    one INSERT — what a flush would do, without one UPDATE per row (SQLAlchemy runs versioned
    ORM UPDATEs row by row)."""
    if not objects:
        return
    per_object = changes if isinstance(changes, list) else [changes] * len(objects)
    table = type(objects[0]).__table__
    fields = sorted(per_object[0])
    now, user_id = datetime.now(), current_user_id()
    params, entries = [], []
    for obj, values in zip(objects, per_object):
        params.append({"_id": obj.id, "_now": now, "_user": user_id,
                       **{f"_{k}": values[k] for k in fields}})
        for key in fields:
            old, new = getattr(obj, key), values[key]
            if old != new:
                entries.append(dict(at=now, user_id=user_id, table_name=table.name,
                                    row_id=str(obj.id), action="update", field=key,
                                    old_value=None if old is None else str(old),
                                    new_value=None if new is None else str(new)))
    db.session.execute(
        update(table).where(table.c.id == bindparam("_id"))
        .values(version=table.c.version + 1, changed_on=bindparam("_now"),
                changed_by_fk=bindparam("_user"),
                **{k: bindparam(f"_{k}") for k in fields}),
        params, execution_options={"synchronize_session": False})
    for obj, values in zip(objects, per_object):
        for key in fields:
            set_committed_value(obj, key, values[key])
        set_committed_value(obj, "version", obj.version + 1)
    if entries:
        db.session.execute(insert(AuditEntry.__table__), entries)
