"""Search-form relation filters whose choices load when opened (``search_choices``): the list
page carries empty pickers; ``<view>/choices/<column>`` answers what matches the typed text."""
import re

from app.models.clients import Tag
from app.security import MANAGER, TRANSLATOR
from app.views.platform import search_choices
from tests.factories.clients import make_category, make_client, make_directory


def _texts(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["text"] for item in response.json["results"]]


def test_the_list_page_carries_pickers_not_choices(db, login):
    make_category("Regulars")
    make_directory(Tag, "Early birds")
    page = login(MANAGER).get("/client/list/").get_data(as_text=True)
    for column in ("category", "source", "manager", "tags"):
        # FAB writes the search form's fields as JSON for its "Add Filter" script
        assert f'data-choices-url=\\"/client/choices/{column}\\"' in page, column
    assert "Regulars" not in page and "Early birds" not in page


def test_choices_match_the_typed_text_in_any_case_accent_or_script(db, login):
    for name in ("Regulars", "Éveil musical", "Постоянные", "Students"):
        make_category(name)
    web = login(MANAGER)
    everything = _texts(web.get("/client/choices/category"))
    assert _texts(web.get("/client/choices/category?q=")) == everything
    # by label, accents folded: "Éveil" sorts as "eveil"
    assert everything == ["Éveil musical", "Regulars", "Students", "Постоянные"]
    assert _texts(web.get("/client/choices/category?q=EVEIL")) == ["Éveil musical"]
    assert _texts(web.get("/client/choices/category?q=пост")) == ["Постоянные"]
    assert _texts(web.get("/client/choices/category?q=ent")) == ["Students"]
    assert _texts(web.get("/client/choices/category?q=zzz")) == []
    ids = [item["id"] for item in web.get("/client/choices/category?q=reg").json["results"]]
    assert len(ids) == 1 and ids[0].isdigit()


def test_choices_come_page_by_page(db, login, monkeypatch):
    monkeypatch.setattr(search_choices, "CHOICES_PER_PAGE", 2)
    for n in range(5):
        make_directory(Tag, f"Tag {n}")
    web = login(MANAGER)
    first = web.get("/client/choices/tags?q=tag").json
    assert [i["text"] for i in first["results"]] == ["Tag 0", "Tag 1"]
    assert first["pagination"]["more"] is True
    last = web.get("/client/choices/tags?q=tag&page=3").json
    assert [i["text"] for i in last["results"]] == ["Tag 4"]
    assert last["pagination"]["more"] is False
    # a page number that is not one starts at the first page
    assert _texts(web.get("/client/choices/tags?q=tag&page=x")) == ["Tag 0", "Tag 1"]


def test_the_manager_filter_lists_staff_by_name(db, login):
    from app.services.platform.users import ensure_user

    manager = ensure_user("zmartin", "pw", "Zoé", "Martinez", "zm@test.local", [MANAGER])
    db.session.commit()
    web = login(MANAGER)
    found = web.get("/client/choices/manager?q=zoe mart").json["results"]
    assert [(int(item["id"]), item["text"]) for item in found] == [(manager.id, "Zoé Martinez")]


def test_only_on_demand_columns_are_answered(db, login):
    web = login(MANAGER)
    assert web.get("/client/choices/organisation").status_code == 404
    assert web.get("/client/choices/nothing").status_code == 404
    assert web.get("/client/choices/birth_date").status_code == 404


def test_the_choices_need_the_lists_permission(db, login):
    make_category("Regulars")
    web = login(TRANSLATOR)
    assert web.get("/client/list/").status_code != 200
    response = web.get("/client/choices/category")
    assert response.status_code != 200
    assert "Regulars" not in response.get_data(as_text=True)


