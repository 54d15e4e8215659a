"""Gift certificates: a unique code and a balance spent as a payment, never below zero.

Selling one (the charge and the payment) is in ``certificate_sales``."""
import secrets
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from app.extensions import db
from app.models.passes import GiftCertificate, GiftCertificateRedemption
from app.services.money.amounts import checked_amount, to_money
from app.services.platform import Conflict, DomainError, NotFound

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over the phone


class CertificateOverdraft(DomainError):
    pass


def normalize_code(code):
    return "".join((code or "").split()).upper()


def _new_code():
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
        exists = db.session.scalar(select(GiftCertificate.id).where(GiftCertificate.code == code))
        if exists is None:
            return code


def prepare_certificate(certificate):
    """Check and complete a new certificate: positive amount, unique code (generated when
    empty), full balance."""
    amount = checked_amount(certificate.initial_amount or 0, "initial_amount")
    if amount <= 0:
        raise DomainError(_l("The amount must be positive."), field="initial_amount")
    code = normalize_code(certificate.code) or _new_code()
    if db.session.scalar(select(GiftCertificate.id).where(GiftCertificate.code == code)):
        raise Conflict(_l("A certificate with this code already exists."), field="code")
    certificate.code = code
    certificate.initial_amount = amount
    certificate.balance = amount
    certificate.active = True
    return certificate


def find_certificate(code):
    certificate = db.session.scalar(
        select(GiftCertificate).where(GiftCertificate.code == normalize_code(code)))
    if certificate is None:
        raise NotFound(_l("No gift certificate with this code."), field="certificate_code")
    return certificate


def redeem_certificate(code, amount, client_id, payment_id=None, on=None):
    """Spend ``amount`` of a certificate's balance. Refused for an unknown, inactive or expired
    certificate and when the balance is short (a single conditional UPDATE, so two desks
    redeeming at once cannot overdraw it)."""
    amount = to_money(amount)
    if amount <= 0:
        raise DomainError(_l("The amount must be positive."), field="amount")
    certificate = find_certificate(code)
    on = on or date.today()
    if not certificate.active or (certificate.valid_until and certificate.valid_until < on):
        raise DomainError(_l("This gift certificate is no longer valid."),
                          field="certificate_code")
    table = GiftCertificate.__table__
    # rounded to cents in SQL: SQLite computes NUMERIC in floating point (50 - 20.37 is
    # 29.629999…), which must neither refuse the last 29.63 nor store the drift
    left = func.round(table.c.balance - amount, 2)
    result = db.session.execute(
        update(table)
        .where(table.c.id == certificate.id, left >= 0)
        .values(balance=left, version=table.c.version + 1))
    if result.rowcount != 1:
        raise CertificateOverdraft(
            _l("The gift certificate balance is not enough (%(balance)s left).",
               balance=certificate.balance), field="amount")
    db.session.expire(certificate)
    redemption = GiftCertificateRedemption(certificate_id=certificate.id, client_id=client_id,
                                           payment_id=payment_id, amount=amount)
    db.session.add(redemption)
    db.session.flush()
    return redemption


def certificate_balance(code):
    return Decimal(find_certificate(code).balance)


def return_to_certificate(certificate_id, amount, client_id, payment_id=None):
    """Give ``amount`` back to a certificate (a refund of something paid with it): its balance
    grows by a single conditional UPDATE, never beyond its initial amount, and the movement is
    a negative redemption. Returns the redemption."""
    amount = to_money(amount)
    if amount <= 0:
        raise DomainError(_l("The amount must be positive."), field="amount")
    table = GiftCertificate.__table__
    new_balance = func.round(table.c.balance + amount, 2)  # cents, as in redeem_certificate
    result = db.session.execute(
        update(table)
        .where(table.c.id == certificate_id, new_balance <= table.c.initial_amount)
        .values(balance=new_balance, version=table.c.version + 1))
    if result.rowcount != 1:
        raise DomainError(_l("The gift certificate cannot take back more than it was worth."),
                          field="amount")
    cached = db.session.identity_map.get(db.session.identity_key(GiftCertificate, certificate_id))
    if cached is not None:
        db.session.expire(cached)
    redemption = GiftCertificateRedemption(certificate_id=certificate_id, client_id=client_id,
                                           payment_id=payment_id, amount=-amount)
    db.session.add(redemption)
    db.session.flush()
    return redemption
