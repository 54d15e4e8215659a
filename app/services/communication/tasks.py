"""Tasks, calls and the manager's desk: the rules, the desk's lists and the control figures.

The control figures are SQL GROUP BY queries (one per table shown), never Python loops over
rows, so they stay cheap whatever the size of the call log.
"""
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models.communication import TASK_RESULT_KINDS, TASK_STATUSES, Call, Task, TaskResult
from app.services.platform import Conflict, DomainError, NotFound


_closed_listeners = []


def listen_task_closed(listener):
    """Call ``listener(task)`` whenever a task is saved done or a problem (from the task form,
    the desk or the API), inside that save's transaction: another domain acts on the result
    (a "yes" to a course invitation's call-back registers the person) or refuses the save with
    a ``DomainError``. Registering twice is harmless."""
    if listener not in _closed_listeners:
        _closed_listeners.append(listener)


def task_result_kind(task):
    """The kind ("answer", "yes", "refusal") of the task's result, None without one — whether
    the result was set as a relationship (a form) or by id (a service)."""
    result = task.result
    if task.result_id is not None and (result is None or result.id != task.result_id):
        result = db.session.get(TaskResult, task.result_id)
    return result.kind if result is not None else None


def _check_result(result_id):
    if result_id is None:
        return None
    result = db.session.get(TaskResult, result_id)
    if result is None or not result.active:
        raise DomainError(_l("Choose a result from the list."), field="result")
    return result


def validate_task(task):
    """A task needs a text, a due date and a known status; closing it needs a result; a
    closed task is shown to the ``listen_task_closed`` listeners."""
    if not (task.text or "").strip():
        raise DomainError(_l("A task needs a text."), field="text")
    if task.due_at is None:
        raise DomainError(_l("A task needs a due date."), field="due_at")
    if task.status not in TASK_STATUSES:
        raise DomainError(_l("Unknown status."), field="status")
    _check_result(task.result_id)
    if task.status != "open":
        if task.result_id is None and not (task.reaction or "").strip():
            raise DomainError(_l("Say how the task ended: a result or the client's reaction."),
                              field="result")
        task.done_at = task.done_at or datetime.now()
        for listener in list(_closed_listeners):
            listener(task)
    else:
        task.done_at = None


def create_task(text, due_at, manager_id=None, client_id=None, mailing_id=None):
    """An open task for a manager about a client; a date alone means that day at 09:00."""
    if isinstance(due_at, date) and not isinstance(due_at, datetime):
        due_at = datetime.combine(due_at, time(9, 0))
    task = Task(text=(text or "").strip(), due_at=due_at, manager_id=manager_id,
                client_id=client_id, mailing_id=mailing_id, status="open")
    validate_task(task)
    db.session.add(task)
    db.session.flush()
    return task


def close_task(task_id, status="done", result_id=None, reaction=None, version=None):
    """Mark a task done or a problem, with a result from the directory and/or the client's
    reaction. ``version`` (from the form) refuses an edit of a task changed meanwhile."""
    task = db.session.get(Task, task_id)
    if task is None:
        raise NotFound(_l("Not found."))
    if version is not None and int(version) != task.version:
        raise Conflict(_l("This record was changed by someone else meanwhile. Reload and try again."))
    if status not in ("done", "problem"):
        raise DomainError(_l("Unknown status."), field="status")
    task.status = status
    task.result_id = result_id
    task.reaction = (reaction or "").strip() or None
    validate_task(task)
    db.session.flush()
    return task


def validate_call(call):
    if call.client_id is None:
        raise DomainError(_l("Choose a client."), field="client")
    if call.manager_id is None:
        raise DomainError(_l("Choose a manager."), field="manager")
    if call.duration_seconds is None or call.duration_seconds < 0:
        raise DomainError(_l("The duration cannot be negative."), field="duration_seconds")
    _check_result(call.result_id)


def log_call(manager_id, client_id, duration_seconds=0, result_id=None, reaction=None, at=None,
             task_id=None, close=False, task_status="done"):
    """Record a call in one step; with ``close`` the linked task is closed with the call's
    result and reaction."""
    call = Call(manager_id=manager_id, client_id=client_id, at=at or datetime.now(),
                duration_seconds=int(duration_seconds or 0), result_id=result_id,
                reaction=(reaction or "").strip() or None, task_id=task_id)
    validate_call(call)
    if task_id is not None:
        task = db.session.get(Task, task_id)
        if task is None:
            raise NotFound(_l("Not found."))
        if task.client_id is not None and task.client_id != client_id:
            raise DomainError(_l("The task is about another client."), field="task")
        if close:
            close_task(task_id, task_status, result_id, reaction)
    db.session.add(call)
    db.session.flush()
    return call


