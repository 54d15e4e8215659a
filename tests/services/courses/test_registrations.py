"""Registrations: organisations with many people, private persons, prices, capacity."""
from datetime import date
from decimal import Decimal

import pytest

from app.models.courses import CourseParticipant, CourseRegistration
from app.services.courses import registrations
from app.services.platform import Conflict, DomainError, NotFound
from tests.factories.courses import make_company, make_course, make_person


def test_an_organisation_registers_its_people_in_one_registration(db):
    course = make_course(price_per_organisation=Decimal("80.00"))
    company, people = make_company(people=3)
    registrations.register(course.id, [{"client_id": people[0].id, "payment_type": "paid"},
                                       {"client_id": people[1].id, "payment_type": "guarantee"}],
                           organisation_id=company.id)
    registrations.register(course.id, [{"client_id": people[2].id, "payment_type": "free"}],
                           organisation_id=company.id)
    regs = db.session.query(CourseRegistration).filter_by(course_id=course.id).all()
    assert len(regs) == 1 and regs[0].organisation_id == company.id
    prices = {p.client_id: p.price for p in regs[0].participants}
    assert prices == {people[0].id: Decimal("80.00"), people[1].id: Decimal("80.00"),
                      people[2].id: Decimal("0.00")}


def test_private_persons_pay_the_price_per_participant(db):
    course = make_course(price_per_organisation=Decimal("80.00"))
    alice, bob = make_person(), make_person()
    regs, added = registrations.register(course.id, [{"client_id": alice.id},
                                                     {"client_id": bob.id,
                                                      "payment_type": "paid"}])
    assert len(regs) == 2 and all(r.organisation_id is None for r in regs)
    assert [p.price for p in added] == [Decimal("100.00"), Decimal("100.00")]
    assert [p.payment_type for p in added] == ["later", "paid"]


def test_a_person_of_another_organisation_is_refused(db):
    course = make_course()
    company, _ = make_company()
    stranger = make_person()
    with pytest.raises(DomainError) as refused:
        registrations.register(course.id, [{"client_id": stranger.id}], organisation_id=company.id)
    assert refused.value.field == "participants"


def test_a_person_is_registered_once(db):
    course = make_course()
    person = make_person()
    registrations.register(course.id, [{"client_id": person.id}])
    with pytest.raises(Conflict):
        registrations.register(course.id, [{"client_id": person.id}])


def test_unknown_payment_type_and_client_are_refused(db):
    course = make_course()
    person = make_person()
    with pytest.raises(DomainError) as refused:
        registrations.register(course.id, [{"client_id": person.id, "payment_type": "barter"}])
    assert refused.value.field == "payment_type"
    with pytest.raises(NotFound):
        registrations.register(course.id, [{"client_id": 999999}])
    with pytest.raises(NotFound):
        registrations.register(999999, [{"client_id": person.id}])


def test_the_maximum_is_never_exceeded(db):
    course = make_course(max_participants=3)
    company, people = make_company(people=4)
    registrations.register(course.id, [{"client_id": p.id} for p in people[:2]],
                           organisation_id=company.id)
    with pytest.raises(Conflict) as refused:
        registrations.register(course.id, [{"client_id": p.id} for p in people[2:]],
                               organisation_id=company.id)
    assert "1" in str(refused.value.message)
    registrations.register(course.id, [{"client_id": people[2].id}], organisation_id=company.id)
    assert db.session.query(CourseParticipant).filter_by(course_id=course.id).count() == 3


def test_changing_the_payment_type_reprices(db):
    course = make_course()
    person = make_person()
    _, (participant,) = registrations.register(course.id, [{"client_id": person.id}])
    registrations.set_payment_type(participant.id, "free")
    assert participant.price == Decimal("0")
    registrations.set_payment_type(participant.id, "paid")
    assert participant.price == Decimal("100.00")


def test_participants_are_listed_by_organisation_then_name(db, count_queries):
    course = make_course()
    beta, beta_people = make_company(short_name="Beta", people=2)
    alpha, alpha_people = make_company(short_name="Alpha", people=1)
    registrations.register(course.id, [{"client_id": p.id} for p in beta_people],
                           organisation_id=beta.id)
    registrations.register(course.id, [{"client_id": alpha_people[0].id}],
                           organisation_id=alpha.id)
    private = make_person(last_name="Aaa")
    registrations.register(course.id, [{"client_id": private.id}])
    db.session.commit()
    db.session.expire_all()
    with count_queries() as counted:
        rows = registrations.course_participants(course.id)
        names = [(p.registration.organisation.short_name if p.registration.organisation
                  else "", p.client.full_name) for p in rows]
    assert [n[0] for n in names] == ["", "Alpha", "Beta", "Beta"]
    assert counted() <= 2
    assert date.today() == rows[0].registration.registered_on
