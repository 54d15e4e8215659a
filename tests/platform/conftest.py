"""The two-instance test (test_two_instances.py) runs only on PostgreSQL.

Why a module-level ``collect_ignore`` and not a skip marker: two web machines and two workers
sharing one database is a layout only a client/server database supports; Tessera's SQLite
configuration is a single-machine file with a single writer, which is not a production
deployment of "two of everything". Leaving the module out of collection on SQLite states that
plainly (the test does not exist there) instead of reporting a skipped test. Run it with
``TEST_DATABASE_URL=postgresql://…`` (README, "Running the tests on PostgreSQL")."""
import os

collect_ignore = []
if not (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql"):
    collect_ignore.append("test_two_instances.py")

from tests.platform.scratch_catalogs import scratch_catalogs  # noqa: E402,F401  (the fixture)
