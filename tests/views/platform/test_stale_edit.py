"""Two people edit the same record: the second save is refused with a message, nothing is lost
silently, and the refused form keeps what was typed."""
from app.models.clients import Client
from app.security import MANAGER
from tests.factories.clients import make_client


def _form(client, **changes):
    data = {"first_name": client.first_name, "last_name": client.last_name,
            "birth_date": client.birth_date.isoformat(), "row_version": str(client.version)}
    data.update(changes)
    return data


def test_stale_edit_is_refused_and_input_kept(db, login):
    client = make_client(first_name="Eva", last_name="Stale")
    first, second = login(MANAGER), login(MANAGER)
    form_first = _form(client, first_name="Evelyne")
    form_second = _form(client, first_name="Evangeline")
    assert first.post(f"/client/edit/{client.id}", data=form_first).status_code == 302
    refused = second.post(f"/client/edit/{client.id}", data=form_second)
    assert refused.status_code == 200
    page = refused.get_data(as_text=True)
    assert "Someone else changed this record" in page
    assert "Evangeline" in page  # the second person's input is still in the form
    db.session.expire_all()
    assert db.session.get(Client, client.id).first_name == "Evelyne"


def test_edit_form_carries_the_row_version(db, login):
    client = make_client(first_name="Fred")
    page = login(MANAGER).get(f"/client/edit/{client.id}").get_data(as_text=True)
    assert 'name="row_version"' in page and f'value="{client.version}"' in page
