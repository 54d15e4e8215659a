"""The menu bar is rendered once per set of roles and language and then reused: each role still
sees only its own entries, and a language switch shows the menu in the new language."""
import re

from app.security import FRONT_DESK, MANAGER


def _menu(response):
    html = response.get_data(as_text=True)
    start = html.index('<ul class="nav navbar-nav">')
    return html[start:html.index('<ul class="nav navbar-nav navbar-right">')]


def _links(menu):
    return set(re.findall(r'href="(/[^"]*)"', menu))


def test_each_role_keeps_its_own_menu(app, db, login):
    manager, desk = login(MANAGER), login(FRONT_DESK)
    first = _menu(manager.get("/client/list/"))
    desk_menu = _menu(desk.get("/client/list/"))
    assert _links(first) - _links(desk_menu), "the manager has entries the desk has not"
    assert _menu(manager.get("/client/list/")) == first  # the kept one, same links
    assert _menu(desk.get("/client/list/")) == desk_menu


def test_the_menu_follows_the_language(app, db, login):
    manager = login(MANAGER)
    english = _menu(manager.get("/client/list/"))
    manager.get("/lang/ru")
    russian = _menu(manager.get("/client/list/"))
    assert _links(russian) == _links(english)
    assert "Clients" in english and "Clients" not in russian
