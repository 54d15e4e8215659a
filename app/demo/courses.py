"""Demo courses: a training centre's seminars for three organisations — one past (attended,
certified, paid), one running now, two coming (one short of its minimum) — with sessions in the
training room, registrations, attendance, certificates, payments and cost lines. Running it
again adds nothing (courses are recognised by title)."""
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.demo import names as demo_names
from app.extensions import db
from app.models.clients import Client, Organisation
from app.models.courses import Course, CourseDirection
from app.models.passes import Service
from app.models.staff import Employee
from app.models.timetable import Room
from app.services import timetable
from app.services.courses import (attendance, calls, catalogue, certificates, economics,
                                  organisations, plans)
from app.services.courses import registrations

# directions, the room and the service are named in the demo's language (``app.demo.names``)
DIRECTIONS = ["Healthcare", "Banking", "Management", "Education"]
LECTURERS = [  # name, position, titles, phone
    ("Dr Nune Avetisyan", "Lecturer", "MD, PhD, first-aid trainer (ERC)", "+374 10 20 30 40"),
    ("Игорь Лебедев", "Преподаватель", "к.э.н., сертифицированный специалист ПОД/ФТ",
     "+7 495 765-43-21"),
    ("Claire Fontaine", "Formatrice", "Coach certifiée ICF", "+33 1 45 67 89 00"),
]
ROOM = ("Training room", 24)
SERVICE = "Seminars"
# title, direction, lecturer, start offset (days), days, price, organisation price, min, max,
# planned participants, series, audience, [(organisation, people, payment type)]
COURSES = [
    ("Premiers secours en entreprise", "Healthcare", "Dr Nune Avetisyan", -40, 2,
     "180.00", "150.00", 4, 16, 8, "PS", "Salariés désignés secouristes",
     [("Solutions Lumière", 2, "paid"), ("Ararat Med", 2, "guarantee")]),
    ("Финансовый мониторинг (115-ФЗ)", "Banking", "Игорь Лебедев", -1, 3,
     "250.00", "220.00", 3, 12, 6, "FM", "Сотрудники службы контроля банков",
     [("Банк Восход", 3, "later")]),
    ("Բժշկական էթիկա / Medical ethics", "Healthcare", "Dr Nune Avetisyan", 5, 1,
     "90.00", None, 5, 20, 10, "ME", "Clinic staff",
     [("Ararat Med", 1, "paid")]),
    ("Leadership pour chefs d'équipe", "Management", "Claire Fontaine", 21, 2,
     "320.00", "280.00", 4, 10, 6, "LD", "Managers de proximité", []),
]
COSTS = [  # (name, amount, basis) for the plan; the actual is the same but 10 % dearer
    ("Salle / Room", "200.00", "fixed"), ("Honoraires formateur / Lecturer's fee", "600.00", "fixed"),
    ("Supports / Materials", "15.00", "per_participant"),
]

# the mark scale of each demo service (by its key in app/demo/names.py), its labels in the demo's
# language, lowest first; a service whose scale a manager already changed from free text is left alone
LABELS = {
    "achievement": {"en": "not yet\ndeveloping\nsecure\nexcellent",
                    "ru": "пока нет\nразвивается\nуверенно\nотлично",
                    "fr": "pas encore\nen progrès\nacquis\nexcellent",
                    "uk": "ще ні\nрозвивається\nвпевнено\nвідмінно",
                    "hy": "դեռ ոչ\nզարգանում է\nվստահ\nգերազանց"},
    "level": {"en": "beginner\nintermediate\nadvanced\nmaster",
              "ru": "начинающий\nсредний\nпродвинутый\nмастер",
              "fr": "débutant\nintermédiaire\navancé\nmaître",
              "uk": "початківець\nсередній\nпросунутий\nмайстер",
              "hy": "սկսնակ\nմիջին\nառաջադեմ\nգերազանց"},
    "pass_fail": {"en": "fail\npass", "ru": "не сдал\nсдал", "fr": "échec\nréussi",
                  "uk": "не склав\nсклав", "hy": "չհանձնեց\nհանձնեց"},
}
SCALES = {
    SERVICE: dict(mark_scale="range", mark_min=1, mark_max=5, mark_step=1),
    "English": dict(mark_scale="range", mark_min=1, mark_max=10, mark_step=1),
    "Kids' dance": dict(mark_scale="labels", mark_labels="achievement"),
    "Yoga": dict(mark_scale="labels", mark_labels="achievement"),
    "Chess": dict(mark_scale="labels", mark_labels="level"),
    "Armenian dance": dict(mark_scale="labels", mark_labels="level"),
    "Pool": dict(mark_scale="labels", mark_labels="pass_fail"),
}


def _scales():
    language = demo_names.language()
    for key, service in demo_names.existing(Service, "service").items():
        if key not in SCALES or (service.mark_scale or "text") != "text":
            continue
        for field, value in SCALES[key].items():
            if field == "mark_labels":
                value = LABELS[value].get(language) or LABELS[value]["en"]
            setattr(service, field, value)
        timetable.validate_scale(service)
        timetable.renormalise_results(service)
    db.session.flush()


