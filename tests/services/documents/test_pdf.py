"""PDFs: Cyrillic and Armenian text, the right amounts, hostile names printed as text."""
import subprocess
from datetime import date

import pytest

from app.models.documents import Document
from app.services.documents import build_pdf, issue_document
from app.services.documents.pdf import html_to_pdf, wkhtmltopdf_options
from tests.factories.documents import make_history, make_payment
from tests.factories.passes import make_client


def pdf_text(path):
    return subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True,
                          check=True).stdout


def test_a_statement_prints_cyrillic_and_armenian_names_and_the_amounts(db, documents_folder):
    client = make_client(first_name="Анна", last_name="Պետրոսյան")
    make_history(client)
    document = issue_document("statement", client_id=client.id, language="en")
    db.session.commit()
    path = build_pdf(document.id)
    db.session.commit()
    assert path.startswith(str(documents_folder))
    assert db.session.get(Document, document.id).file_path == path
    text = pdf_text(path)
    assert "Анна" in text and "Պետրոսյան" in text
    assert document.number in text
    for amount in ("€100.00", "€60.00", "€15.00", "€10.00", "€45.00"):
        assert amount in text
    assert "Closing balance: €45.00" in text
    fonts = subprocess.run(["pdffonts", path], capture_output=True, text=True).stdout
    assert "NotoSansArmenian" in fonts and "NotoSans-Regular" in fonts


def test_a_receipt_prints_in_the_documents_language(db):
    client = make_client(first_name="Ivan")
    payment = make_payment(client, "25.00")
    document = issue_document("receipt", payment_id=payment.id, language="ru")
    text = pdf_text(build_pdf(document.id))
    assert "25,00" in text and "Ivan" in text
    assert "нояб" in text or str(date.today().year) in text  # dates in Russian


def test_hostile_names_print_as_text_and_read_no_file(db):
    assert "disable-javascript" in wkhtmltopdf_options()
    assert "disable-local-file-access" in wkhtmltopdf_options()
    client = make_client(first_name="<script>document.write('PWNED')</script>",
                         last_name="<iframe src=file:///etc/passwd></iframe>")
    document = issue_document("registration_card", client_id=client.id)
    text = pdf_text(build_pdf(document.id))
    assert "<script>document.write('PWNED')</script>" in text
    assert "<iframe src=file:///etc/passwd></iframe>" in text
    assert "root:x:0:0" not in text


def test_even_raw_markup_cannot_read_local_files(db, tmp_path):
    """Defence in depth: were markup to get through, wkhtmltopdf itself runs no script and
    reads no local file (the refused load is reported as an error; the page holds nothing)."""
    path = str(tmp_path / "raw.pdf")
    with pytest.raises(OSError, match="ProtocolUnknownError"):
        html_to_pdf('<html><body><p>start</p><script>document.write("PWNED")</script>'
                    '<iframe src="file:///etc/passwd" width="500" height="300"></iframe>'
                    '<img src="file:///etc/passwd"></body></html>', path)
    text = pdf_text(path)
    assert "start" in text
    assert "PWNED" not in text and "root:x:0:0" not in text


def _png(width=40, height=20):
    """A small solid PNG, written by hand (no imaging library needed)."""
    import struct
    import zlib

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    rows = b"".join(b"\x00" + b"\x2c\x3e\x50" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def test_the_logo_comes_from_the_static_folder_only(app, db, tmp_path):
    static = tmp_path / "static"
    (static / "img").mkdir(parents=True)
    (static / "img" / "logo.png").write_bytes(_png())
    outside = tmp_path / "secret.png"
    outside.write_bytes(_png())
    saved_folder, saved_logo = app.static_folder, app.config.get("CENTRE_LOGO")
    app.static_folder = str(static)
    try:
        client = make_client()
        app.config["CENTRE_LOGO"] = "img/logo.png"
        with_logo = build_pdf(issue_document("registration_card", client_id=client.id).id)
        app.config["CENTRE_LOGO"] = "../secret.png"  # outside the static folder: not printed
        without = build_pdf(issue_document("registration_card", client_id=client.id).id)
    finally:
        app.static_folder, app.config["CENTRE_LOGO"] = saved_folder, saved_logo

    def images(path):
        listing = subprocess.run(["pdfimages", "-list", path], capture_output=True, text=True)
        return len(listing.stdout.splitlines()) - 2

    assert images(with_logo) == 1
    assert images(without) == 0


def test_every_kind_prints_from_real_records(db):
    from decimal import Decimal

    from app.models.clients import ContactPerson, Organisation
    from app.models.passes import GiftCertificate

    organisation = Organisation(short_name="Acme", full_name="Acme Training Ltd",
                                tax_id="7701234567")
    db.session.add(organisation)
    db.session.flush()
    db.session.add(ContactPerson(organisation_id=organisation.id, full_name="Ivan Petrov"))
    person = make_client(first_name="Olga", organisation_id=organisation.id)
    make_history(person)
    certificate = GiftCertificate(code="GIFT-77", initial_amount=Decimal("50.00"),
                                  balance=Decimal("50.00"), buyer_client_id=person.id)
    db.session.add(certificate)
    db.session.flush()
    payment = make_payment(person, "30.00")
    documents = [
        issue_document("contract", client_id=person.id),
        issue_document("contract", organisation_id=organisation.id),
        issue_document("invoice", client_id=person.id),
        issue_document("act", client_id=person.id),
        issue_document("receipt", payment_id=payment.id),
        issue_document("gift_certificate", certificate_id=certificate.id),
        issue_document("registration_card", client_id=person.id),
        issue_document("statement", client_id=person.id),
        issue_document("reconciliation", organisation_id=organisation.id),
    ]
    db.session.commit()
    texts = {document.kind + str(document.organisation_id or ""): pdf_text(build_pdf(document.id))
             for document in documents}
    assert "Acme Training Ltd" in texts[f"contract{organisation.id}"]
    assert "Olga" in texts["contract"] and "€100.00" in texts["contract"]
    assert "€115.00" in texts["invoice"] and "Amount due: €15.00" in texts["invoice"]
    assert "€10.00" in texts["act"]
    assert "€30.00" in texts["receipt"]
    assert "GIFT-77" in texts["gift_certificate"] and "€50.00" in texts["gift_certificate"]
    assert "Olga" in texts[f"reconciliation{organisation.id}"]
    assert "€15.00" in texts[f"reconciliation{organisation.id}"]
    assert "Closing balance: €15.00" in texts["statement"]
