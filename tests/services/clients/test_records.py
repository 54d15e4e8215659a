"""Client rules: minors need guardians, duplicates, search in every script, reassignment and undo,
message recipients, age categories, medical-notes permission."""
from datetime import date

import pytest
from sqlalchemy import select

from app.models.clients import Client, ClientManagerAssignment, Guardian
from app.security import ACCOUNTANT, ADMIN, FRONT_DESK, INSTRUCTOR, MANAGER, STOREKEEPER
from app.services.clients import records as service
from app.services.clients import managers
from app.services.clients.search import search_clients, search_organisations
from app.services.platform.errors import Conflict, DomainError
from tests.factories.clients import make_client, make_industry, make_organisation


def _years_ago(years, days=0):
    """The date ``years`` years before today (28 February for a 29th), ``days`` earlier."""
    from datetime import timedelta

    today = date.today()
    try:
        then = today.replace(year=today.year - years)
    except ValueError:  # 29 February, in a year that has none
        then = today.replace(year=today.year - years, day=28)
    return then - timedelta(days=days)


# --- minors and guardians ------------------------------------------------------------------------

def test_minor_without_guardian_is_refused(db):
    client = Client(first_name="Léa", last_name="Dubois", birth_date=_years_ago(10))
    with pytest.raises(service.MinorWithoutGuardian) as info:
        service.save_client(client)
    assert "guardian" in str(info.value.message)
    assert db.session.scalar(select(Client.id)) is None


def test_refusal_message_is_lazy_so_each_user_reads_it_in_their_language(db):
    from flask_babel import LazyString

    client = Client(first_name="Léa", last_name="Dubois", birth_date=_years_ago(10))
    with pytest.raises(service.MinorWithoutGuardian) as info:
        service.save_client(client)
    assert isinstance(info.value.message, LazyString)


def test_minor_with_guardian_is_saved_and_guardian_normalized(db):
    client = Client(first_name="Léa", last_name="Dubois", birth_date=_years_ago(10))
    service.save_client(client, guardians=[{"full_name": " Claire Dubois ", "relation": "mother",
                                            "phone": "+33 (6) 12-34", "email": "Claire@X.org"}])
    guardian = db.session.scalar(select(Guardian))
    assert guardian.client_id == client.id
    assert guardian.full_name == "Claire Dubois"
    assert guardian.phone_digits == "33612 34".replace(" ", "")
    assert guardian.email == "claire@x.org"


def test_guardian_with_blank_name_does_not_count(db):
    client = Client(first_name="Léa", last_name="Dubois", birth_date=_years_ago(10))
    with pytest.raises(service.MinorWithoutGuardian):
        service.save_client(client, guardians=[{"full_name": "  ", "phone": "123"}])


def test_turning_18_boundary(db):
    almost = Client(first_name="A", last_name="B", birth_date=_years_ago(18, days=-1))
    adult = Client(first_name="C", last_name="D", birth_date=_years_ago(18))
    with pytest.raises(service.MinorWithoutGuardian):
        service.save_client(almost)
    service.save_client(adult)
    assert adult.id and not adult.is_minor


def test_editing_birth_date_into_minor_requires_guardian(db):
    client = make_client(birth_date=date(1990, 5, 5))
    client.birth_date = _years_ago(12)
    with pytest.raises(service.MinorWithoutGuardian):
        service.save_client(client)


def test_last_guardian_of_minor_cannot_be_deleted(db):
    client = make_client(birth_date=_years_ago(8))
    (guardian,) = client.guardians
    with pytest.raises(service.MinorWithoutGuardian):
        service.delete_guardian(guardian)
    second = Guardian(client=client, full_name="Second parent")
    service.save_guardian(second)
    service.delete_guardian(guardian)
    assert [g.full_name for g in db.session.get(Client, client.id).guardians] == ["Second parent"]


def test_name_required_and_birth_date_not_in_future(db):
    with pytest.raises(DomainError):
        service.save_client(Client(first_name="", last_name="X"))
    with pytest.raises(DomainError):
        service.save_client(Client(first_name="A", last_name="X", birth_date=date(2999, 1, 1)))


def test_card_number_unique(db):
    make_client(card_number="C-1")
    with pytest.raises(DomainError) as info:
        service.save_client(Client(first_name="A", last_name="B", card_number=" C-1 "))
    assert info.value.field == "card_number"


# --- duplicates ----------------------------------------------------------------------------------

def test_duplicate_phone_in_other_formatting_warns_on_create(db):
    existing = make_client(phone="+33 6 12 34 56 78")
    new = Client(first_name="Other", last_name="Person", phone="33-612-345-678")
    with pytest.raises(service.DuplicateClient) as info:
        service.save_client(new)
    assert info.value.details["duplicates"] == [existing.id]
    assert existing.full_name in str(info.value.message)
    db.session.rollback()
    saved = service.save_client(Client(first_name="Other", last_name="Person",
                                       phone="33-612-345-678"), allow_duplicate=True)
    assert saved.id != existing.id