def test_an_applied_filter_shows_its_value(db, login):
    regulars, other = make_category("Regulars"), make_category("Occasional")
    make_client(last_name="Inthecategory", category=regulars)
    make_client(last_name="Outside", category=other)
    page = login(MANAGER).get(f"/client/list/?_flt_0_category={regulars.id}").get_data(
        as_text=True)
    assert "Inthecategory" in page and "Outside" not in page
    # the filter row's picker holds the chosen category (and no other) for FAB's script to select
    options = re.findall(r'\\u003coption value=\\"(\d*)\\"\\u003e([^\\]*)\\u003c/option', page)
    assert (str(regulars.id), "Regulars") in options
    assert "Occasional" not in {label for _pk, label in options}


def test_a_client_filter_searches_clients_and_lists_none_with_the_page(db, login):
    """The pass list's client filter: no client written into the page (there may be 1,000,000);
    the choices come from the client search, after two characters."""
    from tests.factories.passes import make_pass

    holder = make_client(last_name="Zqholder", first_name="Ann")
    nopass = make_client(last_name="Zqnopass", first_name="Bob")
    make_pass(client=holder)
    web = login(MANAGER)
    page = web.get("/pass/list/").get_data(as_text=True)
    assert "Zqholder" in page  # its pass's row
    assert "Zqnopass" not in page
    assert 'data-choices-url=\\"/pass/choices/client\\" ' in page
    assert 'data-minimum-input=\\"2\\"' in page
    assert web.get("/pass/choices/client?q=z").json["results"] == []
    found = web.get("/pass/choices/client?q=zqno").json["results"]
    assert [int(item["id"]) for item in found] == [nopass.id]
    # the plan filter (a directory) answers from the first opening
    assert web.get("/pass/choices/plan").json["results"]


def test_every_list_of_the_project_fetches_its_relation_filters(app):
    """No project list writes a relation filter's choices into its page."""
    from flask_appbuilder.fields import QuerySelectField, QuerySelectMultipleField

    from app.views.platform.base import TesseraModelView
    from app.views.platform.search_choices import OnDemandSelectWidget

    checked = 0
    for view in app.appbuilder.baseviews:
        if not isinstance(view, TesseraModelView):
            continue
        for column in view.search_columns or ():
            unbound = getattr(view.search_form, column, None)
            if getattr(unbound, "field_class", None) in (QuerySelectField,
                                                           QuerySelectMultipleField):
                assert isinstance(unbound.kwargs.get("widget"), OnDemandSelectWidget), (
                    type(view).__name__, column)
                assert column in view.search_choices_on_demand
                checked += 1
    assert checked >= 20


def test_the_pickers_messages_are_translated(db, login):
    import html
    import json
    import re

    web = login(MANAGER)
    web.get("/lang/ru")
    page = web.get("/client/list/").get_data(as_text=True)
    content = re.search(r'<meta name="tessera-choices" content=\'([^\']*)\'>', page).group(1)
    messages = json.loads(html.unescape(content))
    assert set(messages) == {"none", "searching", "more", "error", "short"}
    assert messages["none"] != "No matches" and "{n}" in messages["short"]


def test_client_picker_tells_namesakes_apart(db, login):
    """Two "Иванова Анна": the picker shows each one's birth date (in the user's language)
    and card number after the name."""
    from datetime import date

    older = make_client(last_name="Иванова", first_name="Анна", birth_date=date(1990, 3, 12),
                        card_number="C-100")
    younger = make_client(last_name="Иванова", first_name="Анна", birth_date=date(2015, 7, 1),
                          card_number=None)
    web = login(MANAGER)
    found = {int(i["id"]): i["text"] for i in
             web.get("/pass/choices/client?q=иванова").json["results"]}
    assert found == {older.id: "Иванова Анна · 3/12/90 · C-100",
                     younger.id: "Иванова Анна · 7/1/15"}
    web.get("/lang/ru")
    found = {int(i["id"]): i["text"] for i in
             web.get("/pass/choices/client?q=иванова").json["results"]}
    assert found[older.id] == "Иванова Анна · 12.03.1990 · C-100"
