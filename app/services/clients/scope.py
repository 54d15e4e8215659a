"""Which clients a member of staff may see: all of them, or only the clients of their own work.

A login holding ``read_all`` on "Client" (Manager, Front desk, Accountant, Admin) sees every
client. Any other login that may read clients (an instructor) sees only the clients of the
*current* work of the employees linked to it (``Employee.user_id``) — the role decision of
issue 17: an instructor needs the names and medical notes of the people in front of it today
and in the coming lessons (a safety need), and nothing else of the CRM. "Current" means from
the start of today on:

- members of a group the instructor leads (``class_group.instructor_id``) or of a group one of
  whose lessons of today or later the instructor teaches (a substitute), whose membership has
  not ended before today (current and future members; departed members drop out the day
  after they left);
- the client of an individual lesson of today or later the instructor teaches;
- clients with an attendance mark on such a lesson (a drop-in marked today).

Cancelled lessons do not count; past lessons (and their marks) do not either — the attendance
pages of the instructor's own lessons show their members without opening the CRM. A login
without a linked employee sees no client. The rule is
one SQL condition (no query of its own), applied by every channel: the list and its filters,
show/edit pages, the card, the search page, guardians, the Excel export and the REST API.
"""
from datetime import date, datetime, time

from flask import g, has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, false, or_, select, union

from app.extensions import db
from app.models.clients import Client
from app.models.staff import Employee
from app.models.timetable import LESSON_CANCELLED, Attendance, Group, GroupMember, Lesson
from app.security import role_can
from app.services.platform import NotFound

CLIENT_RESOURCE = "Client"
READ_ALL = "read_all"

NOT_VISIBLE_MESSAGE = _l("This client is not among the clients of your lessons.")


def sees_all_clients(user):
    """Whether ``user`` may see every client: one of its roles holds ``read_all`` on "Client"."""
    roles = getattr(user, "roles", None) or []
    return any(role_can(role.name, READ_ALL, CLIENT_RESOURCE) for role in roles)


def own_client_ids(user, on_date=None):
    """A SELECT of the ids of the clients of ``user``'s own work (see the module's rule), as of
    ``on_date`` (default today); ``None`` when the user sees every client."""
    if user is not None and sees_all_clients(user):
        return None
    user_id = getattr(user, "id", None)
    if user_id is None:
        return select(Client.id).where(false())
    since = on_date or date.today()
    employees = select(Employee.id).where(Employee.user_id == user_id)
    own_lesson = and_(Lesson.instructor_id.in_(employees), Lesson.status != LESSON_CANCELLED,
                      Lesson.starts_at >= datetime.combine(since, time()))
    groups = union(
        select(Group.id).where(Group.instructor_id.in_(employees)),
        select(Lesson.group_id).where(own_lesson, Lesson.group_id.is_not(None)),
    )
    return union(
        select(GroupMember.client_id).where(
            GroupMember.group_id.in_(groups),
            or_(GroupMember.left_on.is_(None), GroupMember.left_on >= since)),
        select(Lesson.client_id).where(own_lesson, Lesson.client_id.is_not(None)),
        select(Attendance.client_id).join(Lesson, Lesson.id == Attendance.lesson_id)
        .where(own_lesson),
    )


def client_id_condition(column, user, on_date=None):
    """A WHERE clause keeping the rows whose client id ``column`` is visible to ``user``, or
    ``None`` when the user sees every client."""
    ids = own_client_ids(user, on_date)
    return None if ids is None else column.in_(ids)


def visible_client_filter(user, on_date=None):
    """A WHERE clause on ``Client`` keeping only the clients ``user`` may see, or ``None`` when
    the user sees every client (see the module's rule)."""
    return client_id_condition(Client.id, user, on_date)


def client_visible(user, client_id, on_date=None):
    """Whether ``user`` may see the client ``client_id`` (one query for a restricted user)."""
    condition = visible_client_filter(user, on_date)
    if condition is None:
        return True
    return db.session.scalar(select(Client.id).where(Client.id == client_id, condition)) \
        is not None


def ensure_client_visible(user, client_id, on_date=None):
    """Refuse a client outside ``user``'s scope as not found (its existence is not revealed)."""
    if not client_visible(user, client_id, on_date):
        raise NotFound(NOT_VISIBLE_MESSAGE)


def request_user():
    """The logged-in user of this request (session or JWT), or ``None``."""
    user = getattr(g, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return user
    try:
        from flask_jwt_extended import current_user as jwt_user

        return jwt_user or None
    except Exception:  # no JWT in this request
        return None


def request_client_condition(column):
    """``client_id_condition`` for the user of the current request. Outside a request (jobs,
    CLI, tests of the data layer) system code is unrestricted; inside one, nobody logged in
    sees no client."""
    if not has_request_context():
        return None
    return client_id_condition(column, request_user())
