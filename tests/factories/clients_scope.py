"""A small centre for the client-scope rule: two instructors (logins linked to employees), their
groups and lessons, and clients inside and outside each instructor's work."""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from app.extensions import db
from app.models.timetable import Attendance, GroupMember, Lesson
from tests.factories.timetable import make_employee, make_group, new_client

MINOR = date(date.today().year - 10, 1, 1)

# name -> visible to instructor A, visible to instructor B
# (the instructor's *current* work only: see app/services/clients/scope.py)
EXPECTED = {
    "current": (True, False),        # member of A's group
    "recent": (False, False),        # left A's group 30 days ago
    "longago": (False, False),       # left A's group 120 days ago
    "joining": (True, False),        # joins A's group next week
    "individual": (True, False),     # A's individual lesson tomorrow
    "oldindividual": (False, False),  # A's individual lesson 200 days ago
    "cancelled": (False, False),     # A's cancelled individual lesson
    "substitute": (True, True),      # member of B's group; A teaches one of its next lessons
    "formersub": (False, True),      # member of B's other group; A taught it 10 days ago
    "dropin": (True, False),         # marked today at A's group lesson without being a member
    "olddropin": (False, False),     # marked at A's group lesson 5 days ago
    "outsider": (False, False),      # nobody's
}


@dataclass
class ScopeWorld:
    clients: dict = field(default_factory=dict)  # name -> Client
    employees: tuple = ()

    def ids(self, names=None):
        return {self.clients[name].id for name in (names or self.clients)}

    def visible_to(self, instructor):
        """Names visible to instructor "a" or "b" according to ``EXPECTED``."""
        column = 0 if instructor == "a" else 1
        return {name for name, flags in EXPECTED.items() if flags[column]}

    def token(self, name):
        return f"Zq{name}"


def _lesson(group, instructor, starts_at, **overrides):
    values = dict(group_id=group.id, service_id=group.service_id, room_id=None,
                  instructor_id=instructor.id, starts_at=starts_at,
                  ends_at=starts_at + timedelta(hours=1), status="planned")
    values.update(overrides)
    lesson = Lesson(**values)
    db.session.add(lesson)
    db.session.flush()
    return lesson


def build_scope_world(user_a_id, user_b_id, today=None):
    """Clients named ``Zq<name>`` (see ``EXPECTED``); every client is a minor with a guardian
    named ``Guardian Zq<name>``, so guardian views can be checked too."""
    today = today or date.today()
    world = ScopeWorld()
    for name in EXPECTED:
        world.clients[name] = new_client(
            first_name="Ann", last_name=f"Zq{name}", birth_date=MINOR,
            guardians=[dict(full_name=f"Guardian Zq{name}", relation="mother")])
    c = world.clients
    emp_a = make_employee(user_id=user_a_id)
    emp_b = make_employee(user_id=user_b_id)
    world.employees = (emp_a, emp_b)
    group_a = make_group(members=[c["current"], c["recent"], c["longago"]], instructor=emp_a,
                         joined_on=today - timedelta(days=365))
    members = {m.client_id: m for m in db.session.query(GroupMember)
               .filter(GroupMember.group_id == group_a.id)}
    members[c["recent"].id].left_on = today - timedelta(days=30)
    members[c["longago"].id].left_on = today - timedelta(days=120)
    db.session.add(GroupMember(group_id=group_a.id, client_id=c["joining"].id,
                               joined_on=today + timedelta(days=7)))
    group_b = make_group(members=[c["substitute"]], instructor=emp_b,
                         joined_on=today - timedelta(days=365))
    group_b2 = make_group(members=[c["formersub"]], instructor=emp_b,
                          joined_on=today - timedelta(days=365))
    at_ten = datetime.combine(today, time(10, 0))
    _lesson(group_b, emp_a, at_ten + timedelta(days=3))
    _lesson(group_b2, emp_a, at_ten - timedelta(days=10), status="held")
    for name, when, status in (("individual", at_ten + timedelta(days=1), "planned"),
                               ("oldindividual", at_ten - timedelta(days=200), "held"),
                               ("cancelled", at_ten + timedelta(days=2), "cancelled")):
        _lesson(group_a, emp_a, when, group_id=None, client_id=c[name].id, status=status)
    held = _lesson(group_a, emp_a, at_ten - timedelta(days=5), status="held")
    db.session.add(Attendance(lesson_id=held.id, client_id=c["olddropin"].id, status="present"))
    today_lesson = _lesson(group_a, emp_a, at_ten)
    db.session.add(Attendance(lesson_id=today_lesson.id, client_id=c["dropin"].id,
                              status="present"))
    db.session.commit()
    return world
