"""The demo timetable loads on top of the demo clients and passes, and loads only once."""
from sqlalchemy import func, select

from app.models.staff import Employee
from app.models.timetable import Attendance, Group, Lesson
from app.demo import DEMO_USERS, DEMO_PASSWORD
from app.services.platform.users import ensure_user


def test_demo_timetable_is_idempotent(db):
    from app.demo import clients, money as passes, timetable

    users = {u: ensure_user(u, DEMO_PASSWORD, f, l, f"{u}@demo.local", [r])
             for u, f, l, r, _ in DEMO_USERS}
    clients.load(users)
    passes.load(users)
    first = timetable.load(users)
    assert first["groups"] >= 5 and first["lessons"] > 20 and first["group members"] > 20
    counts = lambda: [db.session.scalar(select(func.count(m.id)))  # noqa: E731
                      for m in (Employee, Group, Lesson, Attendance)]
    before = counts()
    second = timetable.load(users)
    assert counts() == before
    assert second["lessons"] == 0 and second["groups"] == 0 and second["lessons held"] == 0
    aram = db.session.scalar(select(Employee).where(Employee.user_id == users["instructor"].id))
    assert aram is not None and aram.full_name == "Aram Petrosyan"
    assert db.session.scalar(select(func.count(Lesson.id)).where(Lesson.status == "held")) > 0
