"""The role home pages: what each role sees first, with a constant number of SQL queries."""
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from app.extensions import db
from app.models.staff import Employee
from app.services.money import add_charge, take_payment
from tests.factories.timetable import make_employee, make_group, make_lesson


def _today(hour):
    return datetime.combine(date.today(), time(hour, 0))


def _lessons(count, debt=True):
    """``count`` lessons today, each of a group of 3; the first member of each owes money."""
    lessons = []
    for i in range(count):
        group = make_group(members=3, name=f"Morning group {i}")
        lessons.append(make_lesson(group, starts_at=_today(8 + i)))
        if debt:
            add_charge(group.test_clients[0].id, Decimal("12.50"), "visit")
    db.session.commit()
    return lessons


def test_front_desk_sees_todays_lessons_with_fill_red_flags_checkin_and_debts(login):
    lessons = _lessons(1)
    desk = login("Front desk")
    html = desk.get("/").get_data(as_text=True)
    assert 'id="home-desk"' in html
    assert "Morning group 0" in html
    assert "3 / 20" in html  # filled / capacity
    assert "home-red" in html  # a member owes money
    assert 'name="q"' in html and "/checkin/" in html  # the check-in box
    assert "Debts to collect today" in html and "12.50" in html
    assert f"/attendance/{lessons[0].id}" in html
    assert 'id="home-payrolls"' not in html  # not the accountant's


def test_front_desk_home_without_debt_shows_no_red(login):
    _lessons(1, debt=False)
    html = login("Front desk").get("/").get_data(as_text=True)
    assert "Morning group 0" in html
    assert "home-red" not in html
    assert "Nobody expected today owes money." in html


def test_home_page_queries_do_not_grow_with_rows(login, count_queries):
    desk = login("Front desk")
    manager = login("Manager")
    _lessons(1)
    desk.get("/")
    manager.get("/")
    with count_queries() as few:
        assert desk.get("/").status_code == 200
    with count_queries() as few_manager:
        assert manager.get("/").status_code == 200
    _lessons(6)
    for i in range(4):
        take_payment(make_group(members=1).test_clients[0].id, Decimal("10"), method="cash")
    db.session.commit()
    with count_queries() as many:
        html = desk.get("/").get_data(as_text=True)
    assert "Morning group 5" in html
    with count_queries() as many_manager:
        assert manager.get("/").status_code == 200
    print("home queries: desk", few(), many(), "manager", few_manager(), many_manager())
    assert many() == few()
    assert many_manager() == few_manager()


def test_instructor_sees_own_lessons_today_week_and_attendance_to_mark(login):
    teacher = login("Instructor")
    me = make_employee(full_name="Ms Own", user_id=teacher.user_id)
    other = make_employee(full_name="Mr Other")
    mine = make_lesson(make_group(members=2, instructor=me, name="My kids"),
                       starts_at=_today(9) + timedelta(days=1 if date.today().weekday() < 6 else 0))
    past = make_lesson(make_group(members=2, instructor=me, name="Marked later"),
                       starts_at=datetime.now() - timedelta(hours=30))
    make_lesson(make_group(members=2, instructor=other, name="Not mine"), starts_at=_today(9))
    db.session.commit()
    html = teacher.get("/").get_data(as_text=True)
    assert 'id="home-instructor"' in html and "My lessons this week" in html
    assert "My kids" in html
    assert "Not mine" not in html
    assert 'id="home-to-mark"' in html and f"/attendance/{past.id}" in html
    assert 'id="home-desk"' not in html and 'id="home-numbers"' not in html
    assert db.session.get(Employee, me.id) is not None and mine.id


def test_manager_sees_key_numbers_and_the_desk(login):
    _lessons(2)
    html = login("Manager").get("/").get_data(as_text=True)
    assert 'id="home-numbers"' in html and 'id="home-desk"' in html
    assert "lessons today" in html
    assert "owed by 2 clients" in html
    assert "/dashboard/" in html


def test_accountant_sees_payroll_status_and_todays_payments(login):
    from app.services.staff.payroll import calculate_draft

    group = make_group(members=1)
    take_payment(group.test_clients[0].id, Decimal("42.00"), method="card")
    db.session.commit()
    first = date.today().replace(day=1)
    calculate_draft(first, first + timedelta(days=27))
    html = login("Accountant").get("/").get_data(as_text=True)
    assert 'id="home-payrolls"' in html and "Draft: to approve" in html
    assert 'id="home-payments"' in html and "42.00" in html and "Card" in html
    assert 'id="home-desk"' not in html
