"""Client search by name, phone or email is answered from an index on PostgreSQL (pg_trgm GIN
indexes on the normalized columns); SQLite has none and scans, with the same results."""
from datetime import datetime

from sqlalchemy import insert, inspect, select, text

from app.models.clients import Client
from app.services.clients.search import client_search_condition, search_clients
from tests.factories.clients import make_client


def _fill(db, count=5000):
    """``count`` other clients, and fresh planner statistics: on a table of two rows the planner
    prefers to scan a whole (small) btree index, which says nothing about a real centre's."""
    now = datetime.now()
    db.session.execute(insert(Client.__table__), [dict(
        first_name="Hugo", last_name=f"Moreau{n}", search_name=f"moreau{n} hugo",
        phone_digits=f"4420{n:07d}", email=f"c{n}@example.org", card_number=f"F{n:07d}",
        discount_percent=0, consent_email=False, consent_sms=False, active=True,
        created_on=now, changed_on=now, version=1) for n in range(count)])
    for column in ("search_name", "phone_digits", "email"):  # as autovacuum would, with time
        db.session.execute(text(f"SELECT gin_clean_pending_list('ix_client_{column}_trgm')"))
    db.session.execute(text("ANALYZE client"))


def _plan(db, condition):
    compiled = select(Client.id).where(condition).compile(
        db.engine, compile_kwargs={"render_postcompile": True})
    connection = db.session.connection()
    connection.execute(text("SET LOCAL enable_seqscan = off"))
    return "\n".join(row[0] for row in connection.exec_driver_sql(
        f"EXPLAIN {compiled}", compiled.params))


def test_name_phone_and_email_search_use_the_trigram_indexes(db):
    make_client(first_name="Артём", last_name="Ёлкин", phone="+33 6 12 34 56 78",
                email="artem@example.org")
    make_client(first_name="Léa", last_name="Dubois")
    assert [c.last_name for c in search_clients("елк")] == ["Ёлкин"]
    assert [c.last_name for c in search_clients("lea dub")] == ["Dubois"]
    assert [c.last_name for c in search_clients("06 12 34")] == ["Ёлкин"]
    indexes = {ix["name"] for ix in inspect(db.engine).get_indexes("client")}
    trigram = {"ix_client_search_name_trgm", "ix_client_phone_digits_trgm",
               "ix_client_email_trgm"}
    if db.engine.dialect.name != "postgresql":
        assert not indexes & trigram  # SQLite: no trigram index, the search scans
        return
    assert trigram <= indexes
    _fill(db)
    name_plan = _plan(db, client_search_condition("елк"))
    assert "ix_client_search_name_trgm" in name_plan and "Seq Scan on client" not in name_plan
    # the name, email and card matches ORed as bitmaps: only the matching clients are read
    assert "BitmapOr" in name_plan and "Hash Join" not in name_plan
    assert [c.last_name for c in search_clients("елк")] == ["Ёлкин"]
    phone_plan = _plan(db, client_search_condition("06 12 34"))
    assert "ix_client_phone_digits_trgm" in phone_plan
