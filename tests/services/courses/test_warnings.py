"""The minimum-participants warning: one task per course, to its manager, N days before."""
from datetime import date, timedelta

from app.services.courses import registrations, warn_courses_below_minimum
from tests.factories.courses import make_company, make_course


def test_a_course_short_of_people_warns_its_manager_once(db, make_user):
    manager = make_user("Manager")
    today = date.today()
    short = make_course(title="Short", starts_on=today + timedelta(days=5), min_participants=3,
                        manager_id=manager.id)
    company, people = make_company(people=3)
    registrations.register(short.id, [{"client_id": people[0].id}], organisation_id=company.id)
    full = make_course(title="Full", starts_on=today + timedelta(days=5), min_participants=2)
    registrations.register(full.id, [{"client_id": p.id} for p in people[:2]],
                           organisation_id=company.id)
    make_course(title="Later", starts_on=today + timedelta(days=10), min_participants=3)
    make_course(title="Cancelled", starts_on=today + timedelta(days=2), min_participants=3,
                cancelled=True)
    db.session.commit()

    tasks = warn_courses_below_minimum()
    db.session.commit()
    assert len(tasks) == 1
    task = tasks[0]
    assert task.manager_id == manager.id and "Short" in task.text and "1" in task.text
    assert db.session.get(type(short), short.id).min_warning_task_id == task.id

    assert warn_courses_below_minimum() == []
    assert warn_courses_below_minimum(today + timedelta(days=4)) != []  # "Later" now due
    db.session.rollback()
