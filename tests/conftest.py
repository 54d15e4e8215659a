"""Shared fixtures: a real redis-server, the app on SQLite or PostgreSQL, per-test cleanup,
logged-in clients per role, factories. Browser fixtures live in ``tests/e2e/conftest.py``."""
import os
import shutil
import socket
import subprocess
import tempfile
import time

import pytest
from sqlalchemy import text

from flask.testing import FlaskClient

from config import TestConfig


class IsolatedClient(FlaskClient):
    """Each request gets its own app context (own ``g`` and db session), as in production,
    even while a test holds an app context open for its own queries."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url():
    """A real redis-server on a free loopback port, stopped when the session ends."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server is required (make test installs it)"
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="tessera-redis-")
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", workdir],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def app(redis_url, tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    database_url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{instance}/test.db"

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        REDIS_URL = redis_url
        UPLOAD_FOLDER = str(instance / "uploads")
        REPORTS_FOLDER = str(instance / "reports")
        DOCUMENTS_FOLDER = str(instance / "documents")

    if database_url.startswith("sqlite"):
        Config.SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": {"timeout": 30}}

    from app import create_app
    from app.extensions import db

    application = create_app(Config)
    application.test_client_class = IsolatedClient
    with application.app_context():
        db.drop_all()
        db.create_all()
        from app.services.platform.users import sync_roles

        sync_roles()
        db.session.commit()
    return application


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Every test starts from roles only: all rows from the previous test are deleted."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    from app.extensions import db

    with app.app_context():
        db.session.remove()
        tables = [t for t in reversed(db.metadata.sorted_tables) if t.name != "ab_role"]
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            with db.engine.begin() as conn:
                for table in tables:
                    conn.execute(table.delete())
        redis_client = __import__("redis").Redis.from_url(app.config["REDIS_URL"])
        redis_client.flushdb()
        from app.extensions import appbuilder

        appbuilder.sm.limiter.reset()


@pytest.fixture
def db(app):
    from app.extensions import db as database

    with app.app_context():
        yield database
        database.session.remove()


@pytest.fixture
def make_user(db):
    """Factory: a staff login with one role (password 'pw')."""
    from app.services.platform.users import ensure_user

    counter = {"n": 0}

    def factory(role, username=None):
        counter["n"] += 1
        username = username or f"{role.lower().replace(' ', '_')}{counter['n']}"
        user = ensure_user(username, "pw", role, "User", f"{username}@test.local", [role])
        db.session.commit()
        return user

    return factory


@pytest.fixture
def login(app, make_user):
    """Factory: a test client logged in (session cookie) as a new user with ``role``."""

    def factory(role, username=None):
        user = make_user(role, username)
        client = app.test_client()
        response = client.post("/login/", data={"username": user.username, "password": "pw"})
        assert response.status_code == 302, "login failed"
        client.user_id = user.id
        return client

    return factory


@pytest.fixture
def api_token(app, make_user):
    """Factory: a JWT access token for a new user with ``role``, via FAB's security API."""

    def factory(role):
        user = make_user(role)
        client = app.test_client()
        response = client.post("/api/v1/security/login", json={
            "username": user.username, "password": "pw", "provider": "db"})
        assert response.status_code == 200, response.get_data(as_text=True)
        return {"Authorization": f"Bearer {response.json['access_token']}"}

    return factory


@pytest.fixture
def count_queries(db):
    """Context manager counting SQL statements: ``with count_queries() as n: ...; n()``."""
    from contextlib import contextmanager

    from sqlalchemy import event

    @contextmanager
    def counter():
        statements = []

        def before(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield lambda: len(statements)
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return counter
