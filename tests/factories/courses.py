"""Factories for courses: a course with its service and instructor, an organisation with its
people, registrations."""
from datetime import date, timedelta
from decimal import Decimal
from itertools import count

from app.extensions import db
from app.models.clients import Client, Organisation
from app.models.courses import Course, CourseCost, CourseDirection
from app.models.staff import Employee
from app.services.clients.records import fill_search_fields
from tests.factories.passes import make_service

_seq = count(1)


def make_direction(**overrides):
    values = dict(name=f"Direction {next(_seq)}")
    values.update(overrides)
    direction = CourseDirection(**values)
    db.session.add(direction)
    db.session.flush()
    return direction


def make_course(**overrides):
    """A two-day course starting in 30 days, 100.00 per participant, 2 to 10 people."""
    n = next(_seq)
    starts = overrides.pop("starts_on", date.today() + timedelta(days=30))
    values = dict(title=f"Course {n}", starts_on=starts, ends_on=starts + timedelta(days=1),
                  price_per_participant=Decimal("100.00"), min_participants=2,
                  max_participants=10, certificate_series="TC")
    values.update(overrides)
    if "service_id" not in values:
        values["service_id"] = make_service(name=f"Seminar service {n}").id
    if "instructor_id" not in values:
        employee = Employee(full_name=f"Lecturer {n}", titles="PhD", phone="+374 10 000000")
        db.session.add(employee)
        db.session.flush()
        values["instructor_id"] = employee.id
    course = Course(**values)
    db.session.add(course)
    db.session.flush()
    return course


def make_person(organisation=None, **overrides):
    n = next(_seq)
    values = dict(first_name=f"Trainee{n}", last_name="Test", birth_date=date(1985, 3, 1))
    values.update(overrides)
    client = Client(**values)
    if organisation is not None:
        client.organisation_id = organisation.id
    fill_search_fields(client)
    db.session.add(client)
    db.session.flush()
    return client


def make_company(people=0, **overrides):
    """An organisation and ``people`` clients linked to it: ``(organisation, [clients])``."""
    values = dict(short_name=f"Company {next(_seq)}")
    values.update(overrides)
    organisation = Organisation(**values)
    db.session.add(organisation)
    db.session.flush()
    return organisation, [make_person(organisation) for _ in range(people)]


def make_cost(course, name, amount, kind="planned", basis="fixed"):
    cost = CourseCost(course_id=course.id, name=name, amount=Decimal(amount), kind=kind,
                      basis=basis)
    db.session.add(cost)
    db.session.flush()
    return cost
