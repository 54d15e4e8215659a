"""The instructor league table's quality columns — average progress, participants assessed,
retention — against hand-computed values, across mark scales, in a constant number of
queries."""
from datetime import datetime

import pytest

from app.extensions import db
from app.models.passes import Service
from app.models.timetable import Attendance
from app.security import MANAGER
from app.services import timetable
from app.services.reports import get_report, iter_rows, parse_params
from tests.factories.passes import make_service
from tests.factories.timetable import make_employee, make_group, make_lesson, new_client

MARCH = dict(date_from="2026-03-01", date_to="2026-03-31")  # previous period: Jan 29 – Feb 28


def _rows(**params):
    report = get_report("instructors")
    return {r["instructor"]: r for r in iter_rows(report, parse_params(report, params))}


def _marks(group, day, marks, user):
    lesson = make_lesson(group, starts_at=datetime(2026, day[0], day[1], 10))
    timetable.record_results(lesson.id, [{"client_id": c.id, "mark": m} for c, m in marks],
                             user=user)
    return lesson


def _came(group, when, statuses):
    lesson = make_lesson(group, starts_at=datetime(*when, 17))
    for client, status in statuses:
        db.session.add(Attendance(lesson_id=lesson.id, client_id=client.id, status=status))
    return lesson


@pytest.fixture
def school(db, make_user):
    manager = make_user(MANAGER)
    teacher, other = make_employee(full_name="Tina Teacher"), make_employee(full_name="Oleg Other")
    a, b, c, d, e, f, g = (new_client(first_name=n) for n in "ABCDEFG")
    one_to_five = make_group(members=[a, b, c, d, f, g], instructor=teacher, service=make_service(
        mark_scale="range", mark_min=1, mark_max=5, mark_step=1))
    pass_fail = make_group(members=[e], instructor=teacher, service=make_service(
        mark_scale="labels", mark_labels="fail\npass"))
    free = make_group(members=[a], instructor=teacher)
    # marks: a 2 → 3 → 4 (+0.5), b 4 → 3 (−0.25), c one mark only, d one in February and one
    # in March (one in the period), e fail → pass (+1 on another scale); April and free text
    # left out
    _marks(one_to_five, (2, 20), [(d, "1")], manager)
    _marks(one_to_five, (3, 2), [(a, "2"), (b, "4")], manager)
    _marks(one_to_five, (3, 9), [(a, "3"), (c, "5")], manager)
    _marks(one_to_five, (3, 16), [(a, "4"), (b, "3"), (d, "5")], manager)
    _marks(one_to_five, (4, 2), [(a, "1"), (b, "5")], manager)
    _marks(pass_fail, (3, 3), [(e, "fail")], manager)
    _marks(pass_fail, (3, 10), [(e, "pass")], manager)
    _marks(free, (3, 11), [(a, "good")], manager)
    _marks(free, (3, 12), [(a, "better")], manager)
    # retention: in the previous period a, b (late), d and f came, c was absent; g came
    # before it (January 20). In March a and b came again, d was absent, f did not come.
    _came(one_to_five, (2026, 1, 20), [(g, "present")])
    _came(one_to_five, (2026, 2, 10), [(a, "present"), (b, "late"), (c, "absent"),
                                        (d, "present")])
    _came(one_to_five, (2026, 2, 27), [(f, "present"), (a, "present")])
    _came(one_to_five, (2026, 3, 5), [(a, "present"), (b, "present"), (d, "absent"),
                                       (g, "present")])
    lonely = make_group(members=[new_client()], instructor=other)
    _came(lonely, (2026, 3, 6), [(lonely.test_clients[0], "present")])
    db.session.flush()
    return teacher, other


def test_progress_assessed_and_retention_by_hand(school):
    rows = _rows(**MARCH)
    tina, oleg = rows["Tina Teacher"], rows["Oleg Other"]
    assert tina["progress"] == pytest.approx((0.5 - 0.25 + 1) / 3, abs=1e-4)
    assert tina["assessed"] == 3
    assert tina["retention"] == pytest.approx(2 / 4)  # a, b of a, b, d, f
    assert (oleg["progress"], oleg["assessed"], oleg["retention"]) == (None, 0, None)


def test_by_service_and_next_period(school):
    labels = db.session.query(Service).filter_by(mark_scale="labels").one()
    rows = _rows(service_id=str(labels.id), **MARCH)
    assert rows["Tina Teacher"]["progress"] == pytest.approx(1.0)
    assert rows["Tina Teacher"]["assessed"] == 1
    assert rows["Tina Teacher"]["retention"] is None  # nobody at pass/fail lessons before
    # April (1–30): March's a, b, g came; in April nobody was marked present
    april = _rows(date_from="2026-04-01", date_to="2026-04-30")["Tina Teacher"]
    assert april["retention"] == 0 and april["assessed"] == 0


def test_constant_queries(school, count_queries, make_user):
    with count_queries() as few:
        _rows(**MARCH)
    manager = make_user(MANAGER)
    for n in range(3):
        group = make_group(members=2, instructor=make_employee(full_name=f"Extra {n}"),
                           service=make_service(mark_scale="range", mark_min=0, mark_max=10,
                                                mark_step=1))
        _marks(group, (3, 4), [(c, "3") for c in group.test_clients], manager)
        _marks(group, (3, 20), [(c, "7") for c in group.test_clients], manager)
    with count_queries() as many:
        rows = _rows(**MARCH)
    assert rows["Extra 2"]["progress"] == pytest.approx(0.4)
    assert many() == few()
