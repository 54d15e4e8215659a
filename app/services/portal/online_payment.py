"""Paying online from the portal: a client's debt, or a pass of a plan.

Rules.
- The amount is fixed when the checkout is created: the client's whole debt, or the plan's
  price for that client (their discount applied). A client with no debt has nothing to pay.
- A webhook is believed only with the provider's valid signature.
- The payment is recorded exactly once, through the money domain (``take_payment`` for a
  debt, ``sell_pass`` with the amount paid for a pass), by one guarded
  ``UPDATE … SET status = 'paid' WHERE status = 'created'``: a replayed or duplicated webhook
  (even two at once) finds the checkout settled and changes nothing.
- A paid amount different from the one asked is refused: nothing is recorded, the checkout is
  marked ``mismatch`` with the amount the provider reported, for staff to sort out.
- Reconciliation lists: checkouts paid at the provider but not recorded here, checkouts
  recorded here as paid but unknown to the provider as paid, and the amount mismatches.
"""
import secrets
from datetime import datetime
from decimal import Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.extensions import db
from app.models.clients import Client
from app.models.passes import PassPlan
from app.models.portal import (CHECKOUT_CREATED, CHECKOUT_MISMATCH, CHECKOUT_PAID,
                               CHECKOUT_REFUNDED,
                               CHECKOUT_PURPOSE_DEBT, CHECKOUT_PURPOSE_PASS, OnlineCheckout)
from app.services import money
from app.services.platform import Conflict, DomainError, NotFound

ONLINE_METHOD = "card"


def _provider_or_refuse(provider):
    if provider is None:
        raise Conflict(_l("Online payment is not available."), field="provider")
    return provider


def sellable_plans():
    """The plans a client may buy online (the active ones), by name."""
    return list(db.session.scalars(select(PassPlan).where(PassPlan.active.is_(True))
                                   .order_by(PassPlan.name)))


def start_checkout(provider, client_id, purpose, plan_id=None, account_id=None,
                   return_url=""):
    """Create a checkout for a debt or a pass and open it at the provider; returns
    ``(checkout, URL to send the client to)``. The caller commits."""
    provider = _provider_or_refuse(provider)
    client = db.session.get(Client, client_id)
    if client is None:
        raise NotFound(_l("No such client."), field="client_id")
    if purpose == CHECKOUT_PURPOSE_DEBT:
        amount = money.client_balances([client_id])[client_id]
        if amount <= 0:
            raise DomainError(_l("Nothing is owed."), field="amount")
        description = str(_l("Debt"))
        plan = None
    elif purpose == CHECKOUT_PURPOSE_PASS:
        plan = db.session.get(PassPlan, plan_id) if plan_id else None
        if plan is None or not plan.active:
            raise DomainError(_l("This plan is not sold."), field="plan_id")
        _percent, amount = money.price_for(plan, client)
        description = plan.name
    else:
        raise DomainError(_l("Unknown payment purpose."), field="purpose")
    checkout = OnlineCheckout(
        reference=secrets.token_hex(16), provider=provider.name, client_id=client_id,
        account_id=account_id, purpose=purpose, plan_id=plan.id if plan else None,
        amount=money.to_money(amount), currency=current_app.config.get("CURRENCY", "EUR"),
        status=CHECKOUT_CREATED, created_on=datetime.now())
    db.session.add(checkout)
    db.session.flush()
    checkout.provider_checkout_id, url = provider.create_checkout(
        checkout.reference, checkout.amount, checkout.currency, description, return_url)
    db.session.flush()
    return checkout, url


def handle_webhook(provider, body, headers, now=None):
    """Apply a signed webhook; returns what happened: ``recorded``, ``mismatch``,
    ``ignored`` (already settled, or not a payment). The caller commits."""
    event = _provider_or_refuse(provider).verify_webhook(body, headers)
    checkout = db.session.scalar(select(OnlineCheckout).where(
        OnlineCheckout.provider_checkout_id == event["checkout_id"]))
    if checkout is None:
        raise NotFound(_l("No such checkout."), field="checkout_id")
    if event["status"] != "paid":
        return "ignored"
    now = now or datetime.now()
    paid = money.to_money(event["amount"])
    right = paid == Decimal(checkout.amount)
    moved = db.session.execute(
        update(OnlineCheckout)
        .where(OnlineCheckout.id == checkout.id, OnlineCheckout.status == CHECKOUT_CREATED)
        .values(status=CHECKOUT_PAID if right else CHECKOUT_MISMATCH, paid_amount=paid,
                settled_at=now,
                note=None if right else f"asked {checkout.amount}, provider reported {paid}")
    ).rowcount
    if moved != 1:
        return "ignored"
    db.session.refresh(checkout)
    if not right:
        return "mismatch"
    reason = f"online {checkout.reference}"
    if checkout.purpose == CHECKOUT_PURPOSE_PASS:
        pass_ = money.sell_pass(checkout.client_id, checkout.plan_id, amount_paid=paid,
                                method=ONLINE_METHOD)
        checkout.pass_id = pass_.id
    else:
        payment = money.take_payment(checkout.client_id, paid, method=ONLINE_METHOD,
                                     purpose="pass", paid_at=now, reason=reason)
        checkout.payment_id = payment.id
    db.session.flush()
    return "recorded"


def refund_checkout(provider, checkout_id, reason):
    """Give a paid checkout's money back at the provider and record the return."""
    provider = _provider_or_refuse(provider)
    checkout = db.session.get(OnlineCheckout, checkout_id)
    if checkout is None or checkout.status != CHECKOUT_PAID:
        raise Conflict(_l("Only a paid checkout can be refunded."), field="checkout_id")
    provider.refund(checkout.provider_checkout_id, checkout.paid_amount)
    money.return_money(checkout.client_id, checkout.paid_amount, reason, method=ONLINE_METHOD,
                       pass_id=checkout.pass_id)
    checkout.status = CHECKOUT_REFUNDED
    db.session.flush()
    return checkout


def reconcile(provider):
    """The mismatches between the provider and the books: ``[(kind, checkout reference or
    provider id, detail)]`` with kinds ``not_recorded``, ``not_paid_at_provider`` and
    ``amount``."""
    paid_there = _provider_or_refuse(provider).paid_checkouts()
    rows = db.session.scalars(select(OnlineCheckout).where(
        OnlineCheckout.provider == provider.name)
        .execution_options(populate_existing=True)).all()
    by_id = {row.provider_checkout_id: row for row in rows}
    found = []
    for provider_id, amount in sorted(paid_there.items()):
        row = by_id.get(provider_id)
        if row is None or row.status == CHECKOUT_CREATED:
            found.append(("not_recorded", row.reference if row else provider_id, str(amount)))
    for row in rows:
        if row.status == CHECKOUT_PAID and row.provider_checkout_id not in paid_there:
            found.append(("not_paid_at_provider", row.reference, str(row.paid_amount)))
        elif row.status == CHECKOUT_MISMATCH:
            found.append(("amount", row.reference, row.note))
    return found
