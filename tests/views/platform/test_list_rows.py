"""List pages made with less work per row: each row's buttons from one rendering of FAB's, a
cell's property read once, a model's filters made once — and every row still its own."""
import enum
import re
from datetime import date

from flask_appbuilder.models.sqla.filters import FilterEqual

from app.models.clients import Client
from app.security import ADMIN
from app.views.clients.common import EagerInterface as ClientInterface
from app.views.platform.eager import TesseraInterface
from tests.factories.clients import make_client


def test_every_row_has_the_buttons_of_its_own_record(app, db, login):
    clients = [make_client(last_name=f"Rowtest{i}") for i in range(3)]
    page = login(ADMIN).get("/client/list/?_flt_0_search_name=rowtest").get_data(as_text=True)
    assert "__ROW_PK__" not in page
    for client in clients:
        for action in ("show", "edit"):
            assert len(re.findall(rf'href="/client/{action}/{client.id}"', page)) == 1, action
        delete = f"/client/delete/{client.id}"
        assert f'id="btn-delete-{delete}"' in page
        assert f"execute_single_delete('{delete}'" in page
    rows = re.findall(r'<input id="(\d+)" class="action_check"', page)
    assert sorted(map(int, rows)) == sorted(c.id for c in clients)


def test_a_related_list_keeps_its_filter_in_each_rows_links(app, db, login):
    """On a client's page its guardians' buttons carry the client filter, as FAB's did."""
    minor = make_client(birth_date=date(2015, 5, 1))
    guardian = minor.guardians[0]
    page = login(ADMIN).get(f"/client/show/{minor.id}").get_data(as_text=True)
    assert f'href="/guardian/show/{guardian.id}?_flt_0_client={minor.id}"' in page
    assert f'href="/guardian/edit/{guardian.id}?_flt_0_client={minor.id}"' in page


class _Colour(enum.Enum):
    RED = "red"


class _Row:
    reads = 0
    colour = _Colour.RED

    @property
    def link(self):
        type(self).reads += 1
        return "<a>"

    def shout(self):
        return "HI"

    parent = None


def test_a_cells_property_is_read_once():
    row = _Row()
    row.parent = _Row()
    value = TesseraInterface._get_attr_value
    assert value(row, "link") == "<a>" and _Row.reads == 1  # FAB's read it three times
    assert value(row, "shout") == "HI"
    assert value(row, "colour") == "red"
    assert value(row, "parent.link") == "<a>"
    assert value(row, "missing.name") == ""


def test_a_models_filters_are_made_once_and_each_caller_gets_its_own_list(app, db):
    with app.test_request_context():
        first = ClientInterface(Client).get_filters(["search_name", "gender"])
        again = ClientInterface(Client).get_filters(["search_name", "gender"])
    mine, theirs = first.get_search_filters(), again.get_search_filters()
    assert [f.arg_name for f in mine["search_name"]] == ["client_text"]
    assert all(a is b for a, b in zip(mine["gender"], theirs["gender"]))
    assert mine["gender"] is not theirs["gender"]
    mine["gender"].append(FilterEqual("gender", first.datamodel))
    fresh = ClientInterface(Client).get_filters(["gender"]).get_search_filters()["gender"]
    assert len(fresh) == len(theirs["gender"])
