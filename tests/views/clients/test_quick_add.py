"""The desk's quick-add client form, and landing on the client's card after any save."""
from datetime import date

from sqlalchemy import func, select

from app.models.clients import Client, Guardian
from app.security import FRONT_DESK, INSTRUCTOR, MANAGER
from tests.factories.clients import make_client


def _count(db, model=Client):
    db.session.remove()
    return db.session.scalar(select(func.count()).select_from(model))


def test_quick_add_saves_the_six_fields_and_lands_on_the_card(db, login):
    desk = login(FRONT_DESK)
    form = desk.get("/clients/quick").get_data(as_text=True)
    for name in ("last_name", "first_name", "birth_date", "phone", "email", "card_number"):
        assert f'name="{name}"' in form
    response = desk.post("/clients/quick", data={
        "last_name": "Moreau", "first_name": "Élodie", "birth_date": "14.02.1990",
        "phone": "+33 6 00 11 22 33", "email": "elodie@example.org", "card_number": "Q-1"})
    assert response.status_code == 302
    client = db.session.scalar(select(Client))
    assert response.headers["Location"].endswith(f"/clients/{client.id}/card")
    assert (client.birth_date, client.card_number, client.email) == (
        date(1990, 2, 14), "Q-1", "elodie@example.org")
    assert client.search_name  # saved through the service (search fields filled)


def test_quick_add_refuses_a_minor_without_guardian_and_keeps_the_input(db, login):
    desk = login(FRONT_DESK)
    birth = date(date.today().year - 8, 3, 7).isoformat()
    response = desk.post("/clients/quick", data={
        "last_name": "Petit", "first_name": "Noé", "birth_date": birth, "phone": "0611"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "needs at least one guardian" in page
    assert 'value="Petit"' in page and f'value="{birth}"' in page
    assert _count(db) == 0
    response = desk.post("/clients/quick", data={
        "last_name": "Petit", "first_name": "Noé", "birth_date": birth,
        "guardian_name": "Anne Petit", "guardian_phone": "+33 6 99 88 77 66"})
    assert response.status_code == 302
    assert _count(db, Guardian) == 1


def test_quick_add_warns_about_a_duplicate_phone_then_allows_it(db, login):
    make_client(phone="+33 6 12 34 56 78")
    desk = login(MANAGER)
    data = {"last_name": "Roux", "first_name": "Léo", "phone": "06 12 34 56 78"}
    page = desk.post("/clients/quick", data=data).get_data(as_text=True)
    assert "already exists" in page and 'name="allow_duplicate"' in page
    assert desk.post("/clients/quick", data={**data, "allow_duplicate": "1"}).status_code == 302
    assert _count(db) == 2


def test_quick_add_refuses_a_bad_date_with_the_reason(db, login):
    page = login(FRONT_DESK).post("/clients/quick", data={
        "last_name": "Roux", "first_name": "Léo", "birth_date": "31.31.2000"}).get_data(as_text=True)
    assert "day.month.year" in page and 'value="31.31.2000"' in page
    assert _count(db) == 0


def test_quick_add_is_not_for_roles_that_cannot_write_clients(db, login):
    assert login(INSTRUCTOR).get("/clients/quick").status_code in (302, 403)


def test_full_form_lands_on_the_card_after_add_and_edit(db, login):
    manager = login(MANAGER)
    response = manager.post("/client/add", data={
        "last_name": "Dubois", "first_name": "Léa", "birth_date": "", "phone": "",
        "email": "", "discount_percent": "0", "active": "y"})
    assert response.status_code == 302
    client = db.session.scalar(select(Client))
    assert response.headers["Location"].endswith(f"/clients/{client.id}/card")
    response = manager.post(f"/client/edit/{client.id}", data={
        "last_name": "Dubois", "first_name": "Lea", "discount_percent": "0", "active": "y",
        "version": client.version})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/clients/{client.id}/card")
