"""Clients are distributed among managers; a (bulk) reassignment is recorded client by client
in ``client_manager_assignment`` so the whole batch can be undone."""
import uuid
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.extensions import db
from app.models.base import current_user_id
from app.models.clients import Client, ClientManagerAssignment
from app.services.platform import DomainError, NotFound


def reassign_manager(client_ids, new_manager_id, by_user_id=None, commit=True):
    """Give the clients a new manager in one batch and record each change so the batch can be
    undone; returns the batch id (None when nothing changed)."""
    ids = sorted(set(int(i) for i in client_ids))
    if not ids:
        return None
    by_user_id = by_user_id if by_user_id is not None else current_user_id()
    batch_id = str(uuid.uuid4())
    now = datetime.now()
    changed = 0
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows = db.session.execute(
            select(Client.id, Client.manager_id).where(Client.id.in_(chunk))).all()
        moves = [(cid, old) for cid, old in rows if old != new_manager_id]
        if not moves:
            continue
        db.session.execute(ClientManagerAssignment.__table__.insert(), [
            dict(batch_id=batch_id, client_id=cid, previous_manager_id=old,
                 new_manager_id=new_manager_id, assigned_by_fk=by_user_id, assigned_on=now)
            for cid, old in moves])
        db.session.execute(
            Client.__table__.update()
            .where(Client.__table__.c.id.in_([cid for cid, _ in moves]))
            .values(manager_id=new_manager_id, version=Client.__table__.c.version + 1,
                    changed_on=now, changed_by_fk=by_user_id))
        changed += len(moves)
    if commit:
        db.session.commit()
    return batch_id if changed else None


def undo_reassignment(batch_id, by_user_id=None, commit=True):
    """Give back the previous managers of a batch. A client whose manager was changed again
    since keeps its current manager; returns how many clients were given back."""
    rows = db.session.scalars(select(ClientManagerAssignment).where(
        ClientManagerAssignment.batch_id == batch_id)).all()
    if not rows:
        raise NotFound(_l("No such reassignment."))
    if all(row.undone_on for row in rows):
        raise DomainError(_l("This reassignment was already undone."))
    by_user_id = by_user_id if by_user_id is not None else current_user_id()
    now = datetime.now()
    current = dict(db.session.execute(select(Client.id, Client.manager_id).where(
        Client.id.in_([row.client_id for row in rows]))).all())
    given_back = 0
    table = Client.__table__
    by_previous = {}
    for row in rows:
        if row.undone_on:
            continue
        row.undone_on, row.undone_by_fk = now, by_user_id
        if current.get(row.client_id) == row.new_manager_id:
            by_previous.setdefault(row.previous_manager_id, []).append(row.client_id)
    for previous, client_ids in by_previous.items():
        db.session.execute(table.update().where(table.c.id.in_(client_ids)).values(
            manager_id=previous, version=table.c.version + 1, changed_on=now,
            changed_by_fk=by_user_id))
        given_back += len(client_ids)
    if commit:
        db.session.commit()
    return given_back


def recent_reassignments(limit=20):
    """The latest batches: id, when, by whom, new manager, size, whether undone."""
    table = ClientManagerAssignment
    query = (select(table.batch_id, func.min(table.assigned_on), func.min(table.assigned_by_fk),
                    func.min(table.new_manager_id), func.count(table.id),
                    func.max(table.undone_on))
             .group_by(table.batch_id).order_by(func.min(table.assigned_on).desc()).limit(limit))
    return [dict(batch_id=b, assigned_on=at, assigned_by=by, new_manager_id=m, count=n,
                 undone_on=u) for b, at, by, m, n, u in db.session.execute(query)]
