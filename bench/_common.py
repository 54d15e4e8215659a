"""Scaffolding shared by the benchmark scripts: the app on a given database, temporary folders,
the databases to run on, wall time and SQL statement counts, and the ms/queries result table.

Importing it puts the repository root on ``sys.path`` (for ``app`` and ``config``), so the
scripts import it before anything from the project.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager

from sqlalchemy import event, text

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

NO_REDIS = "redis://127.0.0.1:1/0"  # nothing listens there: enqueuing fails fast, no worker runs


def build_app(url, instance, base=None, **settings):
    """A Tessera app on database ``url``, uploads and reports under ``instance`` (TestConfig)."""
    from app import create_app
    from config import TestConfig

    values = dict(SQLALCHEMY_DATABASE_URI=url, UPLOAD_FOLDER=os.path.join(instance, "uploads"),
                  REPORTS_FOLDER=os.path.join(instance, "reports"), **settings)
    return create_app(type("BenchConfig", (base or TestConfig,), values))


@contextmanager
def temporary_folder(prefix, keep=False):
    """A fresh temporary folder for the block, removed afterwards unless ``keep``."""
    folder = tempfile.mkdtemp(prefix=prefix)
    try:
        yield folder
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


def sqlite_url(folder):
    """The URL of a SQLite database file ``bench.db`` in ``folder``."""
    return f"sqlite:///{os.path.join(folder, 'bench.db')}"


def database_url(folder):
    """BENCH_DATABASE_URL when set, else a SQLite file in ``folder``."""
    return os.environ.get("BENCH_DATABASE_URL") or sqlite_url(folder)


def run_on_databases(args, prefix, run, *run_args):
    """``run(url, instance, *run_args)`` on ``args.url``, or on SQLite then BENCH_DATABASE_URL."""
    with temporary_folder(prefix) as instance:
        run(args.url or sqlite_url(instance), instance, *run_args)
    if not args.url and os.environ.get("BENCH_DATABASE_URL"):
        # FAB's AppBuilder is a process-wide singleton: a second app needs a fresh process
        subprocess.run([sys.executable, os.path.abspath(sys.argv[0]), "--scale", str(args.scale),
                        "--url", os.environ["BENCH_DATABASE_URL"]], check=True)


class Measurement:
    """Wall time of a ``stopwatch()`` block and the SQL statements of a ``measure()`` block."""

    def __init__(self):
        self.seconds = 0.0
        self.statements = []

    @property
    def ms(self):
        """The wall time in milliseconds."""
        return self.seconds * 1000

    @property
    def queries(self):
        """The number of SQL statements executed."""
        return len(self.statements)


@contextmanager
def stopwatch():
    """Time the block (time.perf_counter): the Measurement's ``seconds`` is set at its end."""
    result = Measurement()
    started = time.perf_counter()
    try:
        yield result
    finally:
        result.seconds = time.perf_counter() - started


@contextmanager
def measure(engine):
    """Time the block and record the SQL statements ``engine`` executes in it."""
    result = Measurement()

    def before(conn, cursor, statement, *args):
        result.statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    started = time.perf_counter()
    try:
        yield result
    finally:
        result.seconds = time.perf_counter() - started
        event.remove(engine, "before_cursor_execute", before)


def median(measurements):
    """The measurement of median wall time."""
    ordered = sorted(measurements, key=lambda m: m.seconds)
    return ordered[len(ordered) // 2]


def median_get(engine, web, path, runs):
    """The median of ``runs`` GET requests of ``path`` (each must answer 200)."""
    results = []
    for _ in range(runs):
        with measure(engine) as result:
            response = web.get(path)
        assert response.status_code == 200, (path, response.status_code)
        results.append(result)
    return median(results)


def create_manager():
    """The roles and the user bench/pw with the manager role, committed; returns the user."""
    from app.extensions import db
    from app.security import MANAGER
    from app.services.platform.users import ensure_user, sync_roles

    sync_roles()
    user = ensure_user("bench", "pw", "Bench", "Manager", "bench@x.local", [MANAGER])
    db.session.commit()
    return user


def login(app):
    """A test client of ``app`` logged in as bench/pw."""
    web = app.test_client()
    web.post("/login/", data={"username": "bench", "password": "pw"})
    return web


def analyze(db):
    """After a bulk load, what autovacuum does to a live database: planner statistics, and the
    visibility map that lets index-only scans skip the table (nothing to do on SQLite)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("VACUUM ANALYZE"))


def print_header(columns):
    """Print the header of a result table: ``columns`` then ms and queries."""
    print(f"{columns} {'ms':>8} {'queries':>8}")


def print_row(columns, result):
    """Print a row of a result table: ``columns`` then the Measurement's ms and queries."""
    print(f"{columns} {result.ms:>8.1f} {result.queries:>8}")
