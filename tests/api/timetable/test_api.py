"""Timetable and attendance API: grid JSON, marking with write-offs, undo, permissions."""
from datetime import date, datetime, time

from app.security import ACCOUNTANT, FRONT_DESK, INSTRUCTOR, MANAGER
from tests.factories.timetable import give_passes, make_group, make_lesson

TODAY = date.today()


def setup(db):
    group = make_group(members=3)
    passes = give_passes(group.test_clients, group.service)
    lesson = make_lesson(group, starts_at=datetime.combine(TODAY, time(10)))
    db.session.commit()
    return group, passes, lesson


def test_timetable_json(app, db, api_token):
    group, _, lesson = setup(db)
    headers = api_token(MANAGER)
    response = app.test_client().get(f"/api/v1/timetable?date={TODAY}&view=day", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.json
    assert body["view"] == "day" and body["slots"][0] == "07:00"
    [card] = body["lessons"]
    assert card["id"] == lesson.id and card["filled"] == 3 and card["red"] is False
    week = app.test_client().get(f"/api/v1/timetable?date={TODAY}&view=week&group={group.id}",
                                 headers=headers).json
    assert len(week["rows"]) == 7 and [c["id"] for c in week["lessons"]] == [lesson.id]


def test_mark_attendance_returns_write_offs_and_is_idempotent(app, db, api_token):
    group, passes, lesson = setup(db)
    headers = api_token(FRONT_DESK)
    payload = {"marks": [{"client_id": c.id, "status": "present"} for c in group.test_clients],
               "held": True}
    client = app.test_client()
    first = client.post(f"/api/v1/lesson/{lesson.id}/attendance", json=payload, headers=headers)
    assert first.status_code == 200, first.get_data(as_text=True)
    assert first.json["status"] == "held" and len(first.json["write_offs"]) == 3
    assert {w["pass_id"] for w in first.json["write_offs"]} == {p.id for p in passes}
    again = client.post(f"/api/v1/lesson/{lesson.id}/attendance", json=payload, headers=headers)
    assert again.json["write_offs"] == []
    undo = client.post(f"/api/v1/lesson/{lesson.id}/undo", headers=headers)
    assert undo.status_code == 200 and len(undo.json["cancelled_write_offs"]) == 3
    assert client.post(f"/api/v1/lesson/{lesson.id}/undo", headers=headers).status_code == 400


def test_bad_payloads_and_permissions(app, db, api_token):
    group, _, lesson = setup(db)
    client = app.test_client()
    desk = api_token(FRONT_DESK)
    bad = client.post(f"/api/v1/lesson/{lesson.id}/attendance", json={"marks": "x"}, headers=desk)
    assert bad.status_code == 400 and "message" in bad.json
    unknown = client.post(f"/api/v1/lesson/{lesson.id}/attendance",
                          json={"marks": [{"client_id": group.test_clients[0].id,
                                           "status": "asleep"}]}, headers=desk)
    assert unknown.status_code == 400
    assert client.post("/api/v1/lesson/999999/attendance", json={"marks": []},
                       headers=desk).status_code == 404
    accountant = api_token(ACCOUNTANT)
    assert client.post(f"/api/v1/lesson/{lesson.id}/attendance", json={"marks": []},
                       headers=accountant).status_code == 403
    assert client.get("/api/v1/timetable", headers=accountant).status_code == 403
    instructor = api_token(INSTRUCTOR)  # not this lesson's instructor
    refused = client.post(f"/api/v1/lesson/{lesson.id}/attendance",
                          json={"marks": [], "held": True}, headers=instructor)
    assert refused.status_code == 403
    assert client.post(f"/api/v1/lesson/{lesson.id}/undo", headers=instructor).status_code == 403
