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


def test_name_trigram_migration_fills_the_table_and_its_triggers_follow(tmp_path):
    """The migration that added the name trigram table fills it from the clients already
    saved, and its triggers keep it right afterwards; downgraded, clients save without it."""
    url, drop = _fresh_database(tmp_path)
    env = dict(os.environ, FLASK_APP="run.py", DATABASE_URL=url, TESSERA_CONFIG="default",
               TESSERA_INSTANCE_DIR=str(tmp_path))
    engine = sa.create_engine(url)
    add = sa.text("INSERT INTO client (id, first_name, last_name, search_name, discount_percent,"
                  " consent_email, consent_sms, active, created_on, changed_on, version) VALUES"
                  " (:id, 'x', 'x', :name, 0, false, false, true, '2026-01-01', '2026-01-01', 1)")
    pieces = sa.text("SELECT trigram FROM client_name_trigram WHERE client_id = :id"
                     " ORDER BY trigram")
    try:
        before = _flask(["db", "upgrade", "c4d9e2a7b1f0"], env)
        assert before.returncode == 0, before.stderr[-3000:]
        with engine.begin() as conn:
            conn.execute(add, dict(id=1, name="иванова анна"))
        upgrade = _flask(["db", "upgrade", "48bae441898b"], env)
        assert upgrade.returncode == 0, upgrade.stderr[-3000:]
        with engine.begin() as conn:
            assert conn.scalars(pieces, dict(id=1)).all() == sorted(
                ["ива", "ван", "ано", "нов", "ова", "анн", "нна"])
            conn.execute(add, dict(id=2, name="dubois2 lea"))
            conn.execute(sa.text("UPDATE client SET search_name = 'petit lea' WHERE id = 1"))
            assert conn.scalars(pieces, dict(id=2)).all() == ["boi", "dub", "lea", "ois", "ubo"]
            assert conn.scalars(pieces, dict(id=1)).all() == ["eti", "lea", "pet", "tit"]
        engine.dispose()
        downgrade = _flask(["db", "downgrade", "c4d9e2a7b1f0"], env)
        assert downgrade.returncode == 0, downgrade.stderr[-3000:]
        with engine.begin() as conn:
            conn.execute(add, dict(id=3, name="moreau hugo"))
            conn.execute(sa.text("DELETE FROM client WHERE id = 1"))
            assert "client_name_trigram" not in sa.inspect(conn).get_table_names()
            if conn.dialect.name == "postgresql":  # its functions gone too
                assert conn.scalar(sa.text("SELECT count(*) FROM pg_proc"
                                           " WHERE proname LIKE 'client_name_trigram%'")) == 0
    finally:
        engine.dispose()
        if drop:
            drop()