def _get_or_add(model, field, value, **values):
    found = db.session.scalar(select(model).where(getattr(model, field) == value))
    if found is None:
        found = model(**{field: value}, **values)
        db.session.add(found)
        db.session.flush()
    return found


def _people(organisation_name, n, taken):
    organisation = db.session.scalar(select(Organisation).where(
        Organisation.short_name == organisation_name))
    if organisation is None:
        return None, []
    people = [c for c in db.session.scalars(
        select(Client).where(Client.organisation_id == organisation.id).order_by(Client.id))
        if c.id not in taken][:n]
    return organisation, people


def _sessions(course, room, days):
    for day in range(days):
        on = course.starts_on + timedelta(days=day)
        catalogue.add_session(course.id, datetime.combine(on, time(10, 0)),
                              datetime.combine(on, time(16, 0)), room_id=room.id)


CALL_NOTES = ["Rappeler après la réunion budgétaire", "Просили прислать программу",
              "Ծրագիրը ուղարկել էլ. փոստով", "Keen, waiting for the director's approval"]


def load(users):
    directions, _ = demo_names.ensure(CourseDirection, "direction", DIRECTIONS)
    lecturers = {name: _get_or_add(Employee, "full_name", name, position=position, titles=titles,
                                   phone=phone, active=True)
                 for name, position, titles, phone in LECTURERS}
    room = demo_names.ensure(Room, "room", [ROOM[0]], lambda key, name: Room(
        name=name, capacity=ROOM[1], active=True))[0][ROOM[0]]
    service = demo_names.ensure(Service, "service", [SERVICE], lambda key, name: Service(
        name=name, single_visit_price=Decimal("0"), active=True))[0][SERVICE]
    _scales()
    manager = users.get("manager")
    existing = set(db.session.scalars(select(Course.title)))
    today = date.today()
    created = registered = 0
    for (title, direction, lecturer, offset, days, price, org_price, minimum, maximum, planned,
         series, audience, groups) in COURSES:
        if title in existing:
            continue
        starts = today + timedelta(days=offset)
        course = Course(title=title, direction_id=directions[direction].id,
                        instructor_id=lecturers[lecturer].id, service_id=service.id,
                        manager_id=manager.id if manager is not None else None,
                        starts_on=starts, ends_on=starts + timedelta(days=days - 1),
                        price_per_participant=Decimal(price),
                        price_per_organisation=Decimal(org_price) if org_price else None,
                        min_participants=minimum, max_participants=maximum,
                        planned_participants=planned, certificate_series=series,
                        target_audience=audience)
        catalogue.validate_course(course)
        db.session.add(course)
        db.session.flush()
        created += 1
        _sessions(course, room, days)
        for name, amount, basis in COSTS:
            economics.add_cost(course.id, name, Decimal(amount), "planned", basis)
            if offset <= 0:
                economics.add_cost(course.id, name, (Decimal(amount) * Decimal("1.1"))
                                   .quantize(Decimal("0.01")), "actual", basis)
        taken = set()
        for organisation_name, n, payment_type in groups:
            organisation, people = _people(organisation_name, n, taken)
            if not people:
                continue
            taken.update(p.id for p in people)
            _, added = registrations.register(
                course.id, [{"client_id": p.id, "payment_type": payment_type} for p in people],
                organisation_id=organisation.id)
            registered += len(added)
            if payment_type == "paid":
                charged = sum((p.price for p in added), Decimal("0"))
                organisations.record_payment(organisation.id, charged, course_id=course.id,
                                             paid_on=today + timedelta(days=min(offset, 0)))
        participants = registrations.course_participants(course.id)
        for index, session in enumerate(catalogue.course_sessions(course)):
            if session.starts_at.date() >= today:
                break
            attendance.mark_session(course.id, session.id, {
                p.id: (index + n) % 5 != 0 for n, p in enumerate(participants)})
            if participants:  # the lecturer's diary: a mark per person and session
                timetable.record_results(session.id, [
                    {"client_id": p.client_id, "mark": str(3 + (index + n) % 3),
                     "comment": CALL_NOTES[(index + n) % len(CALL_NOTES)] if n == 0 else None}
                    for n, p in enumerate(participants)])
        for organisation_name, _n, _payment in groups:
            organisation = db.session.scalar(select(Organisation).where(
                Organisation.short_name == organisation_name))
            if organisation is not None:
                calls.record_call(organisation.id, "call_back",
                                  manager_id=manager.id if manager is not None else None,
                                  called_at=datetime.combine(starts - timedelta(days=7),
                                                             time(11, 30)),
                                  note=CALL_NOTES[len(title) % len(CALL_NOTES)],
                                  course_id=course.id)
        if offset + days <= 0:
            for n, participant in enumerate(participants):
                certificates.certify(course.id, participant.id,
                                     "passed" if n % 4 != 3 else "failed",
                                     grade=("5", "4", "5", "3")[n % 4], on=course.ends_on)
    if created:
        month = plans.month_start(today)
        plans.save_plan(month, 20, Decimal("4500.00"), see_all=True)
        if manager is not None:
            plans.save_plan(month, 8, Decimal("1800.00"), manager_id=manager.id, see_all=True)
    db.session.flush()
    return {"courses": created, "course participants": registered}
