"""Selling gift certificates: the certificate, and the buyer's charge and payment for it."""
from app.extensions import db
from app.models.passes import GiftCertificate
from app.services.money.certificates import prepare_certificate
from app.services.money.payments import add_charge, take_payment


def issue_certificate(amount, code=None, buyer_client_id=None, valid_until=None, method=None,
                      taken_by_id=None):
    """Create a certificate worth ``amount`` (a code is generated when none is given). When a
    client buys it and a payment method is given, the sale is charged and paid."""
    certificate = prepare_certificate(GiftCertificate(
        code=code, initial_amount=amount, buyer_client_id=buyer_client_id,
        valid_until=valid_until))
    db.session.add(certificate)
    db.session.flush()
    if buyer_client_id and method:
        add_charge(buyer_client_id, certificate.initial_amount, "certificate",
                   description=f"Gift certificate {certificate.code}")
        take_payment(buyer_client_id, certificate.initial_amount, method=method,
                     purpose="certificate", taken_by_id=taken_by_id)
    return certificate
