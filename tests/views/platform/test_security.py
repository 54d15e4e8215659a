"""Login, roles and menus: each role sees only what its work needs."""
import pytest

from app.security import ADMIN, FRONT_DESK, GRANTS, INSTRUCTOR, MANAGER, ROLES, role_definitions


def test_every_role_exists_after_sync(db):
    from app.extensions import appbuilder

    for name in ROLES:
        assert appbuilder.sm.find_role(name) is not None, name


def test_roles_are_declared_in_code_not_in_the_database(app):
    assert set(app.config["FAB_ROLES"]) == set(ROLES)
    assert role_definitions()[ADMIN] == [[".*", ".*"]]


def test_login_page_is_served_and_anonymous_is_redirected(app):
    client = app.test_client()
    assert client.get("/login/").status_code == 200
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_wrong_password_is_refused(app, make_user):
    user = make_user(MANAGER)
    client = app.test_client()
    response = client.post("/login/", data={"username": user.username, "password": "nope"})
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert client.get("/").status_code == 302


def test_passwords_are_hashed(db, make_user):
    user = make_user(MANAGER)
    assert user.password != "pw" and len(user.password) > 40


@pytest.mark.parametrize("role", [MANAGER, FRONT_DESK, INSTRUCTOR])
def test_job_admin_is_admin_only(login, role):
    assert login(role).get("/jobs/").status_code in (302, 403)


def test_admin_sees_job_admin(login):
    response = login(ADMIN).get("/jobs/")
    assert response.status_code == 200
    assert "Background jobs" in response.get_data(as_text=True)


def test_menu_follows_permissions(login):
    admin_menu = login(ADMIN).get("/api/v1/menu/").json["result"]
    desk_menu = login(FRONT_DESK).get("/api/v1/menu/").json["result"]
    admin_names = {item["name"] for item in admin_menu}
    desk_names = {item["name"] for item in desk_menu}
    assert "Administration" in admin_names and "Security" in admin_names
    assert "Administration" not in desk_names and "Security" not in desk_names


def test_users_admin_pages_refused_to_staff(login):
    client = login(MANAGER)
    assert client.get("/users/list/").status_code in (302, 403)


def test_grants_only_name_known_roles():
    assert set(GRANTS) <= set(ROLES)


def test_login_attempts_are_rate_limited(app, make_user):
    user = make_user(MANAGER, "bruteforced")
    client = app.test_client()
    codes = [client.post("/login/", data={"username": user.username, "password": "bad"}).status_code
             for _ in range(12)]
    assert codes[:10] == [302] * 10
    assert codes[10:] == [429, 429]
    # a locked username is refused even with its right password
    assert client.post("/login/", data={"username": user.username, "password": "pw"}).status_code == 429
    # another account from the same address is not locked out by it
    other = make_user(MANAGER, "innocent")
    assert client.post("/login/", data={"username": other.username, "password": "pw"}).status_code == 302


def test_csrf_is_enforced_when_enabled(app, make_user):
    user = make_user(MANAGER, "csrfuser")
    client = app.test_client()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        refused = client.post("/login/", data={"username": user.username, "password": "pw"})
        assert refused.status_code == 400
        # a bearer-token API call needs no CSRF token
        token = client.post("/api/v1/security/login", json={
            "username": user.username, "password": "pw", "provider": "db"})
        assert token.status_code == 200
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_no_page_loads_charts_from_the_internet(app, login):
    """FAB's user-statistics chart view pulls Google Charts; it is not registered."""
    assert not any(type(view).__name__ == "UserStatsChartView" for view in app.appbuilder.baseviews)
    assert login(ADMIN).get("/userstatschartview/chart/").status_code == 404
