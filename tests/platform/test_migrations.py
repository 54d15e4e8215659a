"""``flask db upgrade`` from an empty database gives exactly the models (no autogenerate drift)."""
import os
import subprocess
import sys
import uuid

import sqlalchemy as sa

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _flask(args, env):
    return subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def _fresh_database(tmp_path):
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path}/migrations.db", None
    name = f"tessera_mig_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    fresh = sa.engine.make_url(url).set(database=name)

    def drop():
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()

    return fresh.render_as_string(hide_password=False), drop


def test_upgrade_from_empty_matches_models(tmp_path):
    url, drop = _fresh_database(tmp_path)
    env = dict(os.environ, FLASK_APP="run.py", DATABASE_URL=url, TESSERA_CONFIG="default",
               TESSERA_INSTANCE_DIR=str(tmp_path))
    try:
        upgrade = _flask(["db", "upgrade"], env)
        assert upgrade.returncode == 0, upgrade.stderr[-3000:]
        check = _flask(["db", "check"], env)
        assert check.returncode == 0, check.stdout[-3000:] + check.stderr[-3000:]
        assert "No new upgrade operations detected" in check.stdout + check.stderr
    finally:
        if drop:
            drop()
