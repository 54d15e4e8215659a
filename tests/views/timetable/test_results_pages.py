"""The learning results page of a lesson (refused input kept), the client card's section with
its progress chart, and the marks on the organisation's trainees list."""
from datetime import date, datetime, timedelta

from app.models.timetable import LessonResult
from app.security import MANAGER
from app.services import timetable
from app.services.courses import catalogue, registrations
from app.services.platform.users import ensure_user
from tests.factories.courses import make_company, make_course
from tests.factories.passes import make_service
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
    group = make_group(members=1, service=make_service(
        mark_scale="range", mark_min=1, mark_max=5, mark_step=1))
    (pupil,) = group.test_clients
    letters = make_group(members=[pupil], service=make_service(
        mark_scale="labels", mark_labels="F\nE\nD\nC\nB\nA"))
    manager = ensure_user("boss", "pw", MANAGER, "B", "boss@test.local", [MANAGER])
    for day, mark, where in ((1, "3", group), (2, "4", group), (3, "5", group),
                             (4, "A", letters), (5, "free", None)):
        lesson = make_lesson(where or make_group(members=[pupil]),
                             starts_at=datetime(2026, 3, day, 10))
        timetable.record_results(lesson.id, [{"client_id": pupil.id, "mark": mark,
                                              "comment": f"Note {day}"}], user=manager)
    db.session.commit()
    page = login(MANAGER).get(f"/clients/{pupil.id}/card").get_data(as_text=True)
    assert "Note 5" in page and "progress-chart" in page
    # the normalised values 0.5, 0.75, 1 (1–5) and 1 (A on F–A); free text left out; the
    # chart's box is 60 high: 0 at y=55, 1 at y=5
    assert page.count("<circle") == 4
    assert 'points="0.0,30.0 100.0,17.5 200.0,5.0 300.0,5.0 "' in page


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


def test_the_results_page_offers_the_scales_marks(app, db, login):
    labelled = make_group(members=1, service=make_service(
        mark_scale="labels", mark_labels="not yet\ndeveloping\nsecure"))
    ranged = make_group(members=1, service=make_service(
        mark_scale="range", mark_min=0, mark_max=100, mark_step=5))
    first, second = make_lesson(labelled), make_lesson(ranged)
    (pupil,) = labelled.test_clients
    db.session.commit()
    browser = login(MANAGER)
    page = browser.get(f"/lesson-results/{first.id}").get_data(as_text=True)
    assert f'<select class="form-control input-sm" name="mark_{pupil.id}"' in page
    assert '<option value="developing" >developing</option>' in page
    assert "not yet, developing, secure" in page
    page = browser.get(f"/lesson-results/{second.id}").get_data(as_text=True)
    assert 'type="number"' in page and 'min="0" max="100" step="5"' in page
    refused = browser.post(f"/lesson-results/{first.id}", data={
        "client_id": [pupil.id], f"mark_{pupil.id}": "brilliant",
        f"comment_{pupil.id}": "Kept text"})
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "Kept text" in text and pupil.full_name in text and "brilliant" in text
    saved = browser.post(f"/lesson-results/{first.id}", data={
        "client_id": [pupil.id], f"mark_{pupil.id}": "secure"})
    assert saved.status_code == 302
    assert db.session.query(LessonResult).one().mark_value == 1


def test_a_manager_sets_a_services_scale_in_its_form(app, db, login):
    from app.models.passes import Service

    group = make_group(members=1)
    lesson = make_lesson(group)
    (pupil,) = group.test_clients
    manager = ensure_user("boss", "pw", MANAGER, "B", "boss@test.local", [MANAGER])
    timetable.record_results(lesson.id, [{"client_id": pupil.id, "mark": "pass"}], user=manager)
    service = group.service
    db.session.commit()
    browser = login(MANAGER)
    form = {"name": service.name, "single_visit_price": "15", "active": "y",
            "mark_scale": "labels", "mark_labels": "fail"}
    refused = browser.post(f"/service/edit/{service.id}", data=form)
    assert refused.status_code == 200
    text = refused.get_data(as_text=True)
    assert "at least two labels" in text and "fail</textarea>" in text
    form["mark_labels"] = "fail\r\npass"
    assert browser.post(f"/service/edit/{service.id}", data=form).status_code == 302
    db.session.expire_all()
    service = db.session.get(Service, service.id)
    assert (service.mark_scale, service.mark_labels) == ("labels", "fail\npass")
    assert db.session.query(LessonResult).one().mark_value == 1
