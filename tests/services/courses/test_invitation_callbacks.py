"""Call-back tasks from course invitations: one per person invited, N days later, for their
manager (or whoever invited); a "yes" result on the task registers the person once, a refusal
declines the invitation, an ordinary answer changes nothing."""
from datetime import date, datetime, time, timedelta

import pytest

from app.models.communication import Task
from app.models.courses import CourseInvitation
from app.security import MANAGER
from app.services.communication.tasks import close_task
from app.services.courses import invitations, registrations
from app.services.platform import DomainError
from tests.factories.communication import make_task_result, make_template
from tests.factories.courses import make_company, make_course


def _participants(course):
    return sorted(p.client_id for p in registrations.course_participants(course.id))


def _invited(db, make_user, people=3):
    make_template(name="course_invitation", subject="{course_title}", body="Join {course_title}")
    sender, own_manager = make_user(MANAGER), make_user(MANAGER)
    company, persons = make_company(people=people)
    persons[0].manager_id = own_manager.id
    course = make_course(title="Negotiation")
    made = invitations.invite(course.id, organisation_id=company.id, callback_days=3,
                              sender_id=sender.id)
    return course, made, persons, sender, own_manager


def test_a_task_per_person_invited_n_days_later(db, make_user):
    course, made, persons, sender, own_manager = _invited(db, make_user)
    tasks = {t.client_id: t for t in db.session.query(Task)}
    assert set(tasks) == {p.id for p in persons}
    due = datetime.combine(date.today() + timedelta(days=3), time(10, 0))
    assert all(t.due_at == due and t.status == "open" and "Negotiation" in t.text
               for t in tasks.values())
    assert tasks[persons[0].id].manager_id == own_manager.id
    assert {tasks[p.id].manager_id for p in persons[1:]} == {sender.id}
    assert {i.client_id: i.task_id for i in made} == {cid: t.id for cid, t in tasks.items()}
    # inviting again invites nobody twice and makes no second task
    assert invitations.invite(course.id, client_ids=[p.id for p in persons],
                              callback_days=3, sender_id=sender.id) == []
    assert db.session.query(Task).count() == 3


@pytest.mark.parametrize("days", ["x", -1, 91, True])
def test_the_number_of_days_is_checked(db, days):
    company, _people = make_company(people=1)
    course = make_course()
    with pytest.raises(DomainError) as refused:
        invitations.invite(course.id, organisation_id=company.id, callback_days=days)
    assert refused.value.field == "callback_days"
    assert db.session.query(CourseInvitation).count() == 0


def test_a_yes_on_the_task_registers_once_a_refusal_declines(db, make_user):
    course, made, persons, _sender, _own = _invited(db, make_user)
    yes = make_task_result("Agrees to come", kind="yes", commit=False)
    no = make_task_result("No budget", kind="refusal", commit=False)
    maybe = make_task_result("Thinking", kind="answer", commit=False)
    db.session.flush()
    first, second, third = made
    close_task(first.task_id, result_id=yes.id)
    close_task(first.task_id, result_id=yes.id)  # saved again: still one registration
    close_task(second.task_id, result_id=no.id)
    close_task(third.task_id, result_id=maybe.id)
    assert _participants(course) == [first.client_id]
    db.session.expire_all()
    states = {i.id: i.status for i in db.session.query(CourseInvitation)}
    assert states == {first.id: "accepted", second.id: "declined", third.id: "sent"}
    assert db.session.get(CourseInvitation, first.id).participant_id
    # a task that is no invitation's call-back registers nobody
    other = make_user(MANAGER)
    from app.services import communication

    lone = communication.create_task("Call", date.today(), manager_id=other.id,
                                     client_id=third.client_id)
    close_task(lone.id, result_id=yes.id)
    assert _participants(course) == [first.client_id]
