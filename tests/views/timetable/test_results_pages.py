"""The learning results page of a lesson (refused input kept), the client card's section with
its progress chart, and the marks on the organisation's trainees list."""
from datetime import date, datetime, timedelta

from app.models.timetable import LessonResult
from app.security import MANAGER
from app.services import timetable
from app.services.courses import catalogue, registrations
from app.services.platform.users import ensure_user
from tests.factories.courses import make_company, make_course
from tests.factories.timetable import make_group, make_lesson


def test_the_results_page_saves_and_keeps_refused_input(app, db, login):
    group = make_group(members=2)
    lesson = make_lesson(group)
    a, b = group.test_clients
    db.session.commit()
    browser = login(MANAGER)
    page = browser.get(f"/lesson-results/{lesson.id}").get_data(as_text=True)
    assert a.full_name in page and b.full_name in page
    assert f"/lesson-results/{lesson.id}" in browser.get(f"/attendance/{lesson.id}").get_data(
        as_text=True)
    response = browser.post(f"/lesson-results/{lesson.id}", data={
        "client_id": [a.id, b.id], f"mark_{a.id}": "5", f"comment_{a.id}": "Sings in tune",
        f"mark_{b.id}": "4"})
    assert response.status_code == 302
    assert {r.client_id: r.mark for r in db.session.query(LessonResult)} == {a.id: "5", b.id: "4"}
    refused = browser.post(f"/lesson-results/{lesson.id}", data={
        "client_id": [a.id], f"mark_{a.id}": "x" * 21, f"comment_{a.id}": "Kept text"})
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert "Kept text" in text and "x" * 21 in text
    db.session.expire_all()
    assert db.session.query(LessonResult).filter_by(client_id=a.id).one().mark == "5"


def test_the_client_card_shows_results_with_a_chart(app, db, login):
    group = make_group(members=1)
    (pupil,) = group.test_clients
    manager = ensure_user("boss", "pw", MANAGER, "B", "boss@test.local", [MANAGER])
    for day, mark in ((1, "3"), (2, "4"), (3, "5")):
        lesson = make_lesson(group, starts_at=datetime(2026, 3, day, 10))
        timetable.record_results(lesson.id, [{"client_id": pupil.id, "mark": mark,
                                              "comment": f"Note {day}"}], user=manager)
    db.session.commit()
    page = login(MANAGER).get(f"/clients/{pupil.id}/card").get_data(as_text=True)
    assert "Note 3" in page and "progress-chart" in page
    assert page.count("<circle") == 3


def test_trainees_list_shows_the_lesson_marks(app, db, login):
    start = date.today() + timedelta(days=3)
    course = make_course(starts_on=start, ends_on=start)
    company, people = make_company(short_name="Bank Two", people=1)
    registrations.register(course.id, [{"client_id": people[0].id}], organisation_id=company.id)
    session = catalogue.add_session(course.id, datetime.combine(start, datetime.min.time())
                                    + timedelta(hours=10),
                                    datetime.combine(start, datetime.min.time())
                                    + timedelta(hours=12))
    manager = ensure_user("boss", "pw", MANAGER, "B", "boss@test.local", [MANAGER])
    timetable.record_results(session.id, [{"client_id": people[0].id, "mark": "A+"}],
                             user=manager)
    db.session.commit()
    browser = login(MANAGER)
    page = browser.get(f"/organisation-balances/{company.id}").get_data(as_text=True)
    assert "A+" in page
    assert f"/lesson-results/{session.id}" in browser.get(f"/courses/{course.id}").get_data(
        as_text=True)
