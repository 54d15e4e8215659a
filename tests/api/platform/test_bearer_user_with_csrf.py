"""With CSRF on (as in production; the test config turns it off), a write with a bearer token
runs as the token's user: the CSRF check verifies the token before FAB's ``before_request``
resets ``g.user``, and the view must still see the token's user, not an anonymous one (found by
the two-instance test: every attendance POST over the API answered 500)."""
from datetime import date, datetime, time

from app.security import FRONT_DESK
from tests.factories.timetable import give_passes, make_group, make_lesson


def test_bearer_write_sees_its_user_with_csrf_on(app, db, api_token):
    group = make_group(members=2)
    give_passes(group.test_clients, group.service)
    lesson = make_lesson(group, starts_at=datetime.combine(date.today(), time(10)))
    db.session.commit()
    headers = api_token(FRONT_DESK)
    payload = {"marks": [{"client_id": c.id, "status": "present"} for c in group.test_clients],
               "held": True}
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = app.test_client().post(f"/api/v1/lesson/{lesson.id}/attendance",
                                          json=payload, headers=headers)
        cookie_only = app.test_client().post(f"/api/v1/lesson/{lesson.id}/attendance",
                                             json=payload)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 200, response.get_data(as_text=True)
    assert len(response.json["write_offs"]) == 2
    assert cookie_only.status_code in (400, 401)  # no token, no CSRF token: refused, not run
