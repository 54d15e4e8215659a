"""Test data for payroll: employees, held lessons with attendances and write-offs, pay rules.

Rows are built directly (not through the timetable or pass services) so payroll tests pin the
payroll rules only; each function takes keyword overrides and flushes.
"""
import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal

from app.extensions import db
from app.models.clients import Client
from app.models.passes import Service, SessionWriteOff
from app.models.payroll import PayRule
from app.models.staff import Employee
from app.models.timetable import Attendance, Group, Lesson

_seq = itertools.count(1)


def make_employee(**kw):
    n = next(_seq)
    values = dict(full_name=f"Employee {n}", position="Instructor", hire_date=date(2020, 1, 1))
    values.update(kw)
    employee = Employee(**values)
    db.session.add(employee)
    db.session.flush()
    return employee


def make_service(**kw):
    values = dict(name=f"Service {next(_seq)}", single_visit_price=Decimal("15"))
    values.update(kw)
    service = Service(**values)
    db.session.add(service)
    db.session.flush()
    return service


def make_client(**kw):
    n = next(_seq)
    values = dict(first_name=f"Client{n}", last_name="Test")
    values.update(kw)
    client = Client(**values)
    db.session.add(client)
    db.session.flush()
    return client


def make_group(**kw):
    values = dict(name=f"Group {next(_seq)}")
    values.update(kw)
    if "service_id" not in values:
        values["service_id"] = make_service().id
    group = Group(**values)
    db.session.add(group)
    db.session.flush()
    return group


def make_lesson(instructor, starts_at, status="held", group=None, **kw):
    """A lesson of ``group`` (a new one when not given) taught by ``instructor``."""
    if group is None and "client_id" not in kw:
        group = make_group(instructor_id=instructor.id)
    service_id = kw.pop("service_id", None) or (group.service_id if group else make_service().id)
    lesson = Lesson(group_id=group.id if group else None, service_id=service_id,
                    instructor_id=instructor.id, starts_at=starts_at,
                    ends_at=starts_at + timedelta(hours=1), status=status, **kw)
    db.session.add(lesson)
    db.session.flush()
    return lesson


def make_attendance(lesson, status="present", value=None, cancelled=False, client=None):
    """One client's attendance; with ``value`` a session write-off worth that much."""
    client = client or make_client()
    write_off = None
    if value is not None:
        write_off = SessionWriteOff(client_id=client.id, service_id=lesson.service_id,
                                    at=lesson.starts_at, value=Decimal(str(value)),
                                    cancelled=cancelled)
        db.session.add(write_off)
        db.session.flush()
    attendance = Attendance(lesson_id=lesson.id, client_id=client.id, status=status,
                            write_off_id=write_off.id if write_off else None)
    db.session.add(attendance)
    db.session.flush()
    return attendance


def make_rule(employee, kind, valid_from=date(2026, 1, 1), **kw):
    rule = PayRule(employee_id=employee.id, kind=kind, valid_from=valid_from, **kw)
    db.session.add(rule)
    db.session.flush()
    return rule


def at(day, hour=10):
    """A datetime on ``day`` (a date) at ``hour``."""
    return datetime(day.year, day.month, day.day, hour)