def test_duplicate_email_case_insensitive(db):
    make_client(email="Anna@Example.org")
    with pytest.raises(service.DuplicateClient):
        service.save_client(Client(first_name="A", last_name="B", email=" anna@example.ORG"))


def test_no_duplicate_warning_on_edit_or_for_new_data(db):
    client = make_client(phone="0102030405")
    client.notes = "changed"
    service.save_client(client)
    service.save_client(Client(first_name="A", last_name="B", phone="0999"))
    assert service.find_duplicates(phone="01 02 03 04 05", exclude_id=client.id) == []


# --- search --------------------------------------------------------------------------------------

@pytest.fixture
def people(db):
    industry = make_industry("Banking")
    bank = make_organisation(short_name="Банк Восход", industry=industry, contacts=[
        dict(full_name="Ольга Соколова", position="Менеджер по персоналу")])
    return {
        "elodie": make_client(first_name="Élodie", last_name="Moreau", phone="+33 6 12 34 56 78",
                              card_number="CARD-77"),
        "yolkin": make_client(first_name="Артём", last_name="Ёлкин", organisation_id=bank.id),
        "ivanov": make_client(first_name="Алексей", last_name="ИВАНОВ", middle_name="Петрович"),
        "kovalenko": make_client(first_name="Їжак", last_name="Коваленко"),
        "aram": make_client(first_name="Արամ", last_name="Սարգսյան", phone="+374 (10) 55-44-33"),
        "smith": make_client(first_name="Oliver", last_name="Smith"),
    }


def _names(results):
    return sorted(c.first_name for c in results)


@pytest.mark.parametrize("query, expected", [
    ("elodie", ["Élodie"]),
    ("ÉLODIE moreau", ["Élodie"]),
    ("иванов", ["Алексей"]),
    ("ИВАНОВ петрович", ["Алексей"]),
    ("елкин", ["Артём"]),
    ("Ёлкин", ["Артём"]),
    ("їжак", ["Їжак"]),
    ("ՍԱՐԳՍՅԱՆ", ["Արամ"]),
    ("սարգս", ["Արամ"]),
    ("06 12 34", ["Élodie"]),
    ("(612) 345-678", ["Élodie"]),
    ("+374 10 55 44 33", ["Արամ"]),
    ("CARD-77", ["Élodie"]),
    ("восход", ["Артём"]),
    ("banking", ["Артём"]),
    ("персонал", ["Артём"]),
    ("nobody", []),
])
def test_search_clients(people, query, expected):
    assert _names(search_clients(query)) == sorted(expected)


def test_search_lists_names_beginning_with_the_text_first(db):
    for last in ("Zdub", "Dubrovsky", "Adubayo", "Dubois", "Moreau"):
        make_client(first_name="Léa", last_name=last)
    make_client(first_name="Léa", last_name="Dubuc", active=False)
    last_names = [c.last_name for c in search_clients("dub")]
    assert last_names == ["Dubois", "Dubrovsky", "Dubuc", "Adubayo", "Zdub"]
    # pages run on from the names beginning with it into the others
    assert [c.last_name for c in search_clients("dub", limit=2, offset=2)] == ["Dubuc", "Adubayo"]
    assert [c.last_name for c in search_clients("dub", limit=2, offset=4)] == ["Zdub"]
    assert [c.last_name for c in search_clients("DUB", active_only=True)] == [
        "Dubois", "Dubrovsky", "Adubayo", "Zdub"]
    assert [c.last_name for c in search_clients("dub", limit=2, offset=3,
                                                active_only=True)] == ["Zdub"]


def test_search_escapes_like_wildcards(people):
    assert search_clients("%") == []
    assert search_clients("_") == []


def test_search_by_cyrillic_industry_and_contact_name(db):
    industry = make_industry("Банковское дело")
    bank = make_organisation(short_name="Восход", industry=industry, contacts=[
        dict(full_name="Ольга Соколова", position="Кассир")])
    client = make_client(first_name="Павел", last_name="Зайцев", organisation_id=bank.id)
    assert [c.id for c in search_clients("БАНКОВСКОЕ")] == [client.id]
    assert [o.short_name for o in search_organisations("банковское")] == ["Восход"]
    assert [o.short_name for o in search_organisations("ОЛЬГА")] == ["Восход"]


def test_search_organisations_by_contact_position_and_industry(people):
    assert [o.short_name for o in search_organisations("менеджер")] == ["Банк Восход"]
    assert [o.short_name for o in search_organisations("BANKING")] == ["Банк Восход"]
    assert search_organisations("retail") == []


# --- reassignment --------------------------------------------------------------------------------

