"""``POST /api/v1/lesson/<id>/results``: validated, refusals as JSON naming the field, only the
lesson's instructor or a manager."""
from app.models.staff import Employee
from app.models.timetable import LessonResult
from app.security import ACCOUNTANT, INSTRUCTOR, MANAGER
from tests.factories.timetable import make_group, make_lesson, new_client


def _lesson():
    group = make_group(members=2)
    lesson = make_lesson(group)
    return lesson, group.test_clients


def test_results_are_recorded_and_read_back(app, db, api_token):
    lesson, (a, b) = _lesson()
    db.session.commit()
    api, headers = app.test_client(), api_token(MANAGER)
    response = api.post(f"/api/v1/lesson/{lesson.id}/results", headers=headers, json={
        "results": [{"client_id": a.id, "mark": "5", "comment": "Good"},
                    {"client_id": b.id, "mark": "3"}]})
    assert response.status_code == 200, response.json
    assert sorted((r["client_id"], r["mark"]) for r in response.json["results"]) == [
        (a.id, "5"), (b.id, "3")]
    read = api.get(f"/api/v1/lesson/{lesson.id}/results", headers=headers).json
    assert {r["client_id"]: r["comment"] for r in read["results"]} == {a.id: "Good", b.id: None}


def test_refusals_name_the_field(app, db, api_token):
    lesson, (a, _b) = _lesson()
    outsider = new_client()
    db.session.commit()
    api, headers = app.test_client(), api_token(MANAGER)
    url = f"/api/v1/lesson/{lesson.id}/results"
    cases = [({}, "results"), ({"results": "5"}, "results"),
             ({"results": [{"mark": "5"}]}, "client_id"),
             ({"results": [{"client_id": 2**40, "mark": "5"}]}, "client_id"),
             ({"results": [{"client_id": a.id, "comment": "a\x00b"}]}, "comment"),
             ({"results": [{"client_id": a.id, "mark": "9" * 21}]}, "mark"),
             ({"results": [{"client_id": a.id, "comment": {"x": 1}}]}, "comment"),
             ({"results": [{"client_id": outsider.id, "mark": "5"}]}, "client_id")]
    for body, field in cases:
        response = api.post(url, headers=headers, json=body)
        assert response.status_code == 400, (body, response.json)
        assert response.json["field"] == field and response.json["message"]
    missing = api.post("/api/v1/lesson/999999/results", headers=headers,
                       json={"results": [{"client_id": a.id, "mark": "5"}]})
    assert missing.status_code == 404 and missing.json["field"] == "lesson"
    assert db.session.query(LessonResult).count() == 0


def test_only_the_lessons_instructor(app, db, api_token, make_user):
    lesson, (a, _b) = _lesson()
    db.session.commit()
    api = app.test_client()
    body = {"results": [{"client_id": a.id, "mark": "5"}]}
    url = f"/api/v1/lesson/{lesson.id}/results"
    assert api.post(url, headers=api_token(INSTRUCTOR), json=body).status_code == 403
    assert api.post(url, headers=api_token(ACCOUNTANT), json=body).status_code == 403
    teacher = make_user(INSTRUCTOR)
    db.session.get(Employee, lesson.instructor_id).user_id = teacher.id
    db.session.commit()
    login = api.post("/api/v1/security/login", json={
        "username": teacher.username, "password": "pw", "provider": "db"}).json
    headers = {"Authorization": f"Bearer {login['access_token']}"}
    assert api.post(url, headers=headers, json=body).status_code == 200


def test_a_mark_off_the_scale_is_a_422_naming_the_person(app, db, api_token):
    from tests.factories.passes import make_service

    group = make_group(members=2, service=make_service(
        mark_scale="range", mark_min=1, mark_max=10, mark_step=1))
    lesson = make_lesson(group)
    a, b = group.test_clients
    db.session.commit()
    api, headers = app.test_client(), api_token(MANAGER)
    url = f"/api/v1/lesson/{lesson.id}/results"
    refused = api.post(url, headers=headers, json={"results": [
        {"client_id": a.id, "mark": "7"}, {"client_id": b.id, "mark": "11"}]})
    assert refused.status_code == 422, refused.json
    assert refused.json["field"] == "mark" and refused.json["client_id"] == b.id
    assert b.full_name in refused.json["message"] and "1–10" in refused.json["message"]
    assert refused.json["allowed"] == "1–10 (step 1)"
    assert db.session.query(LessonResult).count() == 0
    saved = api.post(url, headers=headers, json={"results": [{"client_id": a.id, "mark": "7"}]})
    assert saved.status_code == 200
    assert saved.json["results"] == [{"client_id": a.id, "mark": "7",
                                      "mark_value": 0.6667, "comment": None}]
