"""Selling gift certificates: the certificate, and the buyer's charge and payment for it.

The one rule: certificate value exists only as sold. Every certificate — from the form, the API,
the demo — is created here, for a buyer, with a charge to the buyer for its value and the
payment taken at once (cash, card or transfer: a certificate is not paid with bonus points or
another certificate), so the value issued always equals the value paid for."""
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models.clients import Client
from app.models.passes import GiftCertificate
from app.services.money.certificates import prepare_certificate
from app.services.money.payments import add_charge, take_payment
from app.services.platform import DomainError, NotFound

SALE_METHODS = ("cash", "card", "transfer")


def record_certificate_sale(certificate, method, taken_by_id=None):
    """Check, complete and store a new certificate (``prepare_certificate``) and record its
    sale: a charge to the buyer and the buyer's payment of it. Returns (charge, payment)."""
    if not certificate.buyer_client_id and getattr(certificate, "buyer", None) is not None:
        certificate.buyer_client_id = certificate.buyer.id
    if not certificate.buyer_client_id:
        raise DomainError(_l("A gift certificate is sold to a buyer: choose the client."),
                          field="buyer")
    if db.session.get(Client, certificate.buyer_client_id) is None:
        raise NotFound(_l("No such client."), field="buyer_id")
    if method not in SALE_METHODS:
        raise DomainError(_l("Choose how the certificate is paid: cash, card or transfer."),
                          field="method")
    prepare_certificate(certificate)
    db.session.add(certificate)
    db.session.flush()
    charge = add_charge(certificate.buyer_client_id, certificate.initial_amount, "certificate",
                        description=f"Gift certificate {certificate.code}")
    payment = take_payment(certificate.buyer_client_id, certificate.initial_amount, method=method,
                           purpose="certificate", taken_by_id=taken_by_id)
    return charge, payment


def issue_certificate(amount, buyer_client_id=None, method=None, code=None, valid_until=None,
                      taken_by_id=None):
    """Sell a certificate worth ``amount`` to a client, paid at once with ``method`` (a code is
    generated when none is given). Returns the certificate."""
    certificate = GiftCertificate(code=code, initial_amount=amount,
                                  buyer_client_id=buyer_client_id, valid_until=valid_until)
    record_certificate_sale(certificate, method, taken_by_id=taken_by_id)
    return certificate


def sell_certificate(buyer_client_id, amount, method, code=None, valid_until=None,
                     taken_by_id=None):
    """``issue_certificate`` returning (certificate, charge, payment), for the API."""
    certificate = GiftCertificate(code=code, initial_amount=amount,
                                  buyer_client_id=buyer_client_id, valid_until=valid_until)
    charge, payment = record_certificate_sale(certificate, method, taken_by_id=taken_by_id)
    return certificate, charge, payment
