"""The name trigram table (``app.models.client_names``) follows every write of the clients —
ORM saves, bulk Core inserts and updates, deletes — through the database's own triggers."""
from datetime import datetime

from sqlalchemy import delete, insert, select, update

from app.models.client_names import ClientNameTrigram, indexed_trigrams
from app.models.clients import Client
from tests.factories.clients import make_client


def _pieces(db, client_id):
    return set(db.session.execute(
        select(ClientNameTrigram.trigram, ClientNameTrigram.search_name)
        .where(ClientNameTrigram.client_id == client_id)))


def test_indexed_trigrams_leave_out_spaces_and_digits():
    assert indexed_trigrams("иванов") == ["ива", "ван", "ано", "нов"]
    assert indexed_trigrams("ab") == []
    assert indexed_trigrams("dubois7 le") == ["dub", "ubo", "boi", "ois"]


def test_saved_renamed_and_deleted_clients_keep_their_trigrams(db):
    client = make_client(first_name="Анна", last_name="Иванова")
    other = make_client(first_name="Léa", last_name="Dubois")
    assert client.search_name == "иванова анна"
    assert _pieces(db, client.id) == {(t, "иванова анна") for t in
                                      ("ива", "ван", "ано", "нов", "ова", "анн", "нна")}

    client.last_name = "Петрова"
    client.search_name = "петрова анна"
    db.session.commit()
    assert {t for t, _ in _pieces(db, client.id)} == {
        "пет", "етр", "тро", "ров", "ова", "анн", "нна"}
    assert {name for _, name in _pieces(db, client.id)} == {"петрова анна"}

    db.session.delete(client)
    db.session.commit()
    assert _pieces(db, client.id) == set()
    assert {t for t, _ in _pieces(db, other.id)} == {"dub", "ubo", "boi", "ois", "lea"}


def test_bulk_statements_keep_the_table_right(db):
    now = datetime.now()
    db.session.execute(insert(Client.__table__), [dict(
        id=100 + n, first_name="Hugo", last_name=f"Moreau{n}", search_name=f"moreau{n} hugo",
        discount_percent=0, consent_email=False, consent_sms=False, active=True,
        created_on=now, changed_on=now, version=1) for n in range(30)])
    rows = db.session.scalars(select(ClientNameTrigram.client_id)
                              .where(ClientNameTrigram.trigram == "hug")).all()
    assert sorted(rows) == list(range(100, 130))
    # a name without letters to index, and no name at all, leave nothing
    db.session.execute(insert(Client.__table__), [dict(
        id=200 + n, first_name="", last_name="", search_name=name, discount_percent=0,
        consent_email=False, consent_sms=False, active=True, created_on=now, changed_on=now,
        version=1) for n, name in enumerate(("12 34", None))])
    assert _pieces(db, 200) == _pieces(db, 201) == set()

    db.session.execute(update(Client).where(Client.id < 110).values(search_name="moreau hugues"))
    db.session.execute(update(Client).where(Client.id >= 110).values(active=False))
    assert _pieces(db, 105) == {(t, "moreau hugues") for t in
                                ("mor", "ore", "rea", "eau", "hug", "ugu", "gue", "ues")}
    assert ("hug", "moreau15 hugo") in _pieces(db, 115)

    db.session.execute(delete(Client).where(Client.id >= 120))
    remaining = db.session.scalars(select(ClientNameTrigram.client_id).distinct()).all()
    assert sorted(remaining) == list(range(100, 120))


def test_search_lists_letters_inside_names_in_name_order_through_the_walk(db):
    """"ван" begins no name: the matches (inside names, and a client found by email alone)
    come in name order, page after page, with the desk's limits (active only)."""
    from app.services.clients.search import client_search_parts, search_clients

    names = ["Иванова", "Славная", "Диванов", "Ванина", "Петров", "Аванесян", "Кованько"]
    clients = {name: make_client(last_name=name, first_name="Анна", commit=False)
               for name in names}
    clients["Петров"].email = "vanya-ван@example.org"  # matched by its email alone
    clients["Кованько"].active = False
    db.session.commit()
    walk = client_search_parts("ван")[1]
    assert walk is not None and walk.table is ClientNameTrigram
    expected = ["Ванина", "Аванесян", "Диванов", "Иванова", "Кованько", "Петров"]
    found = [c.last_name for c in search_clients("ван")]
    assert found == expected
    assert [c.last_name for c in search_clients("ван", limit=2, offset=2)] == expected[2:4]
    assert [c.last_name for c in search_clients("ван", limit=3, offset=4)] == expected[4:]
    assert [c.last_name for c in search_clients("ван", active_only=True)] == \
        [n for n in expected if n != "Кованько"]
    # two words: no name begins with both, every match by name (Петров: "ван" by email)
    assert [c.last_name for c in search_clients("ван анн")] == sorted(expected)
    assert [c.last_name for c in search_clients("ван ниня")] == []
    # a word too short to walk: the other matches as before
    assert client_search_parts("ва")[1] is None
    assert [c.last_name for c in search_clients("ва")] == expected  # not "Славная"
    # the walk follows the first word it can: "an" is too short, "ван" walks
    assert client_search_parts("an ван")[1].where.right.value == "ван"
    assert client_search_parts("06 12 34")[1] is None  # a number: phone and card


def test_the_walk_is_an_ordered_walk_of_the_trigram_key(db):
    """On PostgreSQL, with many clients sharing the trigram, the other matches of "ван" are
    found by walking the trigram table's key in name order (stopping at the page), not by
    sorting every match or walking the whole name index."""
    from sqlalchemy import not_, text

    from app.services.clients.search import client_name_begins, client_search_parts
    from app.services.platform import merged_keys

    now = datetime.now()
    db.session.execute(insert(Client.__table__), [dict(
        first_name="Анна", last_name=f"Иванова{n}", search_name=f"иванова{n} анна",
        email=f"c{n}@example.org", discount_percent=0, consent_email=False, consent_sms=False,
        active=True, created_on=now, changed_on=now, version=1) for n in range(3000)])
    condition, walk = client_search_parts("ван")
    others = [condition, not_(client_name_begins("ван"))]
    walked = (select(*walk.order).select_from(Client).join(walk.table, walk.onclause)
              .where(walk.where, *others).order_by(*walk.order))
    outside = (select(Client.search_name, Client.id).where(walk.outside, *others)
               .order_by(Client.search_name, Client.id))
    keys = merged_keys(walked, outside, 0, 25)
    assert len(db.session.scalars(keys).all()) == 25
    if db.engine.dialect.name != "postgresql":
        return
    db.session.execute(text("ANALYZE client"))
    db.session.execute(text("ANALYZE client_name_trigram"))
    compiled = keys.compile(db.engine, compile_kwargs={"render_postcompile": True})
    plan = "\n".join(row[0] for row in db.session.connection().exec_driver_sql(
        f"EXPLAIN {compiled}", compiled.params))
    walk_part = plan.split("Append")[1]
    assert "Index Only Scan using client_name_trigram_pkey" in walk_part, plan
    assert "Nested Loop" in walk_part and "Hash Join" not in walk_part, plan
