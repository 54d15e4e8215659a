"""Benchmark: the client list's first page, a name search and the client card on 1,000 and on
100,000 clients (bulk-inserted), with wall time and SQL query counts per request.

    .venv/bin/python bench/clients.py            # 1,000 then 100,000 clients
    .venv/bin/python bench/clients.py --scale 0.1  # 1,000 then 10,000
    BENCH_DATABASE_URL=postgresql://… bench/clients.py       # also on PostgreSQL

The query counts must be the same at both sizes; the times show how the SQL scales.
"""
import argparse
import random
from datetime import date, datetime, timedelta

from _common import (
    NO_REDIS, analyze, build_app, create_manager, login, median_get, print_header, print_row,
    run_on_databases, stopwatch,
)
from sqlalchemy import insert

FIRST = ["Léa", "Hugo", "Élodie", "Артём", "Анна", "Олена", "Тарас", "Արամ", "Լուսինե",
         "Oliver", "Emily", "Zoé", "Дмитро", "Ірина", "Narek"]
LAST = ["Dubois", "Moreau", "Lefèvre", "Иванов", "Смирнова", "Ёлкин", "Шевченко", "Коваленко",
        "Սարգսյան", "Հակոբյան", "Smith", "Brown", "Petit", "Bondarenko", "Grigoryan"]
RUNS = 5


def populate(db, total, start, manager_id, category_ids, organisation_ids):
    """Bulk-insert clients ``start`` .. ``total`` (Core executemany, 10,000 per statement)."""
    from app.models.clients import Client, Guardian
    from app.services.clients.records import digits_only, normalize_text

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


def run(url, instance, sizes):
    app = build_app(url, instance, REDIS_URL=NO_REDIS)
    from app.extensions import db
    from app.models.clients import ClientCategory, Organisation

    with app.app_context():
        db.drop_all()
        db.create_all()
        manager = create_manager()
        categories = [ClientCategory(name=n) for n in ("VIP", "Newcomer", "Regular", "Problem")]
        organisations = [Organisation(short_name=f"Org {i}", search_name=f"org {i}", active=True)
                         for i in range(50)]
        db.session.add_all(categories + organisations)
        db.session.commit()
        ids = dict(manager_id=manager.id, category_ids=[c.id for c in categories],
                   organisation_ids=[o.id for o in organisations])
        engine = db.engine
    web = login(app)
    print(f"\n{url.split('://')[0]}: median of {RUNS} requests")
    print_header(f"{'clients':>9}  {'page':<34}")
    done = 0
    for size in sizes:
        with app.app_context(), stopwatch() as load:
            populate(db, size, done, **ids)
            analyze(db)
        print(f"{size:>9,}  (bulk insert of {size - done:,} clients: {load.seconds:.1f} s)")
        done = size
        card_id = size // 2
        for label, path in (
                ("client list, first page", "/client/list/"),
                ("name search (page)", "/clients/search?q=smith" + str(size // 3)),
                ("name search (list filter)",
                 "/client/list/?_flt_0_search_name=%D1%91%D0%BB%D0%BA%D0%B8%D0%BD"),
                ("phone search", "/clients/search?q=06%2012%2034"),
                ("client card", f"/clients/{card_id}/card")):
            print_row(f"{size:>9,}  {label:<34}", median_get(engine, web, path, RUNS))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fraction of the 100,000 clients to build (default 1.0)")
    parser.add_argument("--url", help="run on this database only (used for PostgreSQL)")
    args = parser.parse_args()
    sizes = [1000, max(1000, int(100_000 * args.scale))]
    run_on_databases(args, "tessera-bench-clients-", run, sizes)


if __name__ == "__main__":
    main()
