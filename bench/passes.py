"""Benchmark: balances, flags, the debts list, red passes and write-offs on many clients.

    /tmp/probe-venv/bin/python bench/passes.py               # 1,000 then 20,000 clients
    /tmp/probe-venv/bin/python bench/passes.py --scale 0.1   # 100 then 2,000
    BENCH_DATABASE_URL=postgresql://… bench/passes.py          # also on PostgreSQL

Each client has a pass (a charge), most have paid; query counts must not grow with size.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import event, insert  # noqa: E402

SIZES = (1_000, 20_000)


def build_app(url, instance):
    from config import TestConfig

    class BenchConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        UPLOAD_FOLDER = os.path.join(instance, "uploads")
        REPORTS_FOLDER = os.path.join(instance, "reports")
        REDIS_URL = "redis://127.0.0.1:1/0"

    from app import create_app

    return create_app(BenchConfig)


def populate(db, start, total, plan_id):
    """Bulk-insert clients start..total, each with a pass, its charge and (mostly) a payment."""
    from app.models.clients import Client
    from app.models.passes import Charge, Pass, Payment

    today, now = date.today(), datetime.now()
    clients, passes, charges, payments = [], [], [], []
    for n in range(start, total):
        cid = n + 1
        clients.append(dict(id=cid, first_name=f"Bench{n}", last_name="Client",
                            discount_percent=0, consent_email=False, consent_sms=False,
                            active=True, created_on=now, changed_on=now, version=1))
        start_day = today - timedelta(days=n % 28)
        passes.append(dict(id=cid, client_id=cid, plan_id=plan_id, start_date=start_day,
                           end_date=start_day + timedelta(days=29), sessions_total=10,
                           sessions_used=n % 11 if n % 11 < 10 else 9, list_price=100,
                           discount_percent=0, price_paid=100, status="active",
                           created_on=now, changed_on=now, version=1))
        charges.append(dict(client_id=cid, amount=100, kind="pass", pass_id=cid,
                            charged_on=start_day, cancelled=False, created_on=now,
                            changed_on=now, version=1))
        if n % 7:
            payments.append(dict(client_id=cid, amount=100 if n % 3 else 60, method="cash",
                                 purpose="pass", pass_id=cid, paid_at=now, created_on=now,
                                 changed_on=now, version=1))
    for model, rows in ((Client, clients), (Pass, passes), (Charge, charges),
                        (Payment, payments)):
        for i in range(0, len(rows), 5000):
            db.session.execute(insert(model), rows[i:i + 5000])
    db.session.commit()


def measure(db, label, func):
    count = {"n": 0}

    def before(*args):
        count["n"] += 1

    event.listen(db.engine, "before_cursor_execute", before)
    started = time.perf_counter()
    try:
        result = func()
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    elapsed = (time.perf_counter() - started) * 1000
    print(f"  {label:<42} {elapsed:9.1f} ms  {count['n']:3d} queries")
    return result


def run(url, sizes):
    from app.extensions import db

    instance = tempfile.mkdtemp(prefix="tessera-bench-passes-")
    app = build_app(url, instance)
    with app.app_context():
        db.drop_all()
        db.create_all()
        from app.services import passes, payments
        from tests.factories.passes import make_plan

        plan = make_plan(sessions=10)
        service_id = plan.services[0].id
        db.session.commit()
        done = 0
        for size in sizes:
            populate(db, done, size, plan.id)
            done = size
            db.session.expire_all()
            print(f"{db.engine.dialect.name}, {size} clients with passes:")
            ids = list(range(1, size + 1))
            page = ids[:25]
            measure(db, "client_balances (all clients)", lambda: payments.client_balances(ids))
            measure(db, "client_balances (one page of 25)",
                    lambda: payments.client_balances(page))
            measure(db, "client_flags (one page of 25)", lambda: passes.client_flags(page))
            rows = measure(db, "debts list", payments.debts)
            measure(db, "passes running out (first 500)", passes.passes_running_out)
            measure(db, "red_pass_ids (one page of 25)",
                    lambda: passes.red_pass_ids([(i, i) for i in page]))
            at = datetime.now().replace(hour=10)

            def write_offs():
                written = 0
                for cid in ids[:200]:
                    try:
                        passes.write_off_session(cid, service_id, at)
                        db.session.commit()
                        written += 1
                    except passes.NoValidPass:
                        db.session.rollback()
                return written

            written = measure(db, "200 write-offs, one commit each", write_offs)
            print(f"  ({len(rows)} debtors, {written} write-offs succeeded)")
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            db.drop_all()
    shutil.rmtree(instance, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--url", help="run on this database only (used for PostgreSQL)")
    args = parser.parse_args()
    sizes = [max(int(s * args.scale), 10) for s in SIZES]
    if args.url:
        run(args.url, sizes)
        return
    folder = tempfile.mkdtemp(prefix="tessera-bench-")
    run(f"sqlite:///{folder}/bench.db", sizes)
    shutil.rmtree(folder, ignore_errors=True)
    if os.environ.get("BENCH_DATABASE_URL"):
        # one FAB app per process: PostgreSQL runs in a child process
        subprocess.run([sys.executable, os.path.abspath(__file__), "--scale", str(args.scale),
                        "--url", os.environ["BENCH_DATABASE_URL"]], check=True)


if __name__ == "__main__":
    main()
