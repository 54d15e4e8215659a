"""Courses REST API: the directory, registrations, register, certify, economics and an
organisation's balance; refusals as JSON; roles."""
from decimal import Decimal

from app.security import ACCOUNTANT, FRONT_DESK, INSTRUCTOR, MANAGER
from app.services.courses import organisations
from tests.factories.courses import make_company, make_course, make_person


def test_course_list_shows_the_instructor_titles_and_phone(app, db, api_token):
    course = make_course(title="First aid")
    db.session.commit()
    body = app.test_client().get("/api/v1/course/", headers=api_token(ACCOUNTANT)).json
    (item,) = body["result"]
    assert item["title"] == "First aid" and item["instructor"]["titles"] == "PhD"
    assert item["instructor"]["phone"] == "+374 10 000000"
    assert item["price_per_participant"] in (100, 100.0, "100.00")
    assert course.id in body["ids"]


def test_creating_a_course_obeys_the_rules(app, db, api_token):
    headers = api_token(MANAGER)
    api = app.test_client()
    refused = api.post("/api/v1/course/", json={
        "title": "Bad", "starts_on": "2026-06-02", "ends_on": "2026-06-01"}, headers=headers)
    assert refused.status_code == 400 and refused.json["field"] == "ends_on"
    created = api.post("/api/v1/course/", json={
        "title": "Good", "starts_on": "2026-06-01", "ends_on": "2026-06-02",
        "price_per_participant": 120, "min_participants": 3, "max_participants": 12},
        headers=headers)
    assert created.status_code == 201, created.json
    assert api.post("/api/v1/course/", json={"title": "x", "starts_on": "2026-06-01"},
                    headers=api_token(FRONT_DESK)).status_code == 403


def test_register_list_and_certify(app, db, api_token):
    course = make_course(certificate_series="BK", max_participants=3)
    company, people = make_company(people=3)
    outsider = make_person()
    db.session.commit()
    headers = api_token(MANAGER)
    api = app.test_client()
    response = api.post(f"/api/v1/course/{course.id}/register", json={
        "organisation_id": company.id,
        "participants": [{"client_id": people[0].id, "payment_type": "paid"},
                         {"client_id": people[1].id, "payment_type": "guarantee"}]},
        headers=headers)
    assert response.status_code == 201, response.json
    added = response.json["result"]
    assert [p["payment_type"] for p in added] == ["paid", "guarantee"]
    assert {p["organisation_id"] for p in added} == {company.id}

    full = api.post(f"/api/v1/course/{course.id}/register", json={
        "participants": [{"client_id": outsider.id}, {"client_id": people[2].id}]},
        headers=headers)
    assert full.status_code in (400, 409)

    listed = api.get(f"/api/v1/course/{course.id}/registrations", headers=headers).json
    assert len(listed["result"]) == 2

    certified = api.post(f"/api/v1/course/{course.id}/certify",
                         json={"participant_id": added[1]["id"], "grade": "A"}, headers=headers)
    assert certified.status_code == 200
    assert certified.json["result"]["certificate_number"] == "BK-0001"
    again = api.post(f"/api/v1/course/{course.id}/certify",
                     json={"participant_id": added[1]["id"], "result": "failed"}, headers=headers)
    assert again.status_code == 409 and again.json["field"] == "result"


def test_register_refusals_are_json_naming_the_field(app, db, api_token):
    course = make_course()
    db.session.commit()
    headers = api_token(FRONT_DESK)
    api = app.test_client()
    bad = api.post(f"/api/v1/course/{course.id}/register", json={"participants": "all"},
                   headers=headers)
    assert bad.status_code == 400 and bad.json["field"] == "participants"
    bad = api.post(f"/api/v1/course/{course.id}/register",
                   json={"participants": [{"client_id": "abc"}]}, headers=headers)
    assert bad.status_code == 400 and bad.json["field"] == "client_id"
    missing = api.post("/api/v1/course/999999/register",
                       json={"participants": [{"client_id": 1}]}, headers=headers)
    assert missing.status_code == 404
    assert api.post(f"/api/v1/course/{course.id}/certify", json={"participant_id": 1},
                    headers=headers).status_code == 403


