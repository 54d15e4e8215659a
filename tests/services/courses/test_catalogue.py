"""The catalogue: course rules, upcoming / current / past lists, sessions in the timetable,
the programme file."""
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from app.models.timetable import Lesson
from app.services.courses import catalogue
from app.services.platform import DomainError, NotFound
from app.services.timetable import LessonConflict
from tests.factories.courses import make_course
from tests.factories.timetable import make_room


def test_a_course_is_validated(db):
    course = make_course()
    course.ends_on = course.starts_on - timedelta(days=1)
    with pytest.raises(DomainError) as refused:
        catalogue.validate_course(course)
    assert refused.value.field == "ends_on"
    course.ends_on = course.starts_on
    course.min_participants, course.max_participants = 12, 10
    with pytest.raises(DomainError) as refused:
        catalogue.validate_course(course)
    assert refused.value.field == "min_participants"
    course.min_participants = 2
    course.price_per_organisation = Decimal("-1")
    with pytest.raises(DomainError) as refused:
        catalogue.validate_course(course)
    assert refused.value.field == "price_per_organisation"
    course.price_per_organisation = None
    course.certificate_series = "A B"
    with pytest.raises(DomainError) as refused:
        catalogue.validate_course(course)
    assert refused.value.field == "certificate_series"
    course.certificate_series = " MED-26 "
    catalogue.validate_course(course)
    assert course.certificate_series == "MED-26"


def test_upcoming_current_and_past_lists(db, count_queries):
    today = date(2026, 5, 10)
    past = make_course(title="Past", starts_on=date(2026, 4, 1), ends_on=date(2026, 4, 2))
    older = make_course(title="Older", starts_on=date(2026, 3, 1), ends_on=date(2026, 3, 1))
    current = make_course(title="Now", starts_on=date(2026, 5, 9), ends_on=date(2026, 5, 11))
    soon = make_course(title="Soon", starts_on=date(2026, 5, 20), ends_on=date(2026, 5, 20))
    make_course(title="Cancelled", starts_on=date(2026, 5, 21), ends_on=date(2026, 5, 21),
                cancelled=True)
    db.session.commit()
    with count_queries() as counted:
        lists = catalogue.course_lists(today)
    assert [c for c, _ in lists["upcoming"]] == [soon]
    assert [c for c, _ in lists["current"]] == [current]
    assert [c for c, _ in lists["past"]] == [past, older]
    assert counted() == 2


def test_sessions_are_timetable_lessons_with_conflicts_checked(db):
    course = make_course(starts_on=date(2026, 6, 1), ends_on=date(2026, 6, 2))
    room = make_room(name="Hall")
    first = catalogue.add_session(course.id, datetime(2026, 6, 1, 10), datetime(2026, 6, 1, 13),
                                  room_id=room.id)
    assert first.group_id == course.group_id and first.service_id == course.service_id
    assert first.instructor_id == course.instructor_id
    other = make_course(starts_on=date(2026, 6, 1), ends_on=date(2026, 6, 1))
    with pytest.raises(LessonConflict) as refused:
        catalogue.add_session(other.id, datetime(2026, 6, 1, 12), datetime(2026, 6, 1, 14),
                              room_id=room.id)
    assert refused.value.field == "room"
    with pytest.raises(DomainError) as refused:
        catalogue.add_session(course.id, datetime(2026, 6, 5, 10), datetime(2026, 6, 5, 11))
    assert refused.value.field == "starts_at"
    catalogue.add_session(course.id, datetime(2026, 6, 2, 10), datetime(2026, 6, 2, 13),
                          room_id=room.id)
    assert [lesson.starts_at.day for lesson in catalogue.course_sessions(course)] == [1, 2]
    assert db.session.query(Lesson).count() == 2


def test_a_course_without_service_cannot_have_sessions(db):
    course = make_course(service_id=None)
    with pytest.raises(DomainError) as refused:
        catalogue.add_session(course.id, datetime.combine(course.starts_on, datetime.min.time()),
                              datetime.combine(course.starts_on, datetime.min.time())
                              + timedelta(hours=2))
    assert refused.value.field == "service"


def test_the_programme_file_is_checked_and_replaced(app, db):
    course = make_course()
    with pytest.raises(DomainError):
        catalogue.attach_programme(course.id, "programme.exe", b"MZ...")
    with pytest.raises(DomainError):
        catalogue.attach_programme(course.id, "programme.pdf", b"not a pdf")
    catalogue.attach_programme(course.id, "programme.pdf", b"%PDF-1.4 first")
    first_path = catalogue.programme_path(course)
    catalogue.attach_programme(course.id, "programme v2.pdf", b"%PDF-1.4 second")
    with open(catalogue.programme_path(course), "rb") as handle:
        assert handle.read() == b"%PDF-1.4 second"
    assert course.programme_filename == "programme v2.pdf"
    import os

    assert not os.path.exists(first_path)
    with pytest.raises(NotFound):
        catalogue.programme_path(make_course())


def test_a_cancelled_course_gives_its_room_back(db):
    course = make_course(starts_on=date(2026, 7, 1), ends_on=date(2026, 7, 1))
    room = make_room()
    session = catalogue.add_session(course.id, datetime(2026, 7, 1, 10), datetime(2026, 7, 1, 12),
                                    room_id=room.id)
    assert catalogue.free_cancelled_course_rooms(course) == []
    course.cancelled = True
    assert catalogue.free_cancelled_course_rooms(course) == [session]
    assert session.status == "cancelled" and catalogue.course_sessions(course) == []
    with pytest.raises(DomainError):
        catalogue.add_session(course.id, datetime(2026, 7, 1, 14), datetime(2026, 7, 1, 15))
    other = make_course(starts_on=date(2026, 7, 1), ends_on=date(2026, 7, 1))
    catalogue.add_session(other.id, datetime(2026, 7, 1, 10), datetime(2026, 7, 1, 12),
                          room_id=room.id)