def validate_task_result(result):
    """A directory entry: a unique name and a kind (answer, "yes" or refusal reason)."""
    if not (result.name or "").strip():
        raise DomainError(_l("A name is required."), field="name")
    if result.kind not in TASK_RESULT_KINDS:
        raise DomainError(_l("Unknown kind."), field="kind")
    clash = db.session.scalar(select(TaskResult.id).where(
        TaskResult.name == result.name.strip(), TaskResult.id != (result.id or 0)))
    if clash:
        raise DomainError(_l("This name is already in the list."), field="name")
    result.name = result.name.strip()


def save_task_result(result):
    validate_task_result(result)
    db.session.add(result)
    db.session.flush()
    return result


def task_results():
    """The active directory entries, answers first."""
    return db.session.scalars(select(TaskResult).where(TaskResult.active.is_(True))
                              .order_by(TaskResult.kind, TaskResult.name)).all()


def desk_tasks(manager_id, now=None):
    """The manager's open tasks due today or earlier: ``{"overdue": [...], "today": [...]}``,
    with clients and results loaded in the same query."""
    now = now or datetime.now()
    start = datetime.combine(now.date(), time.min)
    end = start + timedelta(days=1)
    rows = db.session.scalars(
        select(Task).options(joinedload(Task.client))
        .where(Task.manager_id == manager_id, Task.status == "open", Task.due_at < end)
        .order_by(Task.due_at, Task.id)).all()
    return {"overdue": [t for t in rows if t.due_at < start],
            "today": [t for t in rows if t.due_at >= start]}


def recent_calls(manager_id, limit=20):
    return db.session.scalars(
        select(Call).options(joinedload(Call.client), joinedload(Call.result))
        .where(Call.manager_id == manager_id).order_by(Call.at.desc()).limit(limit)).all()


def client_calls(client_id, limit=50):
    return db.session.scalars(
        select(Call).options(joinedload(Call.manager), joinedload(Call.result))
        .where(Call.client_id == client_id).order_by(Call.at.desc()).limit(limit)).all()


def client_tasks(client_id, limit=50):
    return db.session.scalars(
        select(Task).options(joinedload(Task.manager), joinedload(Task.result))
        .where(Task.client_id == client_id).order_by(Task.due_at.desc()).limit(limit)).all()


def _period(date_from, date_to):
    date_to = date_to or date.today()
    date_from = date_from or date_to - timedelta(days=30)
    return (datetime.combine(date_from, time.min),
            datetime.combine(date_to + timedelta(days=1), time.min))


def calls_by_manager_and_day(date_from=None, date_to=None):
    """Calls per manager and day in the period: count and total seconds, one GROUP BY."""
    from flask_appbuilder.security.sqla.models import User

    start, end = _period(date_from, date_to)
    day = func.date(Call.at)
    rows = db.session.execute(
        select(Call.manager_id, User.first_name, User.last_name, day.label("day"),
               func.count(Call.id), func.coalesce(func.sum(Call.duration_seconds), 0))
        .join(User, User.id == Call.manager_id)
        .where(Call.at >= start, Call.at < end)
        .group_by(Call.manager_id, User.first_name, User.last_name, day)
        .order_by(day.desc(), User.last_name, User.first_name)).all()
    return [{"manager_id": r[0], "manager": f"{r[1]} {r[2]}".strip(),
             "day": r[3] if isinstance(r[3], date) else date.fromisoformat(str(r[3])),
             "calls": r[4], "seconds": int(r[5])} for r in rows]


def tasks_by_result(date_from=None, date_to=None):
    """Closed tasks of the period per result (no result counted as such), one GROUP BY."""
    start, end = _period(date_from, date_to)
    rows = db.session.execute(
        select(TaskResult.name, TaskResult.kind, Task.status, func.count(Task.id))
        .select_from(Task).outerjoin(TaskResult, TaskResult.id == Task.result_id)
        .where(Task.status != "open", Task.done_at >= start, Task.done_at < end)
        .group_by(TaskResult.name, TaskResult.kind, Task.status)
        .order_by(func.count(Task.id).desc(), TaskResult.name)).all()
    return [{"result": r[0], "kind": r[1], "status": r[2], "count": r[3]} for r in rows]


def reactions(date_from=None, date_to=None, limit=200):
    """Clients' reactions recorded on calls in the period, newest first."""
    from app.models.clients import Client
    from flask_appbuilder.security.sqla.models import User

    start, end = _period(date_from, date_to)
    rows = db.session.execute(
        select(Call.at, Call.reaction, Client.id, Client.last_name, Client.first_name,
               User.first_name, User.last_name, TaskResult.name)
        .join(Client, Client.id == Call.client_id)
        .join(User, User.id == Call.manager_id)
        .outerjoin(TaskResult, TaskResult.id == Call.result_id)
        .where(Call.at >= start, Call.at < end, Call.reaction.is_not(None), Call.reaction != "")
        .order_by(Call.at.desc()).limit(limit)).all()
    return [{"at": r[0], "reaction": r[1], "client_id": r[2], "client": f"{r[3]} {r[4]}",
             "manager": f"{r[5]} {r[6]}".strip(), "result": r[7]} for r in rows]
