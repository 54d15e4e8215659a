"""Documents pages: issuing from a form, one document, the card section, the template editor."""
import pytest

from app.models.documents import Document, DocumentTemplate
from app.security import ADMIN, FRONT_DESK, INSTRUCTOR, MANAGER
from app.services.documents import build_pdf, issue_document
from tests.factories.documents import make_history
from tests.factories.passes import make_client


@pytest.fixture
def inline_jobs(app):
    before = app.config.get("RQ_ASYNC", True)
    app.config["RQ_ASYNC"] = False
    yield
    app.config["RQ_ASYNC"] = before


def test_issue_from_the_form_prints_and_shows_the_document(app, db, login, inline_jobs):
    client, _pass = make_history()
    db.session.commit()
    desk = login(FRONT_DESK)
    form = desk.get(f"/documents/new?kind=invoice&client_id={client.id}")
    assert form.status_code == 200 and f'value="{client.id}"' in form.get_data(as_text=True)
    response = desk.post("/documents/new", data={"kind": "invoice", "client_id": client.id,
                                                 "language": "en"})
    assert response.status_code == 302
    document = db.session.query(Document).one()
    page = desk.get(response.headers["Location"]).get_data(as_text=True)
    assert document.number in page
    pdf = desk.get(f"/documents/{document.id}/pdf")
    assert pdf.status_code == 200 and pdf.data[:5] == b"%PDF-"


def test_a_refused_form_keeps_the_input(app, db, login):
    desk = login(FRONT_DESK)
    page = desk.post("/documents/new", data={"kind": "statement", "client_id": "4242",
                                             "period_start": "2026-03-01",
                                             "language": "en"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'value="4242"' in text and 'value="2026-03-01"' in text
    assert "No such client." in text
    assert db.session.query(Document).count() == 0


def test_the_client_card_lists_documents_with_download_links(app, db, login):
    client, _pass = make_history()
    printed = issue_document("statement", client_id=client.id)
    issue_document("registration_card", client_id=client.id)
    db.session.commit()
    build_pdf(printed.id)
    db.session.commit()
    page = login(FRONT_DESK).get(f"/clients/{client.id}/card").get_data(as_text=True)
    assert printed.number in page
    assert f"/documents/{printed.id}/pdf" in page
    assert page.count("document-download") == 1  # the card has no PDF yet
    instructor_card = login(INSTRUCTOR).get(f"/clients/{client.id}/card")
    assert printed.number not in instructor_card.get_data(as_text=True)


def test_the_list_runs_a_fixed_number_of_queries(app, db, login, count_queries):
    manager = login(MANAGER)
    client = make_client()
    issue_document("registration_card", client_id=client.id)
    db.session.commit()
    with count_queries() as few:
        assert manager.get("/documents/").status_code == 200
    for _ in range(5):
        issue_document("registration_card", client_id=make_client().id)
    db.session.commit()
    with count_queries() as many:
        assert manager.get("/documents/").status_code == 200
    assert many() == few()


def test_cancel_from_the_page(app, db, login, inline_jobs):
    client = make_client()
    document = issue_document("registration_card", client_id=client.id)
    db.session.commit()
    manager = login(MANAGER)
    manager.post(f"/documents/{document.id}/cancel", data={"reason": "Wrong client"})
    db.session.expire_all()
    assert db.session.get(Document, document.id).status == "cancelled"
    assert login(FRONT_DESK).post(f"/documents/{document.id}/cancel",
                                  data={"reason": "x"}).status_code in (302, 403)
    assert db.session.get(Document, document.id).cancel_reason == "Wrong client"


def test_admin_edits_a_template_with_live_preview(app, db, login):
    admin = login(ADMIN)
    assert admin.get("/document-templates/").status_code == 200
    editor = admin.get("/document-templates/receipt/ru")
    assert editor.status_code == 200 and "layout.html" in editor.get_data(as_text=True)
    preview = admin.post("/document-templates/receipt/ru/preview",
                         data={"body": "<p>{{ client.full_name }}</p>"})
    assert preview.json["html"] == "<p>Petrosyan Anna</p>"
    broken = admin.post("/document-templates/receipt/ru/preview", data={"body": "a\n{% for %}"})
    assert broken.status_code == 422 and broken.json["line"] == 2
    # a broken template is refused on save, the text stays in the editor, nothing is stored
    refused = admin.post("/document-templates/receipt/ru", data={"body": "ok\n{{ x( }}"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "line 2" in text and "{{ x( }}" in text
    assert db.session.query(DocumentTemplate).count() == 0
    saved = admin.post("/document-templates/receipt/ru", data={"body": "<p>Чек</p>"})
    assert saved.status_code == 302
    assert db.session.query(DocumentTemplate).one().body == "<p>Чек</p>"


def test_only_admin_saves_templates(app, db, login):
    manager = login(MANAGER)
    assert manager.get("/document-templates/receipt/en").status_code == 200
    manager.post("/document-templates/receipt/en", data={"body": "<p>x</p>"})
    assert db.session.query(DocumentTemplate).count() == 0
    assert login(FRONT_DESK).get("/document-templates/").status_code in (302, 403)
