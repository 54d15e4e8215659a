"""The client's language picks the message template (the guardian's for a minor), with the
centre's default when none is set."""
from datetime import date

from app.models.communication import MessageTemplate
from app.services.communication.messaging import Outgoing, build_messages
from tests.factories.clients import make_client


def _templates(db):
    rows = {}
    for lang, body in (("en", "Hello"), ("hy", "Բարեւ"), ("fr", "Bonjour")):
        row = MessageTemplate(name="hi", channel="email", language=lang, subject="s", body=body)
        db.session.add(row)
        rows[lang] = row
    db.session.flush()
    return rows


def test_messages_use_the_client_or_guardian_language(db):
    templates = _templates(db)
    armenian = make_client(email="a@example.org", consent_email=True, language="hy")
    nobody = make_client(email="b@example.org", consent_email=True)
    minor = make_client(birth_date=date(2016, 1, 1), consent_email=True, language="hy",
                        guardians=[dict(full_name="Parent", email="p@example.org",
                                        language="fr")])
    bodies = {row["recipient"]: row["body"] for row in build_messages(
        [Outgoing(c, "t") for c in (armenian, nobody, minor)], "email", templates, "test")}
    assert bodies == {"a@example.org": "Բարեւ", "b@example.org": "Hello",
                      "p@example.org": "Bonjour"}


def test_documents_default_to_the_clients_language(db):
    from app.services.documents import issuing

    client = make_client(language="fr")
    assert issuing.issue_document("contract", client_id=client.id).language == "fr"
    other = make_client()
    assert issuing.issue_document("contract", client_id=other.id).language == "en"
