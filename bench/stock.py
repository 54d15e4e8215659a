"""Benchmark: the product list with stock levels (the sum of the movements, in SQL) on 500
products / 100,000 movements and on 5,000 products / 1,000,000 movements (bulk-inserted), with
wall time and SQL query counts per request.

    .venv/bin/python bench/stock.py              # 500 / 100,000 then 5,000 / 1,000,000
    .venv/bin/python bench/stock.py --scale 0.1  # 500 / 100,000 then 500 / 100,000
    BENCH_DATABASE_URL=postgresql://… bench/stock.py   # also on PostgreSQL

The query counts must be the same at both sizes; the times show how the SQL scales.
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import event, insert, text  # noqa: E402

RUNS = 5
KINDS = ("receipt", "sale", "sale", "sale", "write_off", "issue", "return", "correction")


def build_app(url, instance):
    from config import TestConfig

    class BenchConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        UPLOAD_FOLDER = os.path.join(instance, "uploads")
        REPORTS_FOLDER = os.path.join(instance, "reports")
        REDIS_URL = "redis://127.0.0.1:1/0"

    from app import create_app

    return create_app(BenchConfig)


def populate(db, products, movements, start_product, start_movement):
    """Bulk-insert products and movements (Core executemany, 20,000 per statement); each
    product's movements sum to a non-negative level, kept in ``on_hand`` as the app does."""
    from app.models.stock import Product, StockMovement

    rng = random.Random(start_product)
    now = datetime.now()
    levels = {}
    batch = []
    for n in range(start_product, products):
        batch.append(dict(id=n + 1, name=f"Product {n:05d}", sku=f"SKU{n:06d}",
                          barcode=f"37{n:011d}", unit="pcs", sale_price=Decimal("2.50"),
                          cost=Decimal("1.10"), min_stock=rng.randint(0, 10),
                          reorder_quantity=24, active=True, on_hand=0, created_on=now,
                          changed_on=now, version=1))
        levels[n + 1] = 0
    for i in range(0, len(batch), 20000):
        db.session.execute(insert(Product.__table__), batch[i:i + 20000])
    product_ids = list(range(1, products + 1))
    batch = []
    for n in range(start_movement, movements):
        product_id = rng.choice(product_ids)
        kind = rng.choice(KINDS)
        level = levels.get(product_id)
        if level is None:  # a product of an earlier size: its level is in the database
            level = levels[product_id] = db.session.scalar(
                text("SELECT on_hand FROM product WHERE id = :id"), {"id": product_id})
        quantity = rng.randint(1, 20) if kind in ("receipt", "return") else -rng.randint(1, 3)
        if kind == "correction":
            quantity = rng.choice((-1, 1))
        if level + quantity < 0:
            kind, quantity = "receipt", rng.randint(5, 20)
        levels[product_id] = level + quantity
        batch.append(dict(id=n + 1, kind=kind, product_id=product_id, quantity=quantity,
                          unit_price=Decimal("1.10"), at=now - timedelta(minutes=movements - n),
                          reason="bench" if kind == "write_off" else None, created_on=now,
                          changed_on=now, version=1))
        if len(batch) == 20000:
            db.session.execute(insert(StockMovement.__table__), batch)
            batch = []
    if batch:
        db.session.execute(insert(StockMovement.__table__), batch)
    if levels:
        db.session.execute(text("UPDATE product SET on_hand = :level WHERE id = :pid"),
                           [{"pid": pid, "level": level} for pid, level in levels.items()])
    db.session.commit()


def measure(app, db, call):
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
        call()
        timings.append(time.perf_counter() - started)
        event.remove(engine, "before_cursor_execute", before)
    timings.sort()
    return timings[len(timings) // 2] * 1000, len(statements)


def run(url, sizes):
    instance = tempfile.mkdtemp(prefix="tessera-bench-stock-")
    app = build_app(url, instance)
    from app.extensions import db
    from app.security import STOREKEEPER
    from app.services.platform.users import ensure_user, sync_roles
    from app.services.stock import products as stock_products

    with app.app_context():
        db.drop_all()
        db.create_all()
        sync_roles()
        ensure_user("bench", "pw", "Bench", "Keeper", "bench@x.local", [STOREKEEPER])
        db.session.commit()
    web = app.test_client()
    web.post("/login/", data={"username": "bench", "password": "pw"})

    def page(path):
        def call():
            response = web.get(path)
            assert response.status_code == 200, (path, response.status_code)
        return call

    def service():
        with app.app_context():
            rows = stock_products.product_rows()
            assert rows
            db.session.remove()

    print(f"\n{url.split('://')[0]}: median of {RUNS} runs")
    print(f"{'products':>9} {'movements':>10}  {'what':<36} {'ms':>8} {'queries':>8}")
    done_products = done_movements = 0
    for products, movements in sizes:
        with app.app_context():
            started = time.perf_counter()
            populate(db, products, movements, done_products, done_movements)
            if db.engine.dialect.name == "postgresql":
                with db.engine.begin() as conn:
                    conn.execute(text("ANALYZE"))
            load = time.perf_counter() - started
        print(f"{products:>9,} {movements:>10,}  (bulk insert: {load:.1f} s)")
        done_products, done_movements = products, movements
        for label, call in (("product list with levels (service)", service),
                            ("stock levels page", page("/stock/levels")),
                            ("low-stock page", page("/stock/low")),
                            ("products list (FAB, first page)", page("/product/list/"))):
            ms, queries = measure(app, db, call)
            print(f"{products:>9,} {movements:>10,}  {label:<36} {ms:>8.1f} {queries:>8}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fraction of the 5,000 products / 1,000,000 movements")
    parser.add_argument("--url", help="run on this database only (used for PostgreSQL)")
    args = parser.parse_args()
    sizes = [(500, 100_000),
             (max(500, int(5000 * args.scale)), max(100_000, int(1_000_000 * args.scale)))]
    sizes = sorted(set(sizes))
    if args.url:
        run(args.url, sizes)
        return
    handle, path = tempfile.mkstemp(suffix=".db", prefix="tessera-bench-stock-")
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
