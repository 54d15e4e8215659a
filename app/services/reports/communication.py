"""Calls and tasks per manager and result."""
from flask_appbuilder.security.sqla.models import User
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, literal, select, union_all

from app.models.communication import Call, Task, TaskResult
from app.services.reports.registry import (INT, MANAGER, NUMBER, TEXT, Col, Param, Report,
                                           period_bounds, period_params, register)


def calls_tasks_query(params):
    """Per manager and result: calls made in the period (and their minutes), tasks closed in
    the period as done or as a problem — one union of calls and tasks, grouped once."""
    lower, upper = period_bounds(params)
    calls = select(Call.manager_id.label("mid"), Call.result_id.label("rid"),
                   literal(1).label("calls"), Call.duration_seconds.label("seconds"),
                   literal(0).label("done"), literal(0).label("problem")).where(
        Call.at >= lower, Call.at < upper)
    tasks = select(Task.manager_id.label("mid"), Task.result_id.label("rid"),
                   literal(0).label("calls"), literal(0).label("seconds"),
                   case((Task.status == "done", 1), else_=0).label("done"),
                   case((Task.status == "problem", 1), else_=0).label("problem")).where(
        Task.status != "open", Task.done_at >= lower, Task.done_at < upper)
    if params.get("manager_id"):
        calls = calls.where(Call.manager_id == params["manager_id"])
        tasks = tasks.where(Task.manager_id == params["manager_id"])
    work = union_all(calls, tasks).subquery("work")
    manager = func.coalesce(User.first_name + literal(" ") + User.last_name, "—")
    result = func.coalesce(TaskResult.name, "—")
    return (
        select(manager.label("manager"), result.label("result"),
               func.sum(work.c.calls).label("calls"),
               (func.sum(work.c.seconds) / 60.0).label("minutes"),
               func.sum(work.c.done).label("tasks_done"),
               func.sum(work.c.problem).label("tasks_problem"))
        .select_from(work)
        .outerjoin(User, User.id == work.c.mid)
        .outerjoin(TaskResult, TaskResult.id == work.c.rid)
        .group_by(manager, result)
        .order_by(manager, result)
    )


def _round_minutes(row, params):
    row["minutes"] = round(float(row["minutes"] or 0), 1)
    return row


register(Report(
    name="calls_tasks",
    title=_l("Calls and tasks by manager"),
    description=_l("Calls made and tasks closed per manager and result in the period."),
    params=period_params() + (Param("manager_id", _l("Manager"), MANAGER),),
    columns=(
        Col("manager", _l("Manager"), TEXT, 24),
        Col("result", _l("Result"), TEXT, 24),
        Col("calls", _l("Calls"), INT, 8),
        Col("minutes", _l("Minutes"), NUMBER, 10),
        Col("tasks_done", _l("Tasks done"), INT, 10),
        Col("tasks_problem", _l("Tasks with a problem"), INT, 12),
    ),
    query=calls_tasks_query,
    convert=_round_minutes,
    summary=("calls", "minutes", "tasks_done", "tasks_problem"),
))