def test_bulk_reassign_and_undo(db, make_user):
    anna, boris, chief = make_user(MANAGER), make_user(MANAGER), make_user(ADMIN)
    a1 = make_client(manager_id=anna.id)
    a2 = make_client(manager_id=anna.id)
    nobody = make_client(manager_id=None)
    already = make_client(manager_id=boris.id)
    batch = managers.reassign_manager([a1.id, a2.id, nobody.id, already.id], boris.id, chief.id)
    db.session.expire_all()
    assert {c.manager_id for c in db.session.scalars(select(Client))} == {boris.id}
    rows = db.session.scalars(select(ClientManagerAssignment)).all()
    assert len(rows) == 3 and {r.assigned_by_fk for r in rows} == {chief.id}
    assert db.session.get(Client, a1.id).version == 2
    assert managers.undo_reassignment(batch, chief.id) == 3
    db.session.expire_all()
    assert db.session.get(Client, a1.id).manager_id == anna.id
    assert db.session.get(Client, nobody.id).manager_id is None
    assert db.session.get(Client, already.id).manager_id == boris.id
    with pytest.raises(DomainError):
        managers.undo_reassignment(batch)


def test_undo_keeps_a_later_manual_change(db, make_user):
    anna, boris, carl = make_user(MANAGER), make_user(MANAGER), make_user(MANAGER)
    c1, c2 = make_client(manager_id=anna.id), make_client(manager_id=anna.id)
    batch = managers.reassign_manager([c1.id, c2.id], boris.id)
    managers.reassign_manager([c2.id], carl.id)
    assert managers.undo_reassignment(batch) == 1
    db.session.expire_all()
    assert db.session.get(Client, c1.id).manager_id == anna.id
    assert db.session.get(Client, c2.id).manager_id == carl.id
    assert len(managers.recent_reassignments()) == 2


def test_reassign_nothing_to_change(db, make_user):
    anna = make_user(MANAGER)
    c1 = make_client(manager_id=anna.id)
    assert managers.reassign_manager([c1.id], anna.id) is None
    assert managers.reassign_manager([], anna.id) is None


# --- recipients, age, permissions ----------------------------------------------------------------

def test_message_recipients_are_guardians_for_a_minor(db):
    minor = make_client(birth_date=_years_ago(9), consent_sms=True, email="kid@x.org",
                        guardians=[dict(full_name="Mum", email="mum@x.org", phone="1"),
                                   dict(full_name="Dad", email="dad@x.org", phone="2")])
    adult = make_client(email="me@x.org", phone="+1 555")
    recipients = service.message_recipients(minor)
    assert [(r.name, r.email) for r in recipients] == [("Mum", "mum@x.org"), ("Dad", "dad@x.org")]
    assert all(r.is_guardian and r.consent_sms and not r.consent_email for r in recipients)
    (me,) = service.message_recipients(adult)
    assert (me.name, me.email, me.phone, me.is_guardian) == (adult.full_name, "me@x.org",
                                                            "+1 555", False)


@pytest.mark.parametrize("age, category", [(0, "child"), (12, "child"), (13, "teen"),
                                           (17, "teen"), (18, "adult"), (64, "adult"),
                                           (65, "senior"), (None, None)])
def test_age_categories_default_bounds(age, category):
    assert service.age_category(age) == category


def test_age_category_bounds_configurable(app):
    with app.app_context():
        app.config["AGE_CATEGORY_BOUNDS"] = (("child", 10), ("adult", None))
        try:
            assert service.age_category(12) == "adult"
            client = Client(first_name="a", last_name="b", birth_date=_years_ago(9))
            assert client.age_category == "child"
        finally:
            del app.config["AGE_CATEGORY_BOUNDS"]
        assert service.age_category(12) == "child"


def test_age_uses_birthday():
    client = Client(birth_date=date(2000, 6, 15))
    assert client.age(date(2018, 6, 14)) == 17
    assert client.age(date(2018, 6, 15)) == 18
    assert Client().age() is None and not Client().is_minor


@pytest.mark.parametrize("role, read, write", [
    (ADMIN, True, True), (MANAGER, True, True), (INSTRUCTOR, True, False),
    (FRONT_DESK, False, False), (ACCOUNTANT, False, False), (STOREKEEPER, False, False)])
def test_medical_permission_per_role(db, make_user, role, read, write):
    user = make_user(role)
    assert service.can_see_medical(user) is read
    assert service.can_edit_medical(user) is write


def test_medical_hidden_outside_a_request(db):
    assert service.can_see_medical() is False


def test_stale_version_is_refused(db):
    client = make_client()
    with pytest.raises(Conflict):
        service.check_version(client, client.version - 1 if client.version > 1 else 99)
    service.check_version(client, client.version)


def test_normalize_text():
    assert service.normalize_text("  Élodie   MOREAU ") == "elodie moreau"
    assert service.normalize_text("Ёжиков") == "ежиков"
    assert service.normalize_text("ԱՐԱՄ") == "արամ"
    assert service.digits_only("+33 (6) 12-34") == "336" + "1234"
