"""Front-desk check-in: find by card, name (accent-insensitive) or phone; a client of a
category that asks for it shows a warning before anything is written off."""
from datetime import date, datetime, time

from sqlalchemy import func, select

from app.extensions import db
from app.models.clients import ClientCategory
from app.models.passes import SessionWriteOff
from app.models.timetable import Attendance
from tests.factories.clients import make_client
from tests.factories.timetable import give_passes, make_group, make_lesson


def _member_with_lesson(**client):
    person = make_client(commit=False, **client)
    db.session.add(person)
    db.session.flush()
    group = make_group(members=[person], name="Evening yoga")
    lesson = make_lesson(group, starts_at=datetime.combine(date.today(), time(18, 30)))
    give_passes([person], group.service)
    db.session.commit()
    return person, lesson


def test_check_in_finds_by_card_name_without_accents_and_phone(login):
    person, _lesson = _member_with_lesson(first_name="Élodie", last_name="Moreau",
                                          card_number="C-7001", phone="+33 6 12 34 56 78")
    make_client(first_name="Hugo", last_name="Martin", card_number="C-7002")
    desk = login("Front desk")
    for text in ("C-7001", "elodie moreau", "06 12 34 56 78"):
        html = desk.get("/checkin/", query_string={"q": text}).get_data(as_text=True)
        assert f"/clients/{person.id}/card" in html, text
        assert "Evening yoga" in html and "checkin-lesson" in html, text
    old = desk.get("/checkin/", query_string={"card": "C-7001"}).get_data(as_text=True)
    assert "Evening yoga" in old  # the scanner's old parameter still works


def test_several_matches_are_listed_to_pick_from(login):
    first = make_client(first_name="Anna", last_name="Petrova")
    make_client(first_name="Anna", last_name="Petrenko")
    desk = login("Front desk")
    html = desk.get("/checkin/", query_string={"q": "anna"}).get_data(as_text=True)
    assert "2 clients found" in html and "checkin-pick" in html
    picked = desk.get("/checkin/", query_string={"q": "anna", "client": first.id})
    assert "Petrova" in picked.get_data(as_text=True)


def test_problem_client_shows_a_warning_before_check_in(login):
    problem = ClientCategory(name="Problem", warn_at_checkin=True)
    db.session.add(problem)
    db.session.flush()
    person, lesson = _member_with_lesson(first_name="Inès", last_name="Petit",
                                         card_number="P-1", category_id=problem.id)
    desk = login("Front desk")
    html = desk.get("/checkin/", query_string={"q": "P-1"}).get_data(as_text=True)
    assert "checkin-warning" in html and "Problem" in html
    assert "checkin-lesson" not in html  # no check-in button before the warning is seen

    # posting without having seen the warning writes nothing off
    response = desk.post("/checkin/lesson", data={"client_id": person.id, "lesson_id": lesson.id,
                                                  "card": "P-1"}, follow_redirects=True)
    assert "checkin-warning" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(SessionWriteOff.id))) == 0

    seen = desk.get("/checkin/", query_string={"q": "P-1", "client": person.id, "ack": 1})
    assert "checkin-lesson" in seen.get_data(as_text=True)
    desk.post("/checkin/lesson", data={"client_id": person.id, "lesson_id": lesson.id,
                                       "card": "P-1", "ack": "1"})
    db.session.expire_all()
    assert db.session.scalar(select(func.count(SessionWriteOff.id))) == 1
    assert db.session.scalar(select(Attendance.status)) == "present"


def test_category_without_warning_checks_in_directly(login):
    vip = ClientCategory(name="VIP")
    db.session.add(vip)
    db.session.flush()
    _member_with_lesson(first_name="Théo", last_name="Girard", card_number="V-1",
                        category_id=vip.id)
    html = login("Front desk").get("/checkin/", query_string={"q": "V-1"}).get_data(as_text=True)
    assert "checkin-warning" not in html and "checkin-lesson" in html


def test_manager_marks_a_category_to_warn_before_check_in(login):
    manager = login("Manager")
    assert manager.post("/clientcategory/add", data={"name": "Problem",
                                                    "warn_at_checkin": "y"}).status_code == 302
    assert manager.post("/clientcategory/add", data={"name": "Regular"}).status_code == 302
    db.session.remove()
    assert dict(db.session.execute(select(ClientCategory.name, ClientCategory.warn_at_checkin))
                .all()) == {"Problem": True, "Regular": False}
