"""The instructors' league table: enrolments, drop-outs, lessons held, hours, revenue, profit,
and the quality of teaching: average progress, participants assessed, retention."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l, lazy_pgettext as _p
from sqlalchemy import and_, case, func, or_, select

from app.models.passes import SessionWriteOff
from app.models.payroll import APPROVED, Payroll, PayrollLine
from app.models.staff import Employee
from app.models.timetable import LATE, LESSON_CANCELLED, LESSON_HELD, PRESENT, Attendance, \
    Group, GroupMember, Lesson, LessonResult
from app.services.reports.registry import (INT, MONEY, NUMBER, PERCENT, SERVICE_PARAM, TEXT, Col,
                                           Report, period_bounds, period_params, register)
from app.services.reports.sql import hours_between, money_sum


def instructor_league_query(params):
    """One row per instructor with activity in the period; every figure is a grouped subquery.

    Enrolments and drop-outs count members who joined / left (``left_on``) the instructor's
    groups in the period; the share held is held lessons / all lessons of the period; hours
    are those of the lessons not cancelled; revenue is the value of the sessions written off
    for attendances of its lessons; payroll is the approved payroll lines of the period.

    Quality (``progress_query`` and ``retention_queries``): average progress is the mean, over
    the participants with at least two marks on a scale (a normalised value) at the
    instructor's lessons in the period, of (last value − first value), oldest and newest by the
    lesson's start; "assessed" counts those participants. Retention is the share of the
    instructor's participants of the previous period (the same number of days just before
    ``date_from``: anyone marked present or late at one of their lessons then) who were
    present or late at one of their lessons again in this period; empty when they had nobody
    in the previous period.
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

    progress = progress_query(lesson_filter).subquery("progress")
    before, again = retention_queries(params, service_id)
    before, again = before.subquery("before"), again.subquery("again")

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
            progress.c.progress.label("progress"),
            func.coalesce(progress.c.assessed, 0).label("assessed"),
            (func.coalesce(again.c.n, 0) * 1.0 / before.c.n).label("retention"),
        )
        .select_from(Employee)
        .outerjoin(lessons, lessons.c.eid == Employee.id)
        .outerjoin(enrolments, enrolments.c.eid == Employee.id)
        .outerjoin(dropouts, dropouts.c.eid == Employee.id)
        .outerjoin(revenue, revenue.c.eid == Employee.id)
        .outerjoin(payroll, payroll.c.eid == Employee.id)
        .outerjoin(progress, progress.c.eid == Employee.id)
        .outerjoin(before, before.c.eid == Employee.id)
        .outerjoin(again, again.c.eid == Employee.id)
        .where(or_(lessons.c.eid.isnot(None), enrolments.c.eid.isnot(None),
                   dropouts.c.eid.isnot(None), payroll.c.eid.isnot(None)))
        .order_by((revenue_amount - payroll_amount).desc(), Employee.full_name, Employee.id)
    )


def progress_query(lesson_filter):
    """Per instructor: ``progress`` (mean of last − first normalised mark per participant with
    at least two) and ``assessed`` (how many such participants), over the lessons that
    ``lesson_filter`` keeps; one grouped query with window functions."""
    key = (Lesson.instructor_id, LessonResult.client_id)
    ranked = (
        select(Lesson.instructor_id.label("eid"), LessonResult.client_id.label("cid"),
               LessonResult.mark_value.label("value"),
               func.row_number().over(partition_by=key, order_by=(
                   Lesson.starts_at, LessonResult.id)).label("from_first"),
               func.row_number().over(partition_by=key, order_by=(
                   Lesson.starts_at.desc(), LessonResult.id.desc())).label("from_last"),
               func.count().over(partition_by=key).label("marks"))
        .join(Lesson, Lesson.id == LessonResult.lesson_id)
        .where(*lesson_filter, LessonResult.mark_value.isnot(None))
        .subquery("ranked"))
    change = (
        select(ranked.c.eid,
               (func.sum(case((ranked.c.from_last == 1, ranked.c.value), else_=0))
                - func.sum(case((ranked.c.from_first == 1, ranked.c.value), else_=0)))
               .label("change"))
        .where(ranked.c.marks >= 2)
        .group_by(ranked.c.eid, ranked.c.cid)
        .subquery("change"))
    return (select(change.c.eid, func.avg(change.c.change).label("progress"),
                   func.count().label("assessed"))
            .group_by(change.c.eid))


def retention_queries(params, service_id=None):
    """Per instructor: how many distinct participants came (present or late) in the previous
    period of the same length, and how many of them came again in this period (see
    ``instructor_league_query``); two grouped queries."""
    date_from, date_to = params["date_from"], params["date_to"]
    days = (date_to - date_from).days + 1
    lower, upper = period_bounds(params)
    previous_lower = lower - timedelta(days=days)

    def came(start, end):
        query = (select(Lesson.instructor_id.label("eid"), Attendance.client_id.label("cid"))
                 .join(Lesson, Lesson.id == Attendance.lesson_id)
                 .where(Lesson.starts_at >= start, Lesson.starts_at < end,
                        Lesson.instructor_id.isnot(None),
                        Attendance.status.in_((PRESENT, LATE))))
        if service_id:
            query = query.where(Lesson.service_id == service_id)
        return query.distinct()

    earlier = came(previous_lower, lower).subquery("earlier")
    now = came(lower, upper).subquery("now")
    before = (select(earlier.c.eid, func.count().label("n")).group_by(earlier.c.eid))
    again = (select(earlier.c.eid, func.count().label("n"))
             .join(now, and_(now.c.eid == earlier.c.eid, now.c.cid == earlier.c.cid))
             .group_by(earlier.c.eid))
    return before, again


def _round_hours(row, params):
    row["hours"] = round(float(row["hours"] or 0), 2)
    row["held_share"] = float(row["held_share"]) if row["held_share"] is not None else None
    row["progress"] = round(float(row["progress"]), 4) if row["progress"] is not None else None
    row["retention"] = float(row["retention"]) if row["retention"] is not None else None
    return row


register(Report(
    name="instructors",
    title=_l("Instructor league table"),
    description=_l("Enrolments, drop-outs, lessons held, hours taught, revenue and profit per "
                   "instructor for the period; average progress of the participants' marks "
                   "(a share of the mark scale), participants assessed (two marks or more) and "
                   "retention (last period's participants who came again)."),
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
        Col("progress", _l("Average progress"), PERCENT),
        Col("assessed", _l("Assessed"), INT),
        Col("retention", _l("Retention"), PERCENT),
    ),
    query=instructor_league_query,
    convert=_round_hours,
    summary=("enrolments", "dropouts", "lessons", "held", "hours", "revenue", "payroll", "profit"),
    landscape=True,
))
