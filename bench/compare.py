"""Benchmark: Tessera against the bare framework and the SQL floor, in ONE table.

    .venv/bin/python bench/compare.py --scale 0.01 --url postgresql://tessera:tessera@127.0.0.1/tessera_perfbench
    make bench BENCH_ARGS="--scale 0.01 --url postgresql://…"

Builds a centre of ``100,000 × scale`` clients (bulk inserts; every tenth client owes), then
measures each page in this process and its baseline — a bare Flask-AppBuilder ModelView /
ModelRestApi over the same table (client list, search and API rows) or the hand-written SQL
that fetches the same rows (card, debts rows) — in a second process (FAB's AppBuilder is one
per process). Each row: median and spread (max − min) of RUNS requests, SQL statements, peak
Python memory of one extra request (tracemalloc), and the ratio to the baseline.
The database is emptied and rebuilt: give it a disposable database.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta

from _common import NO_REDIS, ROOT, analyze, build_app, create_manager, login, measure
from sqlalchemy import insert, text

RUNS = 7


def _timed(engine, call):
    """(median ms, spread ms, statements, peak KiB) of ``call()`` run RUNS times (+1 traced)."""
    times, statements = [], 0
    call()  # warm-up (templates, caches)
    for _ in range(RUNS):
        with measure(engine) as result:
            call()
        times.append(result.ms)
        statements = result.queries
    tracemalloc.start()
    call()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return dict(ms=statistics.median(times), spread=max(times) - min(times), queries=statements,
                kib=peak / 1024)


def _get(web, path):
    def call():
        response = web.get(path)
        assert response.status_code == 200, (path, response.status_code)
    return call


def _cases(size):
    """(key, label, Tessera path, baseline kind) — the same work on both sides."""
    last_page = max(0, size // 25 - 1)
    page_500 = min(500, last_page)
    mid = size // 2 + 1
    return [
        ("list1", "client list, first page", "/client/list/", "fab"),
        ("list500", f"client list, page {page_500}", f"/client/list/?page_ClientModelView={page_500}",
         "fab"),
        ("list100", "client list, 100 rows", "/client/list/?psize_ClientModelView=100", "fab"),
        ("searchlat3", "search 3 letters (Latin)", "/client/list/?_flt_0_search_name=dub", "fab"),
        ("searchcyr3", "search 3 letters (Cyrillic)",
         "/client/list/?_flt_0_search_name=%D0%B8%D0%B2%D0%B0", "fab"),
        ("searchfull", "search full name",
         f"/client/list/?_flt_0_search_name=smith{mid}", "fab"),
        ("api25", "client API list, 25 rows", "/api/v1/client/", "fab"),
        ("api100", "client API list, 100 rows", "/api/v1/client/?q=(page_size:100)", "fab"),
        ("card", "client card", f"/clients/{mid}/card", "sql"),
        ("debts", "debts list (first page)", "/debts/", "sql"),
    ]


def populate(db, size):
    """Clients (bench/clients.py's generator) and, for every tenth client, a charge (a debt)."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from clients import populate as populate_clients

    from app.models.clients import ClientCategory, Organisation
    from app.models.passes import Charge

    manager = create_manager()
    categories = [ClientCategory(name=n) for n in ("VIP", "Newcomer", "Regular", "Problem")]
    organisations = [Organisation(short_name=f"Org {i}", search_name=f"org {i}", active=True)
                     for i in range(50)]
    db.session.add_all(categories + organisations)
    db.session.commit()
    populate_clients(db, size, 0, manager.id, [c.id for c in categories],
                     [o.id for o in organisations])
    now, today = datetime.now(), date.today()
    rows = [dict(client_id=n, amount=10 + n % 90, kind="other", cancelled=False,
                 charged_on=today - timedelta(days=n % 300), created_on=now, changed_on=now,
                 version=1) for n in range(1, size + 1, 10)]
    for i in range(0, len(rows), 10000):
        db.session.execute(insert(Charge.__table__), rows[i:i + 10000])
    db.session.commit()
    return len(rows)


def tessera(url, size, instance):
    """Build the centre and measure Tessera; returns {key: result} and build facts."""
    app = build_app(url, instance, REDIS_URL=NO_REDIS)
    from app.extensions import db

    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            if db.engine.dialect.name == "postgresql":
                conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.create_all()
        started = time.perf_counter()
        debtors = populate(db, size)
        analyze(db)
        build = time.perf_counter() - started
        engine = db.engine
    web = login(app)
    token = web.post("/api/v1/security/login", json={
        "username": "bench", "password": "pw", "provider": "db"}).json["access_token"]
    results = {}
    for key, _label, path, _kind in _cases(size):
        if path.startswith("/api/"):
            headers = {"Authorization": f"Bearer {token}"}

            def call(path=path, headers=headers):
                response = web.get(path, headers=headers)
                assert response.status_code == 200, (path, response.status_code)
            results[key] = _timed(engine, call)
        else:
            results[key] = _timed(engine, _get(web, path))
    return results, dict(build=build, debtors=debtors)


# --- baselines -------------------------------------------------------------------------------

SQL_FLOOR = {
    # the client card's rows: the client with category/organisation, guardians, passes,
    # balance, payments, visits — the same rows the card shows, hand-written
    "card": [
        "SELECT c.*, cc.name, o.short_name FROM client c LEFT JOIN client_category cc ON "
        "cc.id = c.category_id LEFT JOIN organisation o ON o.id = c.organisation_id "
        "WHERE c.id = :id",
        "SELECT * FROM guardian WHERE client_id = :id",
        "SELECT p.*, pp.name FROM client_pass p JOIN pass_plan pp ON pp.id = p.plan_id "
        "WHERE p.client_id = :id ORDER BY p.start_date DESC",
        "SELECT (SELECT coalesce(sum(amount), 0) FROM charge WHERE client_id = :id AND NOT "
        "cancelled) - (SELECT coalesce(sum(amount), 0) FROM payment WHERE client_id = :id)",
        "SELECT * FROM payment WHERE client_id = :id ORDER BY paid_at DESC LIMIT 20",
    ],
    # the debts list's first page: balance per debtor, oldest unpaid charge, names, 100 rows
    "debts": [
        "WITH ledger AS (SELECT client_id, amount FROM charge WHERE NOT cancelled UNION ALL "
        "SELECT client_id, -amount FROM payment), b AS (SELECT client_id, sum(amount) AS balance "
        "FROM ledger GROUP BY client_id HAVING sum(amount) >= 0.01) "
        "SELECT count(*), sum(balance) FROM b",
        "WITH ledger AS (SELECT client_id, amount FROM charge WHERE NOT cancelled UNION ALL "
        "SELECT client_id, -amount FROM payment), b AS (SELECT client_id, sum(amount) AS balance "
        "FROM ledger GROUP BY client_id HAVING sum(amount) >= 0.01), "
        "s AS (SELECT client_id, min(charged_on) AS since FROM charge WHERE NOT cancelled "
        "GROUP BY client_id) "
        "SELECT b.client_id, b.balance, s.since, c.last_name, c.first_name FROM b "
        "LEFT JOIN s ON s.client_id = b.client_id JOIN client c ON c.id = b.client_id "
        "ORDER BY s.since, b.client_id LIMIT 100",
    ],
}


def bare_wsgi():
    """The bare FAB app for gunicorn (bench/load.py): ``compare:bare_wsgi()``."""
    return make_bare_app(os.environ["BENCH_DATABASE_URL"])[0]


def make_bare_app(url):
    """A bare FAB app: a ModelView and a ModelRestApi over Tessera's client table."""
    from flask import Flask
    from flask_appbuilder import AppBuilder, ModelRestApi, ModelView
    from flask_appbuilder.models.sqla.interface import SQLAInterface
    from flask_sqlalchemy import SQLAlchemy

    from app.models.clients import Client

    flask_app = Flask("bare")
    flask_app.config.update(SQLALCHEMY_DATABASE_URI=url, SECRET_KEY="bench", WTF_CSRF_ENABLED=False,
                            FAB_UPDATE_PERMS=True, SQLALCHEMY_TRACK_MODIFICATIONS=False)
    db = SQLAlchemy(flask_app)

    class BareClientView(ModelView):
        datamodel = SQLAInterface(Client)
        list_columns = ["last_name", "first_name", "birth_date", "phone", "email",
                        "card_number", "category", "manager", "organisation", "medical_notes"]
        search_columns = ["search_name", "phone_digits", "card_number"]
        base_order = ("search_name", "asc")

    class BareClientApi(ModelRestApi):
        resource_name = "bareclient"
        datamodel = SQLAInterface(Client)
        list_columns = ["id", "last_name", "first_name", "middle_name", "birth_date", "gender",
                        "phone", "email", "address", "card_number", "category.id",
                        "category.name", "source.id", "source.name", "manager.id",
                        "manager.first_name", "manager.last_name", "organisation.id",
                        "organisation.short_name", "consent_email", "consent_sms",
                        "discount_percent", "preferences", "sensitivity_notes", "medical_notes",
                        "notes", "active"]
        max_page_size = 500

    with flask_app.app_context():
        appbuilder = AppBuilder(flask_app, db.session)
        appbuilder.add_view(BareClientView, "Clients")
        appbuilder.add_api(BareClientApi)
        sm = appbuilder.sm
        if not sm.find_user(username="bare"):
            sm.add_user("bare", "Bare", "Admin", "bare@x.local", sm.find_role(sm.auth_role_admin),
                        password="pw")
        engine = db.engine
    return flask_app, engine


def bare(url, size):
    """The bare FAB app's list, search and API rows, and the SQL floors."""
    flask_app, engine = make_bare_app(url)
    web = flask_app.test_client()
    web.post("/login/", data={"username": "bare", "password": "pw"})
    token = web.post("/api/v1/security/login", json={
        "username": "bare", "password": "pw", "provider": "db"}).json["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    mid = size // 2 + 1
    results = {}
    for key, _label, path, kind in _cases(size):
        if kind == "fab":
            path = (path.replace("/client/list/", "/bareclientview/list/")
                    .replace("ClientModelView", "BareClientView")
                    .replace("/api/v1/client/", "/api/v1/bareclient/"))
            if key == "searchfull":  # FAB's own "contains" filter on the same column
                path = f"/bareclientview/list/?_flt_2_search_name=smith{mid}"
            elif key.startswith("search"):
                path = path.replace("_flt_0_", "_flt_2_")

            def call(path=path):
                response = web.get(path, headers=headers)
                assert response.status_code == 200, (path, response.status_code)
            results[key] = _timed(engine, call)
        else:
            def call(statements=SQL_FLOOR[key]):
                with engine.connect() as conn:
                    for statement in statements:
                        conn.execute(text(statement), {"id": mid}).all()
            results[key] = _timed(engine, call)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fraction of the 100,000 clients to build (default 1.0)")
    parser.add_argument("--url", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="a disposable PostgreSQL database (BENCH_DATABASE_URL)")
    parser.add_argument("--baseline", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.url:
        parser.error("--url postgresql://… (or BENCH_DATABASE_URL) is required")
    size = max(1000, int(100_000 * args.scale))
    if args.baseline:
        print(json.dumps(bare(args.url, size)))
        return
    with tempfile.TemporaryDirectory(prefix="tessera-bench-compare-") as instance:
        ours, facts = tessera(args.url, size, instance)
    done = subprocess.run([sys.executable, os.path.abspath(__file__), "--baseline", "--scale",
                           str(args.scale), "--url", args.url], check=True, cwd=ROOT,
                          capture_output=True, text=True)
    theirs = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"\n{size:,} clients, {facts['debtors']:,} debtors on "
          f"{args.url.split('://')[0]} (built in {facts['build']:.1f} s); "
          f"median of {RUNS} requests, spread = max − min")
    print("| page / operation | median ms | spread ms | queries | peak KiB | baseline | "
          "baseline ms | baseline queries | ratio |")
    print("|---|---:|---:|---:|---:|---|---:|---:|---:|")
    for key, label, _path, kind in _cases(size):
        a, b = ours[key], theirs[key]
        base = "bare FAB" if kind == "fab" else "SQL floor"
        print(f"| {label} | {a['ms']:.1f} | {a['spread']:.1f} | {a['queries']} | "
              f"{a['kib']:.0f} | {base} | {b['ms']:.1f} | {b['queries']} | "
              f"{a['ms'] / b['ms']:.2f}× |")


if __name__ == "__main__":
    main()
