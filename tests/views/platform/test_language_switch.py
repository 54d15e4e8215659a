"""``<html lang>`` names the current language on every page; the language menu switches and
comes back to the same page, never to another site."""
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from app.security import MANAGER
from app.services.platform.users import user_locale


def _html_lang(response):
    return re.search(r'<html lang="([^"]*)"', response.get_data(as_text=True)).group(1)


def test_html_lang_follows_the_language(app, db, login):
    browser = login(MANAGER)
    assert _html_lang(browser.get("/")) == "en"
    browser.get("/lang/hy")
    for url in ("/", "/client/list/", "/login/"):
        response = browser.get(url, follow_redirects=True)
        assert _html_lang(response) == "hy", url


def test_switching_returns_to_the_same_page(app, db, login):
    browser = login(MANAGER)
    page = browser.get("/client/list/?_flt_2_medical_notes=peanut")
    assert page.status_code == 200
    links = re.findall(r'href="(/lang/ru[^"]*)"', page.get_data(as_text=True))
    assert links, "the language menu links to /lang/ru"
    link = links[0].replace("&amp;", "&")
    assert parse_qs(urlsplit(link).query)["next"] == ["/client/list/?_flt_2_medical_notes=peanut"]
    response = browser.get(link)
    assert response.status_code == 302
    assert response.headers["Location"] == "/client/list/?_flt_2_medical_notes=peanut"
    assert _html_lang(browser.get("/client/list/?_flt_2_medical_notes=peanut")) == "ru"
    assert user_locale(browser.user_id) == "ru"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x",
                                    "/\\evil.example", "javascript:alert(1)", "evil.example",
                                    "/\r\nLocation: https://evil.example"])
def test_switching_never_redirects_to_another_site(app, db, login, target):
    browser = login(MANAGER)
    response = browser.get("/lang/fr", query_string={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"  # the home page, nowhere else


def test_unknown_language_is_404(app, db, login):
    assert login(MANAGER).get("/lang/xx").status_code == 404


def test_the_clients_language_choice_lists_the_installed_languages(app, db, login):
    page = login(MANAGER).get("/client/add").get_data(as_text=True)
    for code, info in app.config["LANGUAGES"].items():
        assert f'value="{code}"' in page and info["name"] in page
