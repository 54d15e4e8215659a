"""The demo centre makes sense: its children's passes cover their classes (the kids' Saturday
class included), so a normal week marked with everyone present charges no child a visit; no
child is a member of a class for older clients (adult yoga at 18:30); a "problem" client shows
a warning at check-in."""
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from app.models.clients import Client, ClientCategory
from app.models.passes import Service, SessionWriteOff
from app.models.timetable import Group, GroupMember, Lesson


def test_demo_children_owe_nothing_on_a_normal_week(app, db):
    from app.demo import load_demo
    from app.services.timetable.attendance import mark_attendance
    from app.services.timetable.lessons import members_by_lesson

    load_demo()
    today = date.today()
    clients = {c.id: c for c in db.session.scalars(select(Client))}
    minors = {cid for cid, c in clients.items() if (c.age() if c.birth_date else 99) < 18}
    assert minors

    # no child in a class for older clients
    for group, service in db.session.execute(
            select(Group, Service).join(Service, Service.id == Group.service_id)):
        for member in db.session.scalars(select(GroupMember.client_id)
                                         .where(GroupMember.group_id == group.id)):
            age = clients[member].age()
            if age is not None and service.min_age is not None:
                assert age >= service.min_age, (clients[member].full_name, group.name)

    # the coming week, everyone present at every lesson
    start = datetime.combine(today, time())
    upcoming = db.session.scalars(select(Lesson).where(
        Lesson.starts_at >= start, Lesson.starts_at < start + timedelta(days=7),
        Lesson.status == "planned")).all()
    members = members_by_lesson(upcoming)
    assert any(lesson.starts_at.weekday() == 5 and members[lesson.id] for lesson in upcoming)
    for lesson in upcoming:
        mark_attendance(lesson.id, [{"client_id": cid, "status": "present"}
                                    for cid in members[lesson.id]], held=True)
    db.session.commit()

    owed_by_children = db.session.scalars(select(SessionWriteOff).where(
        SessionWriteOff.pass_id.is_(None), SessionWriteOff.cancelled.is_(False),
        SessionWriteOff.client_id.in_(minors))).all()
    assert [(clients[w.client_id].full_name, w.at) for w in owed_by_children] == []
    kids_present = db.session.scalars(select(SessionWriteOff.client_id).where(
        SessionWriteOff.client_id.in_(minors), SessionWriteOff.at >= start)).all()
    assert kids_present  # the children did come, and their passes paid


def test_demo_problem_category_warns_at_check_in(app, db):
    from app.demo import load_demo

    load_demo()
    flags = dict(db.session.execute(select(ClientCategory.name,
                                            ClientCategory.warn_at_checkin)).all())
    assert flags["Problem"] is True and flags["VIP"] is False
