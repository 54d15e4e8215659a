"""The translator's workbench pages: only Translator and Admin; coverage, search, edit (the page
shows the new text at once), refusals keep the input, upload and download, Admin adds a language
that the language menu then offers."""
import io

import pytest

MENU_ITEM = "Security events"


@pytest.mark.parametrize("role", ["Manager", "Front desk", "Instructor", "Accountant",
                                  "Storekeeper"])
def test_other_roles_are_refused(login, role):
    client = login(role)
    for url in ("/translations/", "/translations/ru/", "/translations/ru/download"):
        assert client.get(url).status_code in (302, 403)
    response = client.post("/translations/ru/save", data={"msgid": MENU_ITEM, "forms": "1",
                                                          "string_0": "x"})
    assert response.status_code in (302, 403)


def test_translator_lands_on_the_workbench_with_coverage(login, translations_copy):
    client = login("Translator")
    home = client.get("/")
    assert home.status_code == 302 and home.headers["Location"].endswith("/translations/")
    page = client.get("/translations/").get_data(as_text=True)
    for lang in ("ru", "fr", "uk", "hy"):
        assert f'data-lang="{lang}"' in page
    assert "translation-add-language" not in page  # Admin only
    assert client.post("/translations/add-language", data={"code": "de"}).status_code in (
        302, 403)
    assert not (translations_copy / "de").exists()


def test_translator_searches_edits_and_sees_it_on_the_page(login, translations_copy):
    client = login("Translator")
    page = client.get("/translations/ru/?q=security+events").get_data(as_text=True)
    assert MENU_ITEM in page and "/security-events/" in page  # the page it appears on
    response = client.post("/translations/ru/save", data={
        "msgid": MENU_ITEM, "context": "", "forms": "1", "string_0": "Журнал входов",
        "q": "security events", "status": "all", "page": "1"})
    assert response.status_code == 302
    manager = login("Admin")
    manager.get("/lang/ru?next=/")
    assert "Журнал входов" in manager.get("/security-events/").get_data(as_text=True)
    log = client.get("/translations/").get_data(as_text=True)
    assert "Журнал входов" in log


def test_a_refused_edit_keeps_the_input_and_says_why(login, translations_copy):
    client = login("Translator")
    response = client.post("/translations/ru/save", data={
        "msgid": "Welcome, %(name)s", "forms": "1", "string_0": "Привет, %(nom)s",
        "q": "Welcome", "status": "all", "page": "1"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Привет, %(nom)s" in page and "translation-entry-error" in page


def test_upload_refused_row_by_row_then_accepted(login, translations_copy):
    client = login("Translator")
    original = client.get("/translations/fr/download")
    assert original.status_code == 200 and b'Language: fr' in original.data
    broken = original.data + b'\nmsgid "Nobody wrote this"\nmsgstr "Personne"\n'
    response = client.post("/translations/fr/upload", data={
        "catalog": (io.BytesIO(broken), "fr.po")}, content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "translation-problem" in page and "Nobody wrote this" in page
    assert client.get("/translations/fr/download").data == original.data
    text = original.data.decode()
    marker = f'msgid "{MENU_ITEM}"\nmsgstr "'
    start = text.index(marker) + len(marker)
    fixed = text[:start] + "Journal de sécurité" + text[text.index('"', start):]
    response = client.post("/translations/fr/upload", data={
        "catalog": (io.BytesIO(fixed.encode()), "fr.po")}, content_type="multipart/form-data")
    assert response.status_code == 302
    admin = login("Admin")
    admin.get("/lang/fr?next=/")
    assert "Journal de sécurité" in admin.get("/security-events/").get_data(as_text=True)


def test_admin_adds_a_language_that_the_menu_then_offers(app, login, translations_copy):
    admin = login("Admin")
    assert "Deutsch" not in admin.get("/").get_data(as_text=True)
    response = admin.post("/translations/add-language", data={"code": "de"})
    assert response.status_code == 302
    assert "Deutsch" in admin.get("/").get_data(as_text=True)
    assert admin.get("/lang/de?next=/").status_code == 302
    refused = admin.post("/translations/add-language", data={"code": "xx-nonsense"},
                         follow_redirects=True)
    assert refused.status_code == 200 and "translation-add-language" in refused.get_data(
        as_text=True)


def test_a_language_added_by_the_command_appears_in_the_switcher_without_a_new_app(
        app, login, translations_copy):
    """``flask translate add de`` then ``flask translate compile`` on the served folder: the
    running app's language menu offers German and serves its pages."""
    from app.services.platform import translations

    client = login("Manager")
    assert "/lang/de" not in client.get("/").get_data(as_text=True)
    translations.add_language("de", folder=str(translations_copy))
    translations.compile_catalogs(folder=str(translations_copy))
    app.config["TRANSLATIONS_CHECK_SECONDS"] = 0
    try:
        page = client.get("/").get_data(as_text=True)
        assert "/lang/de" in page and "Deutsch" in page
        assert client.get("/lang/de?next=/").status_code == 302
        assert 'lang="de"' in client.get("/").get_data(as_text=True)
    finally:
        app.config["TRANSLATIONS_CHECK_SECONDS"] = 1


def test_context_names_the_page_of_a_menu_entry(app):
    from app.views.platform.translator import page_for

    import os

    source = os.path.join(os.path.dirname(app.root_path), "app/views/platform/security_events.py")
    with open(source, encoding="utf-8") as handle:
        line = next(number for number, text in enumerate(handle, 1)
                    if 'label=_l("Security events")' in text)
    with app.test_request_context("/"):
        # the menu label written in register(): the page of the view it adds
        assert page_for(app.appbuilder, "app/views/platform/security_events.py", line) == \
            "/security-events/"
        # a template: the page of the view rendering it
        assert page_for(app.appbuilder, "app/templates/platform/security_events.html", 4) == \
            "/security-events/"
        assert page_for(app.appbuilder, "flask_appbuilder/templates/x.html", 1) is None
