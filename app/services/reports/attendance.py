"""Attendance: every mark in the period (filterable by group, service, instructor, client,
status), and the same per group with the attendance rate."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, or_, select

from app.models.clients import Client
from app.models.passes import Service, SessionWriteOff
from app.models.staff import Employee
from app.models.timetable import (ABSENT, ATTENDANCE_STATUSES, EXCUSED, LATE, LESSON_HELD, PRESENT,
                                  Attendance, Group, Lesson)
from app.services.reports.registry import (CHOICE, DATETIME, GROUP, INSTRUCTOR, INT, MONEY,
                                           PERCENT, SEARCH, SERVICE_PARAM, TEXT, Col, Param,
                                           Report, period_bounds, period_params, register)
from app.services.reports.sql import client_name

STATUS_LABELS = {PRESENT: _l("present"), ABSENT: _l("absent"), EXCUSED: _l("excused"),
                 LATE: _l("late")}
CAME = (PRESENT, LATE)

GROUP_PARAM = Param("group_id", _l("Group"), GROUP)
INSTRUCTOR_PARAM = Param("instructor_id", _l("Instructor"), INSTRUCTOR)


def _filters(params):
    lower, upper = period_bounds(params)
    filters = [Lesson.starts_at >= lower, Lesson.starts_at < upper]
    if params.get("service_id"):
        filters.append(Lesson.service_id == params["service_id"])
    if params.get("group_id"):
        filters.append(Lesson.group_id == params["group_id"])
    if params.get("instructor_id"):
        filters.append(Lesson.instructor_id == params["instructor_id"])
    return filters


def attendance_query(params):
    """Each attendance mark of a lesson in the period, with the value written off for it."""
    filters = _filters(params)
    if params.get("status") and params["status"] != "all":
        filters.append(Attendance.status == params["status"])
    if params.get("client"):
        pattern = f"%{params['client'].lower()}%"
        filters.append(or_(func.lower(Client.last_name).like(pattern),
                           func.lower(Client.first_name).like(pattern)))
    return (
        select(Lesson.starts_at.label("starts_at"),
               Service.name.label("service"),
               Group.name.label("group"),
               Employee.full_name.label("instructor"),
               client_name().label("client"),
               Attendance.status.label("status"),
               case((SessionWriteOff.cancelled.is_(False), SessionWriteOff.value), else_=None)
               .label("value"))
        .select_from(Attendance)
        .join(Lesson, Lesson.id == Attendance.lesson_id)
        .join(Client, Client.id == Attendance.client_id)
        .join(Service, Service.id == Lesson.service_id)
        .outerjoin(Group, Group.id == Lesson.group_id)
        .outerjoin(Employee, Employee.id == Lesson.instructor_id)
        .outerjoin(SessionWriteOff, SessionWriteOff.id == Attendance.write_off_id)
        .where(*filters)
        .order_by(Lesson.starts_at, Lesson.id, Attendance.id)
    )


def attendance_by_group_query(params):
    """Per group (individual lessons under their service): lessons held, marks, visits and the
    attendance rate = visits (present or late) / marks, for held lessons of the period."""
    filters = _filters(params) + [Lesson.status == LESSON_HELD]
    visits = func.sum(case((Attendance.status.in_(CAME), 1), else_=0))
    marks = func.count(Attendance.id)
    return (
        select(func.coalesce(Group.name, "—").label("group"),
               Service.name.label("service"),
               Employee.full_name.label("instructor"),
               func.count(func.distinct(Lesson.id)).label("lessons"),
               marks.label("marks"),
               visits.label("visits"),
               func.sum(case((Attendance.status == ABSENT, 1), else_=0)).label("absences"),
               (visits * 1.0 / func.nullif(marks, 0)).label("rate"))
        .select_from(Lesson)
        .join(Service, Service.id == Lesson.service_id)
        .outerjoin(Group, Group.id == Lesson.group_id)
        .outerjoin(Employee, Employee.id == Lesson.instructor_id)
        .outerjoin(Attendance, Attendance.lesson_id == Lesson.id)
        .where(*filters)
        .group_by(Group.id, Group.name, Service.name, Employee.full_name)
        .order_by(Service.name, func.coalesce(Group.name, "—"), Employee.full_name)
    )


def _rate_float(row, params):
    row["rate"] = float(row["rate"]) if row["rate"] is not None else None
    return row


register(Report(
    name="attendance",
    title=_l("Attendance"),
    description=_l("Every attendance mark of the period, by group, client, service or "
                   "instructor, with the session value written off."),
    params=period_params() + (
        SERVICE_PARAM, GROUP_PARAM, INSTRUCTOR_PARAM,
        Param("client", _l("Client name contains"), SEARCH),
        Param("status", _l("Status"), CHOICE, default="all",
              choices=(("all", _l("all")),) + tuple(STATUS_LABELS.items())),
    ),
    columns=(
        Col("starts_at", _l("Lesson"), DATETIME, 17),
        Col("service", _l("Service"), TEXT, 18),
        Col("group", _l("Group"), TEXT, 20),
        Col("instructor", _l("Instructor"), TEXT, 22),
        Col("client", _l("Client"), TEXT, 26),
        Col("status", _l("Status"), TEXT, 11),
        Col("value", _l("Session value"), MONEY),
    ),
    query=attendance_query,
    labels={"status": STATUS_LABELS},
    summary=("value",),
    printable=False,
))

register(Report(
    name="attendance_by_group",
    title=_l("Attendance by group"),
    description=_l("Held lessons, visits, absences and the attendance rate per group."),
    params=period_params() + (SERVICE_PARAM, GROUP_PARAM, INSTRUCTOR_PARAM),
    columns=(
        Col("group", _l("Group"), TEXT, 24),
        Col("service", _l("Service"), TEXT, 18),
        Col("instructor", _l("Instructor"), TEXT, 22),
        Col("lessons", _l("Lessons held"), INT),
        Col("marks", _l("Marks"), INT),
        Col("visits", _l("Visits"), INT),
        Col("absences", _l("Absences"), INT),
        Col("rate", _l("Attendance rate"), PERCENT),
    ),
    query=attendance_by_group_query,
    convert=_rate_float,
    summary=("lessons", "marks", "visits", "absences"),
))

__all__ = ["attendance_query", "attendance_by_group_query", "ATTENDANCE_STATUSES"]
