"""Demo timetable: rooms, instructors (Aram Petrosyan is the demo login "instructor"), groups
with demo clients, weekly patterns, lessons a week back and a week ahead (the past ones held).
Rooms are named in the demo's language (``app.demo.names``; the keys below are their English
names), as are the services the groups follow (keys of ``app.demo.money.SERVICES``)."""
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from app.demo import names as demo_names
from app.extensions import db
from app.models.clients import Client
from app.models.passes import LIVE_STATUSES, Pass, Service, pass_plan_service
from app.models.staff import Employee
from app.models.timetable import Group, GroupMember, Lesson, LessonPattern, Room
from app.services.timetable.attendance import mark_attendance
from app.services.platform import DomainError
from app.services.timetable.lessons import generate_lessons

ROOMS = [("Main hall", 25), ("Yoga room", 15), ("Pool", 30), ("Dance studio", 20),
         ("Classroom 1", 12)]
INSTRUCTORS = [  # name, position, demo login
    ("Aram Petrosyan", "Yoga instructor", "instructor"),
    ("Élodie Bernard", "Professeure de danse", None),
    ("Олександр Шевченко", "Тренер з шахів", None),
    ("Мария Иванова", "Преподаватель английского", None),
    ("Sophie Laurent", "Maître-nageuse", None),
    ("Նարինե Գրիգորյան", "Պարուսույց", None),
]
# group, service, room, instructor, capacity, [(weekday, start, minutes)]
GROUPS = [
    ("Yoga du soir", "Yoga", "Yoga room", "Aram Petrosyan", 14, [(0, "18:30", 75), (3, "18:30", 75)]),
    ("Yoga du matin", "Yoga", "Yoga room", "Aram Petrosyan", 12, [(1, "08:00", 60), (4, "08:00", 60)]),
    ("Danse enfants — mercredi", "Kids' dance", "Dance studio", "Élodie Bernard", 12,
     [(2, "14:00", 60), (5, "10:00", 60)]),
    ("Английский B1", "English", "Classroom 1", "Мария Иванова", 10,
     [(0, "17:00", 90), (2, "17:00", 90)]),
    ("Шахи для початківців", "Chess", "Classroom 1", "Олександр Шевченко", 10,
     [(1, "16:00", 60), (3, "16:00", 60)]),
    ("Պար — ավանդական", "Armenian dance", "Dance studio", "Նարինե Գրիգորյան", 16,
     [(1, "19:00", 90), (4, "19:00", 90)]),
    ("Aquagym", "Pool", "Pool", "Sophie Laurent", 20, [(0, "09:00", 45), (2, "09:00", 45),
                                                     (5, "11:00", 45)]),
]


def _by_name(model, attr, names, factory):
    existing = {getattr(o, attr): o for o in db.session.scalars(
        select(model).where(getattr(model, attr).in_(names)))}
    created = 0
    for name in names:
        if name not in existing:
            existing[name] = factory(name)
            db.session.add(existing[name])
            created += 1
    db.session.flush()
    return existing, created


def _fits(client, service):
    """The client's age is within the service's limits (no child in adult yoga)."""
    age = client.age()
    if age is None:
        return service.min_age is None
    return ((service.min_age is None or age >= service.min_age)
            and (service.max_age is None or age <= service.max_age))


def _members_for(service, capacity, taken):
    """Clients with a live pass covering the service (else any active clients) whose age fits
    the service, not yet used; plus one adult newcomer without a pass (an owed visit, a red
    flag) where the service takes adults — never a child, whose visits a pass always covers."""
    with_pass = list(db.session.scalars(
        select(Pass.client_id).join(pass_plan_service, pass_plan_service.c.pass_plan_id == Pass.plan_id)
        .where(pass_plan_service.c.service_id == service.id, Pass.status.in_(LIVE_STATUSES))
        .distinct().order_by(Pass.client_id)))
    clients = {c.id: c for c in db.session.scalars(select(Client).where(Client.active.is_(True))
                                                   .order_by(Client.id))}
    chosen = [cid for cid in with_pass if cid not in taken and cid in clients
              and _fits(clients[cid], service)][: capacity - 2]
    wanted = max(3, len(chosen) + 1)
    for cid, client in clients.items():
        if len(chosen) >= wanted:
            break
        age = client.age()
        if cid not in chosen and cid not in taken and _fits(client, service) \
                and (age is None or age >= 18):
            chosen.append(cid)
    return chosen


def load(users):
    today = date.today()
    rooms, new_rooms = demo_names.ensure(
        Room, "room", [r for r, _ in ROOMS],
        lambda key, name: Room(name=name, capacity=dict(ROOMS)[key], active=True))
    login_ids = {name: users[login].id for name, _, login in INSTRUCTORS
                 if login and login in users}
    staff, new_staff = _by_name(
        Employee, "full_name", [i[0] for i in INSTRUCTORS],
        lambda n: Employee(full_name=n, position={i[0]: i[1] for i in INSTRUCTORS}[n],
                           hire_date=date(today.year - 2, 9, 1), user_id=login_ids.get(n),
                           active=True))
    services = demo_names.existing(Service, "service")
    new_groups = new_members = 0
    taken = set()
    for name, service_name, room, instructor, capacity, slots in GROUPS:
        service = services.get(service_name)
        if service is None:
            continue
        group = db.session.scalar(select(Group).where(Group.name == name))
        if group is None:
            group = Group(name=name, service_id=service.id, room_id=rooms[room].id,
                          instructor_id=staff[instructor].id, capacity=capacity, active=True)
            db.session.add(group)
            db.session.flush()
            new_groups += 1
            for weekday, start, minutes in slots:
                db.session.add(LessonPattern(group_id=group.id, weekday=weekday,
                                             start_time=time.fromisoformat(start),
                                             duration_minutes=minutes,
                                             valid_from=today - timedelta(days=60)))
        if db.session.scalar(select(GroupMember.id).where(GroupMember.group_id == group.id)
                             .limit(1)) is None:
            for client_id in _members_for(service, capacity, taken):
                db.session.add(GroupMember(group_id=group.id, client_id=client_id,
                                           joined_on=today - timedelta(days=45)))
                taken.add(client_id)
                new_members += 1
    db.session.flush()
    generated = generate_lessons(today - timedelta(days=7), today + timedelta(days=7))
    db.session.flush()
    held = 0
    past = db.session.scalars(select(Lesson).where(Lesson.status == "planned",
                                                   Lesson.starts_at < datetime.combine(today, time()))
                              .order_by(Lesson.starts_at)).all()
    for lesson in past:
        members = db.session.scalars(select(GroupMember.client_id)
                                     .where(GroupMember.group_id == lesson.group_id)).all()
        marks = [{"client_id": cid, "status": "absent" if i % 5 == 4 else "present"}
                 for i, cid in enumerate(sorted(members))]
        try:
            with db.session.begin_nested():
                mark_attendance(lesson.id, marks, held=True)
            held += 1
        except DomainError:
            continue
    db.session.commit()
    return {"rooms": new_rooms, "instructors": new_staff, "groups": new_groups,
            "group members": new_members, "lessons": len(generated.created), "lessons held": held}
