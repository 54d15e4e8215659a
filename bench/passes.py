"""Benchmark: balances, flags, the debts list, red passes and write-offs on many clients.

    .venv/bin/python bench/passes.py               # 1,000 then 20,000 clients
    .venv/bin/python bench/passes.py --scale 0.1   # 100 then 2,000
    BENCH_DATABASE_URL=postgresql://… bench/passes.py          # also on PostgreSQL

Each client has a pass (a charge), most have paid; query counts must not grow with size.
"""
import argparse
from datetime import date, datetime, timedelta

from _common import NO_REDIS, build_app, measure, run_on_databases
from sqlalchemy import insert

SIZES = (1_000, 20_000)


def populate(db, start, total, plan_id, service_id):
    """Bulk-insert clients start..total, each with a pass, its charge and (mostly) a payment."""
    from app.models.clients import Client
    from app.models.passes import Charge, Pass, Payment, pass_service

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
                           validity_days=30, time_window="any", freezes_allowed=0,
                           freeze_days_allowed=0,  # a sold pass keeps its plan's terms
                           created_on=now, changed_on=now, version=1))
        charges.append(dict(client_id=cid, amount=100, kind="pass", pass_id=cid,
                            charged_on=start_day, cancelled=False, created_on=now,
                            changed_on=now, version=1))
        if n % 7:
            payments.append(dict(client_id=cid, amount=100 if n % 3 else 60, method="cash",
                                 purpose="pass", pass_id=cid, paid_at=now, created_on=now,
                                 changed_on=now, version=1))
    # a sold pass keeps its own services (pass_service), as a sale makes it
    covered = [dict(pass_id=p["id"], service_id=service_id) for p in passes]
    for model, rows in ((Client, clients), (Pass, passes), (pass_service, covered),
                        (Charge, charges), (Payment, payments)):
        for i in range(0, len(rows), 5000):
            db.session.execute(insert(model), rows[i:i + 5000])
    db.session.commit()


def measured(db, label, func):
    """Call ``func()``, print its wall time and SQL statement count, return its result."""
    with measure(db.engine) as result:
        value = func()
    print(f"  {label:<42} {result.ms:9.1f} ms  {result.queries:3d} queries")
    return value


def run(url, instance, sizes):
    from app.extensions import db

    app = build_app(url, instance, REDIS_URL=NO_REDIS)
    with app.app_context():
        db.drop_all()
        db.create_all()
        from app.services.money import passes
        from app.services.money import payments
        from tests.factories.passes import make_plan

        plan = make_plan(sessions=10)
        service_id = plan.services[0].id
        db.session.commit()
        done = 0
        for size in sizes:
            populate(db, done, size, plan.id, service_id)
            done = size
            db.session.expire_all()
            print(f"{db.engine.dialect.name}, {size} clients with passes:")
            ids = list(range(1, size + 1))
            page = ids[:25]
            measured(db, "client_balances (all clients)", lambda: payments.client_balances(ids))
            measured(db, "client_balances (one page of 25)",
                     lambda: payments.client_balances(page))
            measured(db, "client_flags (one page of 25)", lambda: passes.client_flags(page))
            rows = measured(db, "debts list", payments.debts)
            measured(db, "passes running out (first 500)", passes.passes_running_out)
            measured(db, "red_pass_ids (one page of 25)",
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

            written = measured(db, "200 write-offs, one commit each", write_offs)
            print(f"  ({len(rows)} debtors, {written} write-offs succeeded)")
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            db.drop_all()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--url", help="run on this database only (used for PostgreSQL)")
    args = parser.parse_args()
    sizes = [max(int(s * args.scale), 10) for s in SIZES]
    run_on_databases(args, "tessera-bench-passes-", run, sizes)


if __name__ == "__main__":
    main()
