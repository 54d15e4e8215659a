"""What every logged-in request spends before its page: ONE statement loading the user with
roles, groups and session generation, whatever the user's roles."""
from sqlalchemy import event

from app.security import FRONT_DESK, MANAGER


def _statements(db, call):
    seen = []

    def before(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        response = call()
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    return response, seen


def test_a_logged_in_request_loads_user_roles_and_groups_at_once(db, app, login):
    web = login(MANAGER)
    web.get("/client/list/")
    response, seen = _statements(db, lambda: web.get("/client/list/"))
    assert response.status_code == 200
    # one statement: user, roles, groups and the session generation
    assert "ab_role" in seen[0] and "ab_group" in seen[0] and "session_generation" in seen[0]
    assert not [s for s in seen[1:] if "ab_user_role" in s or "ab_user_group" in s
                or "session_generation" in s]


def test_an_api_request_loads_its_user_and_generation_at_once(db, app, api_token):
    web = app.test_client()
    headers = api_token(MANAGER)
    web.get("/api/v1/client/", headers=headers)
    response, seen = _statements(db, lambda: web.get("/api/v1/client/", headers=headers))
    assert response.status_code == 200
    with_generation = [s for s in seen if "session_generation" in s]
    assert with_generation and all("FROM ab_user" in s and "ab_role" in s
                                   for s in with_generation)
    # nothing is public: the Public role and its permissions are not read from the database
    assert not [s for s in seen if "WHERE ab_role.name =" in s]
    # the saved language (no Accept-Language here) came with the user
    assert not [s for s in seen if "user_preference" in s and "FROM ab_user" not in s]
    assert web.get("/api/v1/client/").status_code == 401  # and without a token: refused


def test_the_permission_checks_still_follow_the_roles(db, app, login):
    web = login(FRONT_DESK)
    assert web.get("/client/list/").status_code == 200
    assert web.get("/payroll/").status_code in (302, 403, 404)
