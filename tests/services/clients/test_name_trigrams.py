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
