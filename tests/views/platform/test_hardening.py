"""Security hardening (issue 17): secrets, login limits, CSRF, sessions, passwords, events."""
import os
import stat

import pytest
from flask.sessions import SecureCookieSessionInterface

from app.security import ADMIN, FRONT_DESK, MANAGER
from config import instance_secret_key

OLD_PUBLIC_KEY = "tessera-embedded-development-key"


def _forged_session_cookie(app, secret_key, user_id):
    """A session cookie for ``user_id`` signed with ``secret_key``, as an attacker would make."""
    class Forger:
        pass

    forger = Forger()
    forger.secret_key = secret_key
    forger.config = app.config
    serializer = SecureCookieSessionInterface().get_signing_serializer(forger)
    import time

    from app.services.platform import sessions

    now = time.time()
    return serializer.dumps({"_user_id": str(user_id), "_fresh": True,
                             sessions.SESSION_GENERATION_KEY: 1,
                             sessions.SESSION_LOGIN_AT_KEY: now, sessions.SESSION_SEEN_AT_KEY: now})


# --- secrets ---

def test_instance_key_is_random_private_and_reused(tmp_path):
    first = instance_secret_key(str(tmp_path))
    assert len(first) >= 32
    assert stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode) == 0o600
    assert instance_secret_key(str(tmp_path)) == first
    other = tmp_path / "other"
    other.mkdir()
    assert instance_secret_key(str(other)) != first


def test_embedded_default_ships_no_secret_key(monkeypatch):
    import importlib

    import config

    monkeypatch.delenv("SECRET_KEY", raising=False)
    reloaded = importlib.reload(config)
    try:
        assert reloaded.Config.SECRET_KEY is None
    finally:
        importlib.reload(config)


def test_cookie_forged_with_the_old_constant_fails_on_a_fresh_instance(app, make_user, tmp_path):
    admin = make_user(ADMIN)
    saved = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = instance_secret_key(str(tmp_path))
    try:
        for key, expected in ((OLD_PUBLIC_KEY, 302), (app.config["SECRET_KEY"], 200)):
            client = app.test_client()
            client.set_cookie("session", _forged_session_cookie(app, key, admin.id))
            response = client.get("/jobs/")
            assert response.status_code == expected
            if expected == 302:
                assert "/login" in response.headers["Location"]
    finally:
        app.config["SECRET_KEY"] = saved


@pytest.mark.parametrize("name", ["SECRET_KEY", "JWT_SECRET_KEY"])
def test_production_refuses_short_keys(monkeypatch, name):
    from config import ProductionConfig

    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://x/y")
    monkeypatch.setenv("REDIS_URL", "redis://x")
    ProductionConfig.check()
    monkeypatch.setenv(name, "short-key-of-31-bytes-123456789")
    with pytest.raises(RuntimeError, match=name):
        ProductionConfig.check()


# --- login limits ---

def _api_login(client, username, password, **headers):
    return client.post("/api/v1/security/login", headers=headers, json={
        "username": username, "password": password, "provider": "db"})


def test_api_login_is_limited_per_username_while_others_log_in(app, make_user):
    victim = make_user(MANAGER)
    colleague = make_user(FRONT_DESK)
    client = app.test_client()
    codes = [_api_login(client, victim.username, "wrong").status_code for _ in range(11)]
    assert codes == [401] * 10 + [429]
    assert "message" in _api_login(client, victim.username, "wrong").json
    ok = _api_login(client, colleague.username, "pw")
    assert ok.status_code == 200 and ok.json["access_token"]


def test_address_limit_refuses_failures_but_never_a_right_password(app, make_user):
    users = [make_user(MANAGER) for _ in range(3)]
    app.config["AUTH_RATE_LIMIT_PER_ADDRESS"] = "4 per 20 second"
    try:
        client = app.test_client()
        codes = [_api_login(client, user.username, "wrong").status_code
                 for user in users for _ in range(2)]
        assert codes[:3] == [401] * 3 and set(codes[4:]) == {429}
        # other address: its own counter
        assert _api_login(client, users[2].username, "wrong",
                          **{"X-Forwarded-For": "10.9.9.9"}).status_code == 429  # not trusted
        assert _api_login(client, users[0].username, "pw").status_code == 200
    finally:
        app.config["AUTH_RATE_LIMIT_PER_ADDRESS"] = "1000 per 20 second"


def test_login_counters_live_in_redis(app, make_user):
    import redis

    user = make_user(MANAGER)
    _api_login(app.test_client(), user.username, "wrong")
    keys = redis.Redis.from_url(app.config["REDIS_URL"]).keys("*tessera-login-user*")
    assert keys


