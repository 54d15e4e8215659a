"""Payroll benchmark: one month with 60 instructors, 25,000 held lessons, 300,000 attendances.

Builds its data in a temporary SQLite file (or the database in BENCH_DATABASE_URL, which it
empties first), then times the draft calculation, the warnings, reading the lines for the page,
the approval and the Excel export, with the SQL query count of each.

    .venv/bin/python bench/payroll.py [--scale 0.1]
"""
import argparse
import os
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal

from _common import build_app, database_url, measure, stopwatch, temporary_folder
from sqlalchemy import insert, text

PERIOD = (date(2026, 1, 1), date(2026, 1, 31))


@contextmanager
def measured(engine, label):
    """Print the wall time and SQL statement count of the block."""
    with measure(engine) as result:
        yield
    print(f"  {label:<38} {result.seconds:8.3f} s  {result.queries:5d} queries")


def build(db, instructors, lessons, per_lesson):
    from app.models.clients import Client
    from app.models.passes import Service, SessionWriteOff
    from app.models.payroll import (
        FIXED_MONTHLY, PER_ATTENDEE, PER_LESSON, REVENUE_PERCENT, PayRule,
    )
    from app.models.staff import Employee
    from app.models.timetable import Attendance, Group, Lesson

    session = db.session
    clients = max(per_lesson * 10, 3000)
    now = datetime(2025, 12, 1)
    audit = dict(created_on=now, changed_on=now, version=1)
    session.execute(insert(Service), [dict(id=1, name="Bench", single_visit_price=15, active=True,
                                           **audit)])
    session.execute(insert(Employee), [
        dict(id=i, full_name=f"Instructor {i:03d}", hire_date=date(2024, 1, 1), active=True,
             **audit) for i in range(1, instructors + 1)])
    groups = instructors * 5
    session.execute(insert(Group), [
        dict(id=g, name=f"Group {g}", service_id=1, instructor_id=(g - 1) % instructors + 1,
             capacity=per_lesson, active=True, **audit) for g in range(1, groups + 1)])
    session.execute(insert(Client), [
        dict(id=c, first_name=f"C{c}", last_name="Bench", consent_email=False, consent_sms=False,
             discount_percent=0, active=True, **audit) for c in range(1, clients + 1)])
    kinds = [(PER_LESSON, dict(amount=Decimal("20"))),
             (PER_ATTENDEE, dict(amount=Decimal("2.5"), min_attendees=3, base_amount=Decimal("5"))),
             (REVENUE_PERCENT, dict(percent=Decimal("30"))),
             (FIXED_MONTHLY, dict(amount=Decimal("800")))]
    rules = []
    for i in range(1, instructors + 1):
        kind, values = kinds[i % 4]
        rules.append(dict(employee_id=i, kind=kind, valid_from=date(2025, 1, 1), **values,
                          **audit))
        if kind == FIXED_MONTHLY:  # a mix: a salary and a per-attendee bonus
            rules.append(dict(employee_id=i, kind=PER_ATTENDEE, valid_from=date(2025, 1, 1),
                              amount=Decimal("1"), **audit))
        if i % 3 == 0:  # a mid-month rate change
            rules.append(dict(employee_id=i, kind=kind, valid_from=date(2026, 1, 16), **values,
                              **audit))
    session.execute(insert(PayRule), [dict({"amount": None, "percent": None,
                                            "min_attendees": None, "base_amount": None}, **r)
                                      for r in rules])
    lesson_rows, attendance_rows, write_off_rows = [], [], []
    write_off_id = 0
    for n in range(1, lessons + 1):
        starts = datetime(2026, 1, 1, 7) + timedelta(days=n % 31,
                                                     minutes=(n * 37) % (14 * 60) // 15 * 15)
        group = (n - 1) % groups + 1
        status = "planned" if n % 250 == 0 else "held"
        lesson_rows.append(dict(id=n, group_id=group, service_id=1,
                                instructor_id=(group - 1) % instructors + 1, starts_at=starts,
                                ends_at=starts + timedelta(hours=1), status=status, **audit))
        for k in range(per_lesson):
            client = (n * per_lesson + k) % clients + 1
            present = (n + k) % 7 != 0
            wo = None
            if present:
                write_off_id += 1
                wo = write_off_id
                write_off_rows.append(dict(id=wo, client_id=client, service_id=1, at=starts,
                                           value=Decimal("12.50"), cancelled=(n + k) % 50 == 0,
                                           **audit))
            attendance_rows.append(dict(lesson_id=n, client_id=client,
                                        status="present" if present else "absent",
                                        write_off_id=wo, **audit))
    for model, rows in ((Lesson, lesson_rows), (SessionWriteOff, write_off_rows),
                        (Attendance, attendance_rows)):
        for chunk in range(0, len(rows), 20000):
            session.execute(insert(model), rows[chunk:chunk + 20000])
    session.commit()
    return len(lesson_rows), len(attendance_rows)


def report(engine):
    """Time the payroll steps on the built month, printing one line each and a summary."""
    from app.services.staff import payroll as service
    from app.services.staff.payroll_exports import build_payroll_xlsx

    with measured(engine, "calculate draft (first)"):
        payroll = service.calculate_draft(*PERIOD)
    with measured(engine, "recalculate draft"):
        payroll = service.calculate_draft(*PERIOD)
    with measured(engine, "warnings (unmarked, no rule)"):
        warnings = service.payroll_warnings(*PERIOD)
    with measured(engine, "page: lines grouped by employee"):
        people = service.group_by_employee(service.payroll_lines(payroll.id))
    with measured(engine, "page: one employee's lines"):
        service.payroll_lines(payroll.id, {1})
    with measured(engine, "approve (re-checks the figures)"):
        service.approve_payroll(payroll.id, None)
    with measured(engine, "Excel export"):
        path = build_payroll_xlsx(payroll.id)
    print(f"  lines: {len(payroll.lines)}, employees: {len(people)}, warnings: "
          f"{len(warnings)}, total: {payroll.total}, xlsx: {os.path.getsize(path)} bytes")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    instructors = max(2, int(60 * args.scale))
    lessons = max(10, int(25000 * args.scale))
    per_lesson = 12

    from app.extensions import db

    with temporary_folder("tessera-bench-payroll-") as instance:
        app = build_app(database_url(instance), instance)
        with app.app_context():
            if db.engine.dialect.name == "postgresql":
                with db.engine.begin() as conn:
                    conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.drop_all()
            db.create_all()
            with stopwatch() as built:
                made_lessons, made_attendances = build(db, instructors, lessons, per_lesson)
            print(f"{db.engine.dialect.name}: {instructors} instructors, {made_lessons} lessons, "
                  f"{made_attendances} attendances (built in {built.seconds:.1f} s)")
            report(db.engine)


if __name__ == "__main__":
    main()
