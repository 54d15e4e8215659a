"""Pictures of documents for the README: a receipt, an invoice, a statement and a certificate of
completion (courses) in English, Russian and Armenian, printed by the real templates and wkhtmltopdf, first page as PNG
(pdftoppm) under docs/documents/. Run after the translations are compiled:

    .venv/bin/python scripts/document_pictures.py
"""
import os
import subprocess
import sys
import tempfile
from datetime import date, datetime, timedelta
from decimal import Decimal

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from config import TestConfig  # noqa: E402

OUT = os.path.join(ROOT, "docs", "documents")
NAMES = {"en": ("Anna", "Smith"), "ru": ("Анна", "Смирнова"), "hy": ("Աննա", "Պետրոսյան")}
COURSES = {"en": "First aid at work", "ru": "Первая помощь на работе",
           "hy": "Առաջին օգնություն աշխատավայրում"}


def main():
    work = tempfile.mkdtemp(prefix="tessera-pictures-")

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{work}/pictures.db"
        DOCUMENTS_FOLDER = os.path.join(work, "documents")
        UPLOAD_FOLDER = os.path.join(work, "uploads")
        REPORTS_FOLDER = os.path.join(work, "reports")
        CENTRE_NAME = "Tessera Sports Centre"
        CENTRE_LEGAL_NAME = "Tessera Sports Centre LLC"
        CENTRE_ADDRESS = "12 Abovyan St, Yerevan 0001"
        CENTRE_TAX_ID = "02612345"
        CENTRE_BANK_DETAILS = "Ameriabank, IBAN AM00 1570 0000 0000 1234 5678"
        CENTRE_PHONE = "+374 10 123456"
        CENTRE_EMAIL = "desk@tessera.example"
        CENTRE_SIGNATORY = "Director"

    from app import create_app
    from app.extensions import db

    app = create_app(Config)
    os.makedirs(OUT, exist_ok=True)
    with app.app_context():
        db.create_all()
        from app.models.clients import Client
        from app.models.passes import Charge, Pass, PassPlan, Payment, Service, SessionWriteOff
        from app.services.documents import build_pdf, issue_document

        today = date.today()
        start = today.replace(day=1)
        service = Service(name="Yoga", single_visit_price=Decimal("15.00"))
        plan = PassPlan(name="Yoga · 10 sessions", sessions=10, validity_days=30,
                        price=Decimal("120.00"), services=[service])
        db.session.add_all([service, plan])
        db.session.flush()
        for language, (first, last) in NAMES.items():
            client = Client(first_name=first, last_name=last, birth_date=date(1991, 4, 12),
                            phone="+374 91 000000", email="anna@example.com",
                            card_number=f"00012{len(language)}{language}")
            db.session.add(client)
            db.session.flush()
            # before the month: a drop-in visit owed
            db.session.add(Charge(client_id=client.id, amount=Decimal("15.00"), kind="visit",
                                  charged_on=start - timedelta(days=5), description="Drop-in"))
            pass_ = Pass(client_id=client.id, plan_id=plan.id, start_date=start,
                         end_date=start + timedelta(days=30), sessions_total=10, sessions_used=2,
                         list_price=Decimal("120.00"), price_paid=Decimal("120.00"))
            db.session.add(pass_)
            db.session.flush()
            at = datetime.combine(start, datetime.min.time()).replace(hour=18)
            db.session.add_all([
                Charge(client_id=client.id, amount=Decimal("120.00"), kind="pass",
                       pass_id=pass_.id, charged_on=start),
                SessionWriteOff(client_id=client.id, service_id=service.id, pass_id=pass_.id,
                                at=at + timedelta(days=1), value=Decimal("12.00")),
                SessionWriteOff(client_id=client.id, service_id=service.id, pass_id=pass_.id,
                                at=at + timedelta(days=3), value=Decimal("12.00")),
            ])
            payment = Payment(client_id=client.id, amount=Decimal("100.00"), method="card",
                              purpose="pass", pass_id=pass_.id, paid_at=at.replace(hour=17))
            db.session.add(payment)
            db.session.flush()
            certificate = _certified_participant(client, language, start, service)
            documents = {
                "course_certificate": issue_document("course_certificate",
                                                     participant_id=certificate.id,
                                                     language=language),
                "receipt": issue_document("receipt", payment_id=payment.id, language=language),
                "invoice": issue_document("invoice", client_id=client.id, language=language),
                "statement": issue_document("statement", client_id=client.id,
                                            language=language),
            }
            db.session.commit()
            for kind, document in documents.items():
                path = build_pdf(document.id)
                db.session.commit()
                target = os.path.join(OUT, f"{kind}-{language}")
                subprocess.run(["pdftoppm", "-png", "-r", "90", "-f", "1", "-l", "1",
                                "-singlefile", path, target], check=True)
                print(f"{target}.png")


def _certified_participant(client, language, start, service):
    """A two-day course (3.5 + 4 hours) with an organisation's registration; ``client`` passes
    and is given the course's certificate number."""
    from app.extensions import db
    from app.models.clients import Organisation
    from app.models.courses import Course
    from app.models.staff import Employee
    from app.services.courses import catalogue, certificates
    from app.services.courses.registrations import register

    instructor = Employee(full_name={"en": "David Brown", "ru": "Иван Петров",
                                     "hy": "Արամ Սարգսյան"}[language])
    company = Organisation(short_name={"en": "Acme Ltd", "ru": "ООО «Ромашка»",
                                       "hy": "«Արարատ» ՍՊԸ"}[language])
    db.session.add_all([instructor, company])
    db.session.flush()
    day = start + timedelta(days=2)
    course = Course(title=COURSES[language], starts_on=day, ends_on=day + timedelta(days=1),
                    price_per_participant=Decimal("80.00"), certificate_series="FA",
                    instructor_id=instructor.id, service_id=service.id)
    db.session.add(course)
    db.session.flush()
    at = datetime.combine(day, datetime.min.time())
    catalogue.add_session(course.id, at.replace(hour=10), at.replace(hour=13, minute=30))
    catalogue.add_session(course.id, at.replace(hour=10) + timedelta(days=1),
                          at.replace(hour=14) + timedelta(days=1))
    client.organisation_id = company.id
    db.session.flush()
    _, (participant,) = register(course.id, [{"client_id": client.id}],
                                 organisation_id=company.id)
    return certificates.certify(course.id, participant.id, grade="A")


if __name__ == "__main__":
    main()