def test_forwarded_address_is_trusted_only_behind_a_declared_proxy():
    from werkzeug.test import EnvironBuilder

    from app.extensions import appbuilder  # noqa: F401  (app package importable)
    from werkzeug.middleware.proxy_fix import ProxyFix

    seen = {}

    def inner(environ, start_response):
        seen["addr"] = environ["REMOTE_ADDR"]
        start_response("200 OK", [])
        return [b""]

    env = EnvironBuilder(headers={"X-Forwarded-For": "203.0.113.7"},
                         environ_base={"REMOTE_ADDR": "127.0.0.1"}).get_environ()
    ProxyFix(inner, x_for=1)(env, lambda *a: None)
    assert seen["addr"] == "203.0.113.7"


# --- CSRF ---

def test_junk_bearer_token_does_not_skip_csrf(app, login, api_token):
    client = login(MANAGER)
    headers = api_token(MANAGER)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        junk = client.post("/audit/mark", data={"note": "x"},
                           headers={"Authorization": "Bearer junk"})
        assert junk.status_code == 400
        valid = app.test_client().post("/audit/mark", data={"note": "x"}, headers=headers)
        assert valid.status_code != 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


# --- sessions ---

def test_logout_ends_sessions_and_tokens_of_the_user(app, login, make_user):
    client = login(MANAGER, "leaver")
    other_browser = app.test_client()
    assert other_browser.post("/login/", data={"username": "leaver", "password": "pw"}).status_code == 302
    token = _api_login(app.test_client(), "leaver", "pw").json["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/v1/menu/", headers=bearer).status_code == 200
    assert other_browser.get("/").status_code == 200
    client.get("/logout/")
    assert other_browser.get("/").status_code == 302
    assert app.test_client().get("/api/v1/menu/", headers=bearer).status_code == 401


def _user(db, user_id):
    from app.extensions import appbuilder

    db.session.expire_all()
    return appbuilder.sm.get_user_by_id(user_id)


def test_deactivation_ends_the_session_at_once(app, db, login):
    client = login(MANAGER)
    assert client.get("/").status_code == 200
    user = _user(db, client.user_id)
    user.active = False
    db.session.commit()
    assert client.get("/").status_code == 302


def test_role_change_ends_the_session_and_token(app, db, login, make_user):
    client = login(MANAGER, "promoted")
    token = _api_login(app.test_client(), "promoted", "pw").json["access_token"]
    from app.extensions import appbuilder

    user = _user(db, client.user_id)
    user.roles = [appbuilder.sm.find_role(FRONT_DESK)]
    db.session.commit()
    assert client.get("/").status_code == 302
    assert app.test_client().get("/api/v1/menu/", headers={
        "Authorization": f"Bearer {token}"}).status_code == 401


def test_password_change_ends_other_sessions(app, db, login):
    client = login(MANAGER, "rotator")
    from app.extensions import appbuilder

    appbuilder.sm.reset_password(client.user_id, "a-long-and-fresh-passphrase")
    assert client.get("/").status_code == 302
    fresh = app.test_client()
    fresh.post("/login/", data={"username": "rotator", "password": "a-long-and-fresh-passphrase"})
    assert fresh.get("/").status_code == 200


def test_deleted_user_session_logs_out_cleanly(app, db, login):
    client = login(MANAGER)
    user = _user(db, client.user_id)
    db.session.delete(user)
    db.session.commit()
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/api/v1/menu/").status_code == 401


def test_idle_and_absolute_timeouts(app, login):
    from app.services.platform import sessions

    client = login(MANAGER)
    assert client.get("/").status_code == 200
    with client.session_transaction() as sess:
        sess[sessions.SESSION_SEEN_AT_KEY] -= app.config["SESSION_IDLE_TIMEOUT"].total_seconds() + 1
    assert client.get("/").status_code == 302

    client = login(MANAGER)
    with client.session_transaction() as sess:
        sess[sessions.SESSION_LOGIN_AT_KEY] -= \
            app.config["SESSION_ABSOLUTE_TIMEOUT"].total_seconds() + 1
    assert client.get("/").status_code == 302


# --- passwords ---

@pytest.mark.parametrize("password, username, ok", [
    ("short-pass", "ann", False),
    ("password1234", "ann", False),  # in the common list
    ("PASSWORD1234", "ann", False),  # case-insensitively
    ("my-name-is-annabel-1", "annabel", False),  # contains the username
    ("violet staircase 42", "ann2", True),
])
def test_password_policy(app, password, username, ok):
    from app.services.platform import DomainError
    from app.services.platform.passwords import check_password

    with app.app_context():
        if ok:
            check_password(password, username)
        else:
            with pytest.raises(DomainError) as refused:
                check_password(password, username)
            assert refused.value.field == "password"