def test_economics_and_organisation_balance(app, db, api_token):
    course = make_course(planned_participants=5)
    company, people = make_company(people=2)
    from app.services.courses import registrations

    registrations.register(course.id, [{"client_id": p.id} for p in people],
                           organisation_id=company.id)
    organisations.record_payment(company.id, Decimal("150.00"), course_id=course.id)
    db.session.commit()
    headers = api_token(ACCOUNTANT)
    api = app.test_client()
    figures = api.get(f"/api/v1/course/{course.id}/economics", headers=headers).json["result"]
    assert figures["planned"]["revenue"] == "500.00"
    assert figures["actual"]["revenue"] == "200.00"
    balance = api.get(f"/api/v1/organisation/{company.id}/balance", headers=headers).json
    assert balance["result"]["charges"] == "200.00"
    assert balance["result"]["payments"] == "150.00"
    assert balance["result"]["balance"] == "50.00"
    assert balance["result"]["courses"] == [{"course_id": course.id, "title": course.title,
                                             "charges": "200.00", "payments": "150.00",
                                             "balance": "50.00"}]
    assert api.get("/api/v1/organisation/999999/balance", headers=headers).status_code == 404
    assert api.get(f"/api/v1/organisation/{company.id}/balance",
                   headers=api_token(INSTRUCTOR)).status_code == 403


def test_the_openapi_spec_documents_the_course_endpoints(app, login):
    paths = login("Admin").get("/api/v1/_openapi").json["paths"]
    for path in ("/course/", "/course/{pk}/registrations", "/course/{pk}/register",
                 "/course/{pk}/certify", "/course/{pk}/economics", "/organisation/{pk}/balance"):
        assert "/api/v1" + path in paths, path


def test_cancelling_a_course_through_the_api_cancels_its_sessions(app, db, api_token):
    from datetime import datetime, timedelta

    from app.models.timetable import Lesson
    from app.services.courses import catalogue

    course = make_course()
    starts = datetime.combine(course.starts_on, datetime.min.time()).replace(hour=10)
    catalogue.add_session(course.id, starts, starts + timedelta(hours=2))
    db.session.commit()
    response = app.test_client().put(f"/api/v1/course/{course.id}",
                                     json={"cancelled": True, "version": course.version},
                                     headers=api_token(MANAGER))
    assert response.status_code == 200, response.json
    db.session.expire_all()
    assert [lesson.status for lesson in db.session.query(Lesson)] == ["cancelled"]


def test_a_yes_reply_registers_the_invitee_once(app, db, api_token):
    from app.models.courses import CourseInvitation

    course = make_course(max_participants=1)
    company, (first, second) = make_company(people=2)
    invited = [CourseInvitation(course_id=course.id, client_id=p.id, organisation_id=company.id)
               for p in (first, second)]
    db.session.add_all(invited)
    db.session.commit()
    api, headers = app.test_client(), api_token(MANAGER)
    url = f"/api/v1/course/{course.id}/invitations/{invited[0].id}/answer"
    for _ in range(2):
        response = api.post(url, json={"answer": "yes"}, headers=headers)
        assert response.status_code == 200 and response.json["result"]["status"] == "accepted"
    refused = api.post(url, json={"answer": "maybe"}, headers=headers)
    assert refused.status_code == 400 and refused.json["field"] == "answer"
    full = api.post(f"/api/v1/course/{course.id}/invitations/{invited[1].id}/answer",
                    json={"answer": "yes"}, headers=headers)
    assert full.status_code == 409
    assert api.post(f"/api/v1/course/{course.id}/invitations/999999/answer",
                    json={"answer": "yes"}, headers=headers).status_code == 404
    assert len(organisations.trainees(company.id)) == 1
