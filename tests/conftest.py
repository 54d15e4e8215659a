"""Shared fixtures: a real redis-server, the app on SQLite or PostgreSQL, per-test cleanup,
logged-in clients per role, factories. Browser fixtures live in ``tests/e2e/conftest.py``.

Parallel runs (pytest-xdist, ``scripts/test.sh`` uses ``-n``): every session fixture here is
per worker process, so each worker has its own redis-server (free port), its own SQLite file and
upload/report/document folders (its own tmp_path_factory), and on PostgreSQL its own database
``<TEST_DATABASE_URL's database>_<worker>`` (created at session start with the URL's
credentials, dropped at the end). ``pytest tests/x.py`` without xdist uses the URL as given."""
import os
import shutil
import socket
import subprocess
import tempfile
import time

import pytest
import sqlalchemy as sa
from sqlalchemy import text

from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from config import TestConfig

# Staff logins made by the fixtures (and FAB's unknown-user check) hash with cheap parameters:
# scrypt costs ~0.5 s per hash here and the suite logs in hundreds of users. The hashing code
# path is the production one; only the work factor differs.
FAST_PASSWORD_HASH = "pbkdf2:sha256:1000"


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
    import redis

    workdir = tempfile.mkdtemp(prefix="tessera-redis-")
    for _attempt in range(5):  # a parallel worker may take the free port before redis binds it
        port = free_port()
        proc = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
             "no", "--dir", workdir],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=port)
        for _ in range(200):
            if proc.poll() is not None:
                break  # it could not bind: another port
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        if proc.poll() is None:
            break
    assert proc.poll() is None, "redis-server did not start"
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)
    shutil.rmtree(workdir, ignore_errors=True)


def xdist_worker():
    """The xdist worker's name ("gw0", …), or None when the tests run in one process."""
    return os.environ.get("PYTEST_XDIST_WORKER") or None


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """This process's database: a SQLite file in its tmp folder, or TEST_DATABASE_URL; under
    xdist on PostgreSQL, a database of the worker's own next to the URL's, dropped at the end."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path_factory.mktemp('database')}/test.db"
        return
    worker = xdist_worker()
    if not worker or not url.startswith("postgresql"):
        yield url
        return
    base = sa.engine.make_url(url)
    name = f"{base.database}_{worker}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:  # a leftover of an interrupted run goes first
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def app(redis_url, database_url, tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        REDIS_URL = redis_url
        FAB_PASSWORD_HASH_METHOD = FAST_PASSWORD_HASH
        AUTH_DB_FAKE_PASSWORD_HASH_CHECK = generate_password_hash("password",
                                                                  method=FAST_PASSWORD_HASH)
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


class _Cleaner:
    """Empties every table but ``ab_role`` after a test, as fast as each database allows: one
    query finds the tables that hold rows; only those are emptied (DELETE, children first, in
    one transaction); on PostgreSQL the sequences they own restart (what TRUNCATE … RESTART
    IDENTITY did: ids start at 1 again, as on SQLite). TRUNCATE of ~100 tables cost seconds
    per test on PostgreSQL; most tests touch a handful of tables."""

    def __init__(self, db):
        self.tables = [t for t in reversed(db.metadata.sorted_tables) if t.name != "ab_role"]
        preparer = db.engine.dialect.identifier_preparer
        self.quoted = {t.name: preparer.quote(t.name) for t in self.tables}
        self.probe = text(" UNION ALL ".join(
            f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM {self.quoted[t.name]})"
            for t in self.tables))
        self.postgresql = db.engine.dialect.name == "postgresql"
        self.sequences = []
        if self.postgresql:
            with db.engine.connect() as conn:
                self.sequences = list(conn.execute(text(
                    "SELECT DISTINCT quote_ident(n.nspname) || '.' || quote_ident(s.relname) "
                    "FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace "
                    "JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i') "
                    "JOIN pg_class t ON t.oid = d.refobjid "
                    "WHERE s.relkind = 'S' AND t.relname = ANY(:names) "
                    "AND n.nspname = current_schema()"),
                    {"names": [t.name for t in self.tables]}).scalars())

    def clean(self, db):
        with db.engine.begin() as conn:
            full = set(conn.execute(self.probe).scalars())
            if full:
                try:
                    with conn.begin_nested():
                        for table in self.tables:
                            if table.name in full:
                                conn.execute(table.delete())
                except sa.exc.IntegrityError:  # a cycle sorted_tables could not order
                    if not self.postgresql:
                        raise
                    names = ", ".join(self.quoted[t.name] for t in self.tables
                                      if t.name in full)
                    conn.execute(text(f"TRUNCATE {names} CASCADE"))
            if self.sequences:
                conn.execute(text(
                    "SELECT setval(format('%I.%I', schemaname, sequencename), 1, false) "
                    "FROM pg_sequences WHERE last_value IS NOT NULL "
                    "AND format('%I.%I', schemaname, sequencename) = ANY(:names)"),
                    {"names": self.sequences})


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
        cleaner = app.extensions.get("tessera_test_cleaner")
        if cleaner is None:
            cleaner = app.extensions["tessera_test_cleaner"] = _Cleaner(db)
        cleaner.clean(db)
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
