"""Templates: defaults in every language, the Admin's override, broken ones refused, sandbox."""
import pytest
from sqlalchemy import func, select

from app.models.documents import DOCUMENT_KINDS, DocumentTemplate
from app.services.documents.issuing import issue_document, render_html
from app.services.documents.templates import preview, reset_template, save_template
from app.services.platform import DomainError, NotFound
from tests.factories.passes import make_client


@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
def test_every_default_previews_in_every_language(db, kind):
    for language in ("en", "ru", "fr", "uk", "hy"):
        html = preview(kind, language)
        assert "SAMPLE-000001" in html and f'lang="{language}"' in html


def test_an_admin_template_overrides_the_default_for_its_language_only(db):
    client = make_client(first_name="Anna")
    save_template("registration_card", "fr", "<p>Fiche de {{ client.first_name }}</p>")
    db.session.commit()
    french = issue_document("registration_card", client_id=client.id, language="fr")
    english = issue_document("registration_card", client_id=client.id, language="en")
    assert render_html(french) == "<p>Fiche de Anna</p>"
    assert "Fiche de Anna" not in render_html(english)
    reset_template("registration_card", "fr")
    default = render_html(french)
    assert "Fiche de Anna" not in default and "<!DOCTYPE html>" in default
    assert "Fiche d&#39;inscription" in default  # the default, worded in French
    with pytest.raises(NotFound):
        reset_template("registration_card", "fr")


def test_a_broken_template_is_refused_with_its_line_and_not_stored(db):
    with pytest.raises(DomainError) as refused:
        save_template("invoice", "en", "<p>ok</p>\n<p>{% if %}</p>")
    assert refused.value.field == "body"
    assert refused.value.details["line"] == 2
    assert "line 2" in str(refused.value.message)
    with pytest.raises(DomainError) as refused:  # fails while rendering the sample record
        save_template("invoice", "en", "<p>a</p>\n<p>b</p>\n{{ client.full_name() }}")
    assert refused.value.details["line"] == 3
    assert db.session.scalar(select(func.count()).select_from(DocumentTemplate)) == 0


def test_templates_run_in_a_sandbox(db):
    with pytest.raises(DomainError):
        save_template("invoice", "en", "{{ lines.__class__.__mro__ }}{{ ''.__class__.__subclasses__() }}")
    with pytest.raises(DomainError):
        save_template("invoice", "en", "{{ lines.append(1) }}")
    with pytest.raises(DomainError):  # only the document templates can be included
        save_template("invoice", "en", "{% include '../../base.html' %}")


def test_values_are_escaped(db):
    client = make_client(first_name="<b>x</b>")
    document = issue_document("registration_card", client_id=client.id)
    html = render_html(document)
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html
