"""Benchmark: the client list's first page, a name search and the client card on 1,000 and on
100,000 clients (bulk-inserted), with wall time and SQL query counts per request.

    /tmp/probe-venv/bin/python bench/clients.py            # 1,000 then 100,000 clients
    /tmp/probe-venv/bin/python bench/clients.py --scale 0.1  # 1,000 then 10,000
    BENCH_DATABASE_URL=postgresql://… bench/clients.py       # also on PostgreSQL

The query counts must be the same at both sizes; the times show how the SQL scales.
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import event, insert, text  # noqa: E402

FIRST = ["Léa", "Hugo", "Élodie", "Артём", "Анна", "Олена", "Тарас", "Արամ", "Լուսինե",
         "Oliver", "Emily", "Zoé", "Дмитро", "Ірина", "Narek"]
LAST = ["Dubois", "Moreau", "Lefèvre", "Иванов", "Смирнова", "Ёлкин", "Шевченко", "Коваленко",
        "Սարգսյան", "Հակոբյան", "Smith", "Brown", "Petit", "Bondarenko", "Grigoryan"]
RUNS = 5


def build_app(url, instance):
    from config import TestConfig

    class BenchConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        UPLOAD_FOLDER = os.path.join(instance, "uploads")
        REPORTS_FOLDER = os.path.join(instance, "reports")
        REDIS_URL = "redis://127.0.0.1:1/0"

    from app import create_app

    return create_app(BenchConfig)


def populate(db, total, start, manager_id, category_ids, organisation_ids):
    """Bulk-insert clients ``start`` .. ``total`` (Core executemany, 10,000 per statement)."""
    from app.models.clients import Client, Guardian
    from app.services.clients import digits_only, normalize_text

    rng = random.Random(start)
    today = date.today()
    now = datetime.now()
    batch = []
    guardians = []
    for n in range(start, total):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        last = f"{last}{n}"
        birth = today - timedelta(days=rng.randint(4 * 365, 80 * 365))
        phone = (f"+33 6 {n // 10000 % 100:02d} {n // 100 % 100:02d} {n % 100:02d} "
                 f"{rng.randint(10, 99)}")
        batch.append(dict(
            id=n + 1, first_name=first, last_name=last, birth_date=birth, phone=phone,
            phone_digits=digits_only(phone), email=f"c{n}@bench.local", card_number=f"B{n:07d}",
            category_id=rng.choice(category_ids), manager_id=manager_id,
            organisation_id=rng.choice(organisation_ids) if n % 10 == 0 else None,
            consent_email=True, consent_sms=False, discount_percent=0, active=True,
            medical_notes="allergy" if n % 50 == 0 else None,
            search_name=normalize_text(f"{last} {first}"), created_on=now, changed_on=now,
            version=1))
        if (today - birth).days < 18 * 365:
            guardians.append(dict(client_id=n + 1, full_name=f"Parent {last}", relation="mother",
                                  created_on=now, changed_on=now, version=1))
        if len(batch) == 10000:
            db.session.execute(insert(Client.__table__), batch)
            batch = []
    if batch:
        db.session.execute(insert(Client.__table__), batch)
    for i in range(0, len(guardians), 10000):
        db.session.execute(insert(Guardian.__table__), guardians[i:i + 10000])
    db.session.commit()


def measure(app, db, client, path):
    statements = []
    with app.app_context():
        engine = db.engine

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    timings = []
    for _ in range(RUNS):
        statements.clear()
        event.listen(engine, "before_cursor_execute", before)
        started = time.perf_counter()
        response = client.get(path)
        timings.append(time.perf_counter() - started)
        event.remove(engine, "before_cursor_execute", before)
        assert response.status_code == 200, (path, response.status_code)
    timings.sort()
    return timings[len(timings) // 2] * 1000, len(statements)


def run(url, sizes):
    instance = tempfile.mkdtemp(prefix="tessera-bench-clients-")
    app = build_app(url, instance)
    from app.extensions import db
    from app.models.clients import ClientCategory, Organisation
    from app.security import MANAGER
    from app.services.users import ensure_user, sync_roles

    with app.app_context():
        db.drop_all()
        db.create_all()
        sync_roles()
        manager = ensure_user("bench", "pw", "Bench", "Manager", "bench@x.local", [MANAGER])
        categories = [ClientCategory(name=n) for n in ("VIP", "Newcomer", "Regular", "Problem")]
        organisations = [Organisation(short_name=f"Org {i}", search_name=f"org {i}", active=True)
                         for i in range(50)]
        db.session.add_all(categories + organisations)
        db.session.commit()
        ids = dict(manager_id=manager.id, category_ids=[c.id for c in categories],
                   organisation_ids=[o.id for o in organisations])
    web = app.test_client()
    web.post("/login/", data={"username": "bench", "password": "pw"})
    print(f"\n{url.split('://')[0]}: median of {RUNS} requests")
    print(f"{'clients':>9}  {'page':<34} {'ms':>8} {'queries':>8}")
    done = 0
    for size in sizes:
        with app.app_context():
            started = time.perf_counter()
            populate(db, size, done, **ids)
            if db.engine.dialect.name == "postgresql":
                with db.engine.begin() as conn:
                    conn.execute(text("ANALYZE"))
            load = time.perf_counter() - started
        print(f"{size:>9,}  (bulk insert of {size - done:,} clients: {load:.1f} s)")
        done = size
        card_id = size // 2
        for label, path in (
                ("client list, first page", "/client/list/"),
                ("name search (page)", "/clients/search?q=smith" + str(size // 3)),
                ("name search (list filter)",
                 "/client/list/?_flt_0_search_name=%D1%91%D0%BB%D0%BA%D0%B8%D0%BD"),
                ("phone search", "/clients/search?q=06%2012%2034"),
                ("client card", f"/clients/{card_id}/card")):
            ms, queries = measure(app, db, web, path)
            print(f"{size:>9,}  {label:<34} {ms:>8.1f} {queries:>8}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fraction of the 100,000 clients to build (default 1.0)")
    parser.add_argument("--url", help="run on this database only (used for PostgreSQL)")
    args = parser.parse_args()
    sizes = [1000, max(1000, int(100_000 * args.scale))]
    if args.url:
        run(args.url, sizes)
        return
    handle, path = tempfile.mkstemp(suffix=".db", prefix="tessera-bench-clients-")
    os.close(handle)
    try:
        run(f"sqlite:///{path}", sizes)
    finally:
        os.remove(path)
    if os.environ.get("BENCH_DATABASE_URL"):
        # FAB's AppBuilder is a process-wide singleton: a second app needs a fresh process
        subprocess.run([sys.executable, os.path.abspath(__file__), "--scale", str(args.scale),
                        "--url", os.environ["BENCH_DATABASE_URL"]], check=True)


if __name__ == "__main__":
    main()
