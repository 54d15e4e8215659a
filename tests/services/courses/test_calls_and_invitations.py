"""Organisation call history and course invitations: an accepted invitation (call result or
"yes" reply) registers the person once, within the course's maximum; invitations go out through
the communication domain once per person."""
from datetime import date, datetime, timedelta

import pytest

from app.models.communication import Message, Task
from app.models.courses import CourseInvitation, CourseParticipant, OrganisationCall
from app.security import MANAGER
from app.services.courses import calls, invitations, registrations
from app.services.platform import Conflict, DomainError
from tests.factories.clients import make_organisation
from tests.factories.communication import make_template
from tests.factories.courses import make_company, make_course, make_person


def _participants(course):
    return sorted(p.client_id for p in registrations.course_participants(course.id))


def test_calls_are_kept_latest_first_with_a_call_back_task(db, make_user):
    company, (person,) = make_company(people=1)
    manager = make_user(MANAGER)
    first = calls.record_call(company.id, "no_answer", manager_id=manager.id,
                              called_at=datetime(2026, 5, 1, 10))
    second = calls.record_call(company.id, "call_back", manager_id=manager.id,
                               called_at=datetime(2026, 5, 2, 11), note="After lunch",
                               next_call_on=date(2026, 5, 4))
    assert [c.id for c in calls.organisation_calls(company.id)] == [second.id, first.id]
    task = db.session.get(Task, second.task_id)
    assert task.due_at.date() == date(2026, 5, 4) and task.manager_id == manager.id
    assert first.task_id is None


def test_call_refusals_name_the_field(db):
    company, (person,) = make_company(people=1)
    other, (stranger,) = make_company(people=1)
    course = make_course()
    cases = [(dict(result="maybe"), "result"),
             (dict(result="accepted", client_id=person.id), "course"),
             (dict(result="accepted", course_id=course.id), "client"),
             (dict(result="accepted", course_id=course.id, client_id=stranger.id), "client"),
             (dict(result="call_back", called_at=datetime(2026, 5, 2, 10),
                   next_call_on=date(2026, 5, 1)), "next_call_on")]
    for kwargs, field in cases:
        with pytest.raises(DomainError) as refused:
            calls.record_call(company.id, **kwargs)
        assert refused.value.field == field
    assert db.session.query(OrganisationCall).count() == 0


def test_an_accepted_call_registers_the_person_once(db):
    company, (person, colleague) = make_company(people=2)
    course = make_course(max_participants=1)
    call = calls.record_call(company.id, "accepted", course_id=course.id, client_id=person.id)
    assert _participants(course) == [person.id]
    participant = db.session.get(CourseParticipant, call.participant_id)
    assert participant.registration.organisation_id == company.id
    again = calls.record_call(company.id, "accepted", course_id=course.id, client_id=person.id)
    assert again.participant_id == call.participant_id and _participants(course) == [person.id]
    with pytest.raises(Conflict):  # the course is full: the call is refused, nothing saved
        calls.record_call(company.id, "accepted", course_id=course.id, client_id=colleague.id)
    assert _participants(course) == [person.id]


def test_invitations_go_out_once_and_a_yes_registers_once(db):
    make_template(name="course_invitation", subject="{course_title}",
                  body="Dear {first_name}, join {course_title} on {course_dates}.")
    company, people = make_company(people=2)
    for person in people:
        person.email, person.consent_email = f"{person.first_name}@example.org", True
    private = make_person(email="solo@example.org", consent_email=True)
    course = make_course(title="Credit risk", starts_on=date.today() + timedelta(days=10))
    queued = []
    made = invitations.invite(course.id, organisation_id=company.id, enqueue_delivery=queued.extend)
    assert sorted(i.client_id for i in made) == sorted(p.id for p in people)
    assert len(queued) == 2
    bodies = [m.body for m in db.session.query(Message).filter(Message.id.in_(queued))]
    assert all("Credit risk" in body for body in bodies)
    # again: nobody is invited twice, nothing sent twice
    assert invitations.invite(course.id, organisation_id=company.id,
                              enqueue_delivery=queued.extend) == []
    assert len(queued) == 2
    (solo,) = invitations.invite(course.id, client_ids=[private.id],
                                 enqueue_delivery=queued.extend)
    invitation = made[0]
    invitations.answer(invitation.id, yes=True)
    invitations.answer(invitation.id, yes=True)
    invitations.answer(invitation.id, yes=False)  # a late "no" does not undo the registration
    assert _participants(course) == [invitation.client_id]
    assert invitation.status == "accepted" and invitation.participant_id
    invitations.answer(solo.id, yes=False)
    assert solo.status == "declined"
    invitations.answer(solo.id, yes=True)
    assert _participants(course) == sorted([invitation.client_id, private.id])
    # a call about an invited person marks the invitation accepted too
    other = made[1]
    calls.record_call(company.id, "accepted", course_id=course.id, client_id=other.client_id)
    assert db.session.get(CourseInvitation, other.id).status == "accepted"
    assert len(_participants(course)) == 3


def test_a_past_or_cancelled_course_invites_nobody(db):
    company, _people = make_company(people=1)
    past = make_course(starts_on=date.today() - timedelta(days=10))
    with pytest.raises(DomainError) as refused:
        invitations.invite(past.id, organisation_id=company.id)
    assert refused.value.field == "course"
    empty = make_organisation(short_name="Nobody Ltd", commit=False)
    db.session.flush()
    with pytest.raises(DomainError):
        invitations.invite(make_course().id, organisation_id=empty.id)


def test_inviting_a_segment_by_industry_and_past_course(db):
    from tests.factories.clients import make_industry

    banks = make_industry(name="Banking")
    bank, bankers = make_company(people=2, industry_id=banks.id)
    _shop, shopkeepers = make_company(people=1)
    earlier = make_course(starts_on=date.today() - timedelta(days=60))
    registrations.register(earlier.id, [{"client_id": bankers[0].id},
                                        {"client_id": shopkeepers[0].id}])
    course = make_course()
    made = invitations.invite(course.id, segment={"industry_id": banks.id})
    assert sorted(i.client_id for i in made) == sorted(p.id for p in bankers)
    other = make_course()
    made = invitations.invite(other.id, past_course_id=earlier.id)
    assert sorted(i.client_id for i in made) == sorted([bankers[0].id, shopkeepers[0].id])
    third = make_course()
    made = invitations.invite(third.id, segment={"industry_id": banks.id},
                              past_course_id=earlier.id)
    assert [i.client_id for i in made] == [bankers[0].id]
    with pytest.raises(DomainError) as refused:
        invitations.invite(third.id, segment={"industry_id": "x"})
    assert refused.value.field == "industry_id"