def test_user_screens_apply_the_policy(app, db, login):
    from app.extensions import appbuilder

    admin = login(ADMIN)
    role = appbuilder.sm.find_role(MANAGER)
    form = {"first_name": "New", "last_name": "Person", "username": "newperson",
            "email": "new@test.local", "active": "y", "roles": str(role.id)}
    weak = admin.post("/users/add", data=dict(form, password="short", conf_password="short"))
    assert weak.status_code == 200 and "at least 12 characters" in weak.get_data(as_text=True)
    assert appbuilder.sm.find_user(username="newperson") is None
    strong = "violet staircase 42"
    admin.post("/users/add", data=dict(form, password=strong, conf_password=strong))
    user = appbuilder.sm.find_user(username="newperson")
    assert user is not None
    reset = admin.post(f"/resetpassword/form?pk={user.id}",
                       data={"password": "newperson-2026!", "conf_password": "newperson-2026!"})
    assert "must not contain the username" in reset.get_data(as_text=True)
    mine = admin.post("/resetmypassword/form",
                      data={"password": "password1234", "conf_password": "password1234"})
    assert "too common" in mine.get_data(as_text=True)


def test_cli_applies_the_policy(app, db):
    from flask_appbuilder.cli import fab as fab_cli

    runner = app.test_cli_runner()
    refused = runner.invoke(fab_cli, args=["create-user", "--role", MANAGER, "--username", "clio",
                                           "--firstname", "C", "--lastname", "L",
                                           "--email", "c@x.local", "--password", "short"])
    assert refused.exit_code != 0 and "No such command" not in refused.output
    from app.extensions import appbuilder

    assert appbuilder.sm.find_user(username="clio") is None


# --- security events ---

def test_security_events_are_recorded_and_shown_to_admin_only(app, db, login, make_user):
    from app.extensions import appbuilder
    from app.models.security_events import SecurityEvent

    target = make_user(MANAGER, "eventful")
    client = app.test_client()
    client.post("/login/", data={"username": "eventful", "password": "wrong"})
    for _ in range(10):
        _api_login(client, "eventful", "wrong")
    client.post("/login/", data={"username": "eventful", "password": "pw"})  # locked: 429
    desk = login(FRONT_DESK)
    assert desk.get("/jobs/").status_code == 403
    admin = login(ADMIN, "boss")
    user = _user(db, target.id)
    user.roles = [appbuilder.sm.find_role(FRONT_DESK)]
    db.session.commit()
    kinds = {event.kind for event in db.session.query(SecurityEvent)}
    assert {"login", "login_failed", "lockout", "denied", "roles_changed"} <= kinds
    role_event = db.session.query(SecurityEvent).filter_by(kind="roles_changed").one()
    assert role_event.username == "eventful" and role_event.detail == FRONT_DESK

    page = admin.get("/security-events/?kind=lockout&username=event")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and body.count('class="security-event"') == 2  # 11th attempt, then the page login
    assert admin.get("/security-events/?kind=nonsense&from=junk").status_code == 200
    assert desk.get("/security-events/").status_code == 403


def test_security_events_are_append_only(db):
    from app.models.security_events import SecurityEvent

    db.session.add(SecurityEvent(kind="login", username="x"))
    db.session.commit()
    event = db.session.query(SecurityEvent).one()
    event.username = "y"
    with pytest.raises(RuntimeError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.query(SecurityEvent).one())
    with pytest.raises(RuntimeError):
        db.session.commit()


# --- headers ---

def _html_routes(app):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments and "static" not in rule.endpoint \
                and not rule.rule.startswith(("/api/", "/logout")) and "download" not in rule.rule:
            yield rule.rule


def test_security_headers_on_every_html_page(app, login):
    import re

    admin = login(ADMIN)
    checked = 0
    for path in sorted(set(_html_routes(app))):
        response = admin.get(path)
        if not response.content_type.startswith("text/html") or response.status_code != 200:
            continue
        checked += 1
        csp = response.headers.get("Content-Security-Policy", "")
        assert "frame-ancestors 'none'" in csp and "script-src 'self' 'nonce-" in csp, path
        assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0], path
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin", path
        assert response.headers["Cache-Control"] == "no-store", path
        nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
        body = response.get_data(as_text=True)
        for tag in re.findall(r"<script\b[^>]*>", body):
            assert "src=" in tag or f'nonce="{nonce}"' in tag, (path, tag)
        assert not re.search(r"\son[a-z]+=\s*\"", body) or path.startswith("/timetable"), path
    assert checked > 20


def test_login_page_is_not_stored_and_static_files_are(app):
    client = app.test_client()
    assert client.get("/login/").headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/static/css/tessera.css").headers.get("Cache-Control", "")


def test_hsts_only_in_production(app):
    assert "Strict-Transport-Security" not in app.test_client().get("/login/").headers
    from config import ProductionConfig

    assert ProductionConfig.HSTS_ENABLED
