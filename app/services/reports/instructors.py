"""The instructors' league table: enrolments, drop-outs, lessons held, hours, revenue, profit."""
from flask_babel import lazy_gettext as _l, lazy_pgettext as _p
from sqlalchemy import and_, case, func, or_, select

from app.models.passes import SessionWriteOff
from app.models.payroll import APPROVED, Payroll, PayrollLine
from app.models.staff import Employee
from app.models.timetable import LESSON_CANCELLED, LESSON_HELD, Attendance, Group, \
    GroupMember, Lesson
from app.services.reports.registry import (INT, MONEY, NUMBER, PERCENT, SERVICE_PARAM, TEXT, Col,
                                           Report, period_bounds, period_params, register)
from app.services.reports.sql import hours_between, money_sum


def instructor_league_query(params):
    """One row per instructor with activity in the period; every figure is a grouped subquery.

    Enrolments and drop-outs count members who joined / left (``left_on``) the instructor's
    groups in the period; the share held is held lessons / all lessons of the period; hours
    are those of the lessons not cancelled; revenue is the value of the sessions written off
    for attendances of its lessons; payroll is the approved payroll lines of the period.
    """
    date_from, date_to = params["date_from"], params["date_to"]
    lower, upper = period_bounds(params)
    service_id = params.get("service_id")

    in_period = and_(Lesson.starts_at >= lower, Lesson.starts_at < upper)
    lesson_filter = [in_period, Lesson.instructor_id.isnot(None)]
    group_filter = [Group.instructor_id.isnot(None)]
    if service_id:
        lesson_filter.append(Lesson.service_id == service_id)
        group_filter.append(Group.service_id == service_id)

    lessons = (
        select(Lesson.instructor_id.label("eid"),
               func.count(Lesson.id).label("lessons"),
               func.sum(case((Lesson.status == LESSON_HELD, 1), else_=0)).label("held"),
               func.sum(case((Lesson.status != LESSON_CANCELLED,
                              hours_between(Lesson.starts_at, Lesson.ends_at)), else_=0))
               .label("hours"))
        .where(*lesson_filter).group_by(Lesson.instructor_id).subquery("lessons"))
    enrolments = (
        select(Group.instructor_id.label("eid"), func.count(GroupMember.id).label("n"))
        .join(Group, Group.id == GroupMember.group_id)
        .where(*group_filter, GroupMember.joined_on >= date_from, GroupMember.joined_on <= date_to)
        .group_by(Group.instructor_id).subquery("enrolments"))
    dropouts = (
        select(Group.instructor_id.label("eid"), func.count(GroupMember.id).label("n"))
        .join(Group, Group.id == GroupMember.group_id)
        .where(*group_filter, GroupMember.left_on >= date_from, GroupMember.left_on <= date_to)
        .group_by(Group.instructor_id).subquery("dropouts"))
    revenue = (
        select(Lesson.instructor_id.label("eid"), money_sum(SessionWriteOff.value).label("amount"))
        .select_from(Attendance)
        .join(Lesson, Lesson.id == Attendance.lesson_id)
        .join(SessionWriteOff, SessionWriteOff.id == Attendance.write_off_id)
        .where(*lesson_filter, SessionWriteOff.cancelled.is_(False))
        .group_by(Lesson.instructor_id).subquery("revenue"))
    payroll_query = (
        select(PayrollLine.employee_id.label("eid"), money_sum(PayrollLine.amount).label("amount"))
        .join(Payroll, Payroll.id == PayrollLine.payroll_id)
        .where(Payroll.status == APPROVED, PayrollLine.date >= date_from,
               PayrollLine.date <= date_to))
    if service_id:
        payroll_query = payroll_query.join(Lesson, Lesson.id == PayrollLine.lesson_id).where(
            Lesson.service_id == service_id)
    payroll = payroll_query.group_by(PayrollLine.employee_id).subquery("payroll")

    revenue_amount = func.coalesce(revenue.c.amount, 0)
    payroll_amount = func.coalesce(payroll.c.amount, 0)
    lesson_count = func.coalesce(lessons.c.lessons, 0)
    return (
        select(
            Employee.full_name.label("instructor"),
            func.coalesce(enrolments.c.n, 0).label("enrolments"),
            func.coalesce(dropouts.c.n, 0).label("dropouts"),
            lesson_count.label("lessons"),
            func.coalesce(lessons.c.held, 0).label("held"),
            (func.coalesce(lessons.c.held, 0) * 1.0 / func.nullif(lesson_count, 0))
            .label("held_share"),
            func.coalesce(lessons.c.hours, 0).label("hours"),
            revenue_amount.label("revenue"),
            payroll_amount.label("payroll"),
            (revenue_amount - payroll_amount).label("profit"),
        )
        .select_from(Employee)
        .outerjoin(lessons, lessons.c.eid == Employee.id)
        .outerjoin(enrolments, enrolments.c.eid == Employee.id)
        .outerjoin(dropouts, dropouts.c.eid == Employee.id)
        .outerjoin(revenue, revenue.c.eid == Employee.id)
        .outerjoin(payroll, payroll.c.eid == Employee.id)
        .where(or_(lessons.c.eid.isnot(None), enrolments.c.eid.isnot(None),
                   dropouts.c.eid.isnot(None), payroll.c.eid.isnot(None)))
        .order_by((revenue_amount - payroll_amount).desc(), Employee.full_name, Employee.id)
    )


def _round_hours(row, params):
    row["hours"] = round(float(row["hours"] or 0), 2)
    row["held_share"] = float(row["held_share"]) if row["held_share"] is not None else None
    return row


register(Report(
    name="instructors",
    title=_l("Instructor league table"),
    description=_l("Enrolments, drop-outs, lessons held, hours taught, revenue and profit per "
                   "instructor for the period."),
    params=period_params() + (SERVICE_PARAM,),
    columns=(
        Col("instructor", _l("Instructor"), TEXT, 28),
        Col("enrolments", _l("Enrolments"), INT),
        Col("dropouts", _l("Drop-outs"), INT),
        Col("lessons", _l("Lessons"), INT),
        Col("held", _p("lessons count", "Held"), INT),
        Col("held_share", _l("Share held"), PERCENT),
        Col("hours", _l("Hours"), NUMBER),
        Col("revenue", _l("Revenue"), MONEY),
        Col("payroll", _l("Payroll"), MONEY),
        Col("profit", _l("Profit"), MONEY),
    ),
    query=instructor_league_query,
    convert=_round_hours,
    summary=("enrolments", "dropouts", "lessons", "held", "hours", "revenue", "payroll", "profit"),
    landscape=True,
))
