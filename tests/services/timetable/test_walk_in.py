"""Walk-in check-in at the desk: idempotent within the repeat window, listed as a visit, and
saying why a pass does not cover the time."""
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from app.models.passes import Charge, Pass, SessionWriteOff
from app.services.timetable import attendance
from tests.factories.passes import make_client, make_pass, make_plan, make_service

TODAY = date.today()


def at(hour, minute=0):
    return datetime.combine(TODAY, time(hour, minute))


def _write_offs(db):
    return db.session.scalar(select(func.count()).select_from(SessionWriteOff))


def test_a_second_scan_within_the_window_writes_nothing_off(app, db):
    plan = make_plan()
    pass_ = make_pass(make_client(), plan)
    service_id = plan.services[0].id
    first = attendance.check_in_to_service(pass_.client_id, service_id, at(10))
    again = attendance.check_in_to_service(pass_.client_id, service_id, at(10, 29))
    assert again.repeated and again.write_off.id == first.write_off.id
    assert _write_offs(db) == 1 and db.session.get(Pass, pass_.id).sessions_used == 1
    later = attendance.check_in_to_service(pass_.client_id, service_id, at(10, 31))
    assert not later.repeated and _write_offs(db) == 2
    other_service = make_service()
    plan.services.append(other_service)  # the plan changes; the pass does not cover it
    db.session.flush()
    owed = attendance.check_in_to_service(pass_.client_id, other_service.id, at(10, 32))
    assert not owed.repeated and owed.write_off.pass_id is None


def test_the_repeat_window_is_a_setting(app, db):
    plan = make_plan()
    pass_ = make_pass(make_client(), plan)
    service_id = plan.services[0].id
    app.config["WALK_IN_REPEAT_MINUTES"] = 5
    try:
        attendance.check_in_to_service(pass_.client_id, service_id, at(10))
        assert attendance.check_in_to_service(pass_.client_id, service_id, at(10, 4)).repeated
        assert not attendance.check_in_to_service(pass_.client_id, service_id,
                                                  at(10, 6)).repeated
    finally:
        app.config.pop("WALK_IN_REPEAT_MINUTES")


def test_an_owed_walk_in_is_charged_once_and_says_why(app, db):
    service = make_service(single_visit_price=Decimal("14.00"))
    plan = make_plan(services=[service], time_window="day")
    pass_ = make_pass(make_client(), plan)
    first = attendance.check_in_to_service(pass_.client_id, service.id, at(9))
    assert first.write_off.pass_id is None
    assert "12:00–17:00 only" in str(first.reason)
    attendance.check_in_to_service(pass_.client_id, service.id, at(9, 10))
    charges = db.session.scalars(select(Charge).where(Charge.kind == "visit")).all()
    assert [c.amount for c in charges] == [Decimal("14.00")]


def test_walk_ins_are_listed_with_lesson_visits(app, db):
    plan = make_plan()
    pass_ = make_pass(make_client(), plan)
    attendance.check_in_to_service(pass_.client_id, plan.services[0].id, at(8))
    rows = attendance.visits(pass_.client_id)
    assert len(rows) == 1
    assert rows[0].lesson_id is None and rows[0].status == "present"
    assert rows[0].service == plan.services[0].name and rows[0].starts_at == at(8)


def test_a_walk_in_on_a_later_day_is_a_new_visit(app, db):
    plan = make_plan()
    pass_ = make_pass(make_client(), plan, start_date=TODAY - timedelta(days=1))
    service_id = plan.services[0].id
    attendance.check_in_to_service(pass_.client_id, service_id, at(10) - timedelta(days=1))
    assert not attendance.check_in_to_service(pass_.client_id, service_id, at(10)).repeated
