"""The search form's fixed parts (labels, filter names, fields without choices from the
database) are written once per form and language (``fab_speedups.CachedSearchWidget``): the
page says the same as FAB's own search widget, follows the language, and a relation filter's
applied value is written afresh for each request."""
import re

import pytest
from flask_appbuilder.widgets import SearchWidget

from app.security import MANAGER
from tests.factories.clients import make_category


def _search_script(response):
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return re.search(r"new AdminFilters\((.*?)\);", html, re.S).group(1)


@pytest.fixture
def client_view(app):
    view = next(v for v in app.appbuilder.baseviews if type(v).__name__ == "ClientModelView")
    yield view
    view.__dict__.pop("search_widget", None)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_search_form_is_what_fabs_widget_writes(db, login, client_view, language):
    regulars = make_category("Regulars")
    web = login(MANAGER)
    web.get(f"/lang/{language}")
    path = f"/client/list/?_flt_0_category={regulars.id}&_flt_0_search_name=dub"
    web.get(path)  # the kept parts made
    ours = _search_script(web.get(path))
    client_view.search_widget = SearchWidget
    assert _search_script(web.get(path)) == ours
    assert "Regulars" in ours  # the applied category, with its name


def test_the_search_form_follows_the_language(db, login):
    web = login(MANAGER)
    english = _search_script(web.get("/client/list/"))
    web.get("/lang/ru")
    russian = _search_script(web.get("/client/list/"))
    assert '"Category"' in english and '"Category"' not in russian
    assert '"\\u041a\\u0430\\u0442\\u0435\\u0433\\u043e\\u0440\\u0438\\u044f"' in russian \
        or '"Категория"' in russian


def test_an_applied_relation_filter_is_written_for_each_request(db, login):
    first, second = make_category("Regulars"), make_category("Newcomers")
    web = login(MANAGER)
    one = _search_script(web.get(f"/client/list/?_flt_0_category={first.id}"))
    other = _search_script(web.get(f"/client/list/?_flt_0_category={second.id}"))
    assert "Regulars" in one and "Newcomers" not in one
    assert "Newcomers" in other and "Regulars" not in other
