"""The portal API: login, bookable lessons, booking, cancelling, the waitlist, me — as a
client only, refusals as JSON naming the field."""
from datetime import date, timedelta

from app.models.portal import PortalToken
from tests.factories.portal import PASSWORD, bookable_lesson, client_with_pass, make_account


def _token(app, login):
    response = app.test_client().post("/api/v1/portal/login",
                                      json={"contact": login, "password": PASSWORD})
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['access_token']}"}


def test_book_list_cancel_and_waitlist(app, db):
    lesson = bookable_lesson(capacity=1, starts_in=timedelta(days=3))
    parent = client_with_pass(lesson.service, email="p@example.org")
    child = client_with_pass(lesson.service, birth_date=date(2015, 1, 1))
    make_account([parent, child], login="p@example.org")
    stranger = client_with_pass(lesson.service)
    db.session.commit()
    lesson_id, parent_id, child_id, stranger_id = lesson.id, parent.id, child.id, stranger.id
    headers = _token(app, "p@example.org")
    web = app.test_client()
    lessons = web.get("/api/v1/portal/lessons", headers=headers).json["lessons"]
    assert [(item["id"], item["free_places"]) for item in lessons] == [(lesson_id, 1)]
    refused = web.post("/api/v1/portal/booking", headers=headers,
                       json={"lesson_id": lesson_id, "client_id": stranger_id})
    assert refused.status_code == 403 and refused.json["field"] == "client_id"
    bad = web.post("/api/v1/portal/booking", headers=headers,
                   json={"lesson_id": "x", "client_id": child_id})
    assert bad.status_code == 400 and bad.json["field"] == "lesson_id"
    made = web.post("/api/v1/portal/booking", headers=headers,
                    json={"lesson_id": lesson_id, "client_id": child_id})
    assert made.status_code == 201 and made.json["status"] == "booked"
    full = web.post("/api/v1/portal/booking", headers=headers,
                    json={"lesson_id": lesson_id, "client_id": parent_id})
    assert full.status_code == 409 and full.json["field"] == "lesson_id"
    waiting = web.post("/api/v1/portal/waitlist", headers=headers,
                       json={"lesson_id": lesson_id, "client_id": parent_id})
    assert waiting.status_code == 201 and waiting.json["status"] == "waiting"
    me = web.get("/api/v1/portal/me", headers=headers).json
    assert {p["id"] for p in me["people"]} == {parent_id, child_id}
    assert [b["client_id"] for b in me["bookings"]] == [child_id]
    assert [w["client_id"] for w in me["waitlist"]] == [parent_id]
    assert "medical_notes" not in str(me) and "manager" not in str(me)
    cancelled = web.delete(f"/api/v1/portal/booking/{made.json['id']}", headers=headers)
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    again = web.delete(f"/api/v1/portal/booking/{made.json['id']}", headers=headers)
    assert again.status_code == 409


def test_wrong_password_and_revoked_token(app, db):
    client = client_with_pass(bookable_lesson().service, email="a@example.org")
    make_account([client], login="a@example.org")
    db.session.commit()
    web = app.test_client()
    wrong = web.post("/api/v1/portal/login", json={"contact": "a@example.org", "password": "x"})
    assert wrong.status_code == 400 and wrong.json["field"] == "password"
    headers = _token(app, "a@example.org")
    db.session.query(PortalToken).update({"revoked_at": db.func.now()})
    db.session.commit()
    assert web.get("/api/v1/portal/me", headers=headers).status_code == 401
    assert web.get("/api/v1/portal/me").status_code == 401


def test_me_shows_the_family_balance(app, db):
    from decimal import Decimal

    from app.services.money import add_charge

    lesson = bookable_lesson()
    parent = client_with_pass(lesson.service, email="p@example.org")
    child = client_with_pass(lesson.service, birth_date=date(2015, 1, 1))
    make_account([parent, child], login="p@example.org")
    add_charge(child.id, Decimal("12.50"), "visit")
    add_charge(parent.id, Decimal("2.00"), "visit")
    stranger = client_with_pass(lesson.service)
    add_charge(stranger.id, Decimal("99.00"), "visit")
    db.session.commit()
    child_id = child.id
    me = app.test_client().get("/api/v1/portal/me", headers=_token(app, "p@example.org")).json
    assert me["family_balance"] == "14.50"
    assert me["balances"][str(child_id)] == "12.50"
    web = app.test_client()
    web.post("/my/login", data={"contact": "p@example.org", "password": PASSWORD})
    page = web.get("/my/").get_data(as_text=True)
    assert "14.50" in page and "99.00" not in page
