"""Sales at the desk: one receipt of product lines, the client's discount, payments by method;
and the return of a whole receipt.

Rules:
- Every line takes its products out of stock (refused, and nothing sold, when any line has not
  enough); prices are the products' sale prices less the client's discount percentage.
- With a client, the receipt's total is charged to the client and each payment goes through
  the money domain's payment service (bonus points and gift certificates included); paying less
  than the total leaves a debt. Without a client, the whole total is paid now in cash, card or
  transfer.
- Paying more than the total is refused.
- A pass line (``plan_id``, a client needed) is sold through the money domain's pass sale (its
  own discount and charge); the receipt's payments cover goods and passes together.
- A return takes the whole receipt back, once: goods back in stock and their charge credited,
  a pass refunded by the money domain's refund rule (refused when that leaves nothing of it to
  refund), the money paid given back less the value of the passes already used.
- Every sale tells the ``sold`` listeners (its numbered receipt in the documents domain).
"""
from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models.clients import Client
from app.models.stock import Product, Sale, SaleLine, SalePayment, StockMovement
from app.services import money
from app.services.platform import Conflict, DomainError, NotFound
from app.services.stock import hooks, movements

ANONYMOUS_METHODS = ("cash", "card", "transfer")
HUNDRED = Decimal("100")


def _lines(lines):
    """``({product_id: quantity}, [plan_id, …])`` from ``[{"product_id", "quantity"}]`` and
    ``[{"plan_id"}]`` lines, the same products merged."""
    merged, plans = {}, []
    for index, line in enumerate(lines or []):
        try:
            if line.get("plan_id") not in (None, ""):
                plans.append(int(line.get("plan_id")))
                continue
            product_id = int(line.get("product_id"))
            quantity = int(line.get("quantity", 1))
        except (TypeError, ValueError, AttributeError):
            raise DomainError(_l("Line %(number)s: a product and a whole quantity are needed.",
                                 number=index + 1), field="lines") from None
        if quantity <= 0:
            raise DomainError(_l("Line %(number)s: the quantity must be positive.",
                                 number=index + 1), field="lines")
        merged[product_id] = merged.get(product_id, 0) + quantity
    if not merged and not plans:
        raise DomainError(_l("A sale needs at least one line."), field="lines")
    return merged, plans


def _payments(payments, client_id):
    result = []
    for payment in payments or []:
        try:
            amount = money.to_money(payment.get("amount"))
        except (ArithmeticError, ValueError, TypeError, AttributeError):
            raise DomainError(_l("Please enter an amount like 12.50."), field="payments") from None
        method = (payment.get("method") or "cash").strip()
        if amount == 0:
            continue
        if amount < 0:
            raise DomainError(_l("A payment must be a positive amount."), field="payments")
        if client_id is None and method not in ANONYMOUS_METHODS:
            raise DomainError(_l("Bonus points and gift certificates need a client."),
                              field="payments")
        result.append({"method": method, "amount": amount,
                       "certificate_code": payment.get("certificate_code")})
    return result


def sell(lines, client_id=None, payments=None, taken_by_id=None):
    """Sell products on one receipt; returns the sale with its lines, totals and payments."""
    wanted, plans = _lines(lines)
    if plans and client_id is None:
        raise DomainError(_l("A pass is sold to a client: choose one."), field="client_id")
    sale = Sale(sold_at=datetime.now(), status="done")
    db.session.add(sale)
    db.session.flush()  # a write first: SQLite's write lock before anything is read
    for product_id in sorted(wanted):
        movements.change_on_hand(product_id, -wanted[product_id])
    percent = Decimal("0")
    if client_id is not None:
        percent = db.session.scalar(select(Client.discount_percent).where(Client.id == client_id))
        if percent is None:
            raise NotFound(_l("No such client."), field="client_id")
        sale.client_id = client_id
    products = {p.id: p for p in db.session.scalars(
        select(Product).where(Product.id.in_(list(wanted))))}
    subtotal = total = Decimal("0.00")
    for product_id in sorted(wanted):
        product = products[product_id]
        quantity = wanted[product_id]
        gross = money.to_money(product.sale_price * quantity)
        amount = money.to_money(gross * (HUNDRED - percent) / HUNDRED)
        subtotal += gross
        total += amount
        sale.lines.append(SaleLine(product_id=product_id, quantity=quantity,
                                   unit_price=product.sale_price, amount=amount))
        db.session.add(StockMovement(
            kind="sale", product_id=product_id, quantity=-quantity, unit_price=product.sale_price,
            client_id=client_id, sale_id=sale.id, at=sale.sold_at))
    goods_total = total
    for plan_id in plans:
        # the money domain's own sale: the pass, its discount and its charge
        pass_ = money.sell_pass(client_id, plan_id, taken_by_id=taken_by_id)
        subtotal += pass_.list_price
        total += pass_.price_paid
        sale.lines.append(SaleLine(pass_id=pass_.id, quantity=1, unit_price=pass_.list_price,
                                   amount=pass_.price_paid))
    sale.subtotal, sale.discount_percent, sale.total = subtotal, percent, total
    taken = _payments(payments, client_id)
    if taken and client_id is None:
        money.shift_for_payment(taken_by_id)  # a client's payments are checked by money
    paid = sum((p["amount"] for p in taken), Decimal("0.00"))
    if paid > total:
        raise DomainError(_l("The payments (%(paid)s) exceed the total (%(total)s).",
                             paid=paid, total=total), field="payments")
    if client_id is None and paid != total:
        raise DomainError(_l("Without a client the whole total (%(total)s) is paid now.",
                             total=total), field="payments")
    if client_id is not None and goods_total > 0:
        money.add_charge(client_id, goods_total, "sale", description=str(
            _l("Sale %(number)s", number=sale.id)))
    for payment in taken:
        payment_id = None
        if client_id is not None:
            payment_id = money.take_payment(
                client_id, payment["amount"], method=payment["method"], purpose="sale",
                taken_by_id=taken_by_id, certificate_code=payment["certificate_code"]).id
        sale.payments.append(SalePayment(method=payment["method"], amount=payment["amount"],
                                         payment_id=payment_id))
    sale.paid = paid
    db.session.flush()
    hooks.fire(hooks.SOLD, sale)
    from app.services.stock import purchasing

    purchasing.reorder_if_low(list(wanted))
    return sale


def get_sale(sale_id):
    sale = db.session.scalar(select(Sale).where(Sale.id == sale_id).options(
        selectinload(Sale.lines).joinedload(SaleLine.product),
        selectinload(Sale.lines).joinedload(SaleLine.pass_), selectinload(Sale.payments)))
    if sale is None:
        raise NotFound(_l("No such sale."))
    return sale


def return_sale(sale_id, reason, taken_by_id=None):
    """Take a whole receipt back: goods into stock and their charge credited back; a pass on it
    refunded by the money domain's refund rule (its unused value credited; refused, and nothing
    returned, when the rule leaves nothing of it to refund); the money paid on the receipt given
    back less the value of the passes already used (by the method of the first payment).
    One transaction: the caller commits everything or nothing."""
    if not (reason or "").strip():
        raise DomainError(_l("A reason is required."), field="reason")
    sale = get_sale(sale_id)
    if sale.status != "done":
        raise Conflict(_l("This sale has already been returned."))
    pass_ids = [line.pass_id for line in sale.lines if line.pass_id]
    sale.status = "returned"
    sale.returned_on = datetime.now()
    sale.return_reason = reason.strip()
    db.session.flush()  # the version check: a concurrent second return is refused
    used_value = Decimal("0.00")
    for line in sale.lines:
        if line.pass_id:
            unused = money.refundable_value(line.pass_id)  # refused when used up or refunded
            used_value += max(line.amount - unused, Decimal("0.00"))
    for pass_id in pass_ids:
        money.refund_pass(pass_id, reason.strip(), taken_by_id=taken_by_id)
    for line in sale.lines:
        if line.product_id:
            movements.move(line.product_id, "return", line.quantity, unit_price=line.unit_price,
                           client_id=sale.client_id, sale_id=sale.id)
    goods_total = money.to_money(sum((line.amount for line in sale.lines if line.product_id),
                                     Decimal("0")))
    net_paid = money.to_money(sum((p.amount for p in sale.payments), Decimal("0")))
    back = money.to_money(min(max(net_paid - used_value, Decimal("0")), max(net_paid, 0)))
    method = sale.payments[0].method if sale.payments else "cash"
    if method not in ANONYMOUS_METHODS:
        method = "cash"
    payment_id = None
    if sale.client_id is not None:
        if goods_total > 0:
            money.add_charge(sale.client_id, -goods_total, "sale", description=str(
                _l("Return of sale %(number)s", number=sale.id)))
        if back > 0:
            payment_id = money.return_money(sale.client_id, back, reason.strip(),
                                            method=method, purpose="sale",
                                            taken_by_id=taken_by_id).id
    elif back > 0:
        money.shift_for_payment(taken_by_id)
    if back > 0:
        sale.payments.append(SalePayment(method=method, amount=-back, payment_id=payment_id))
    db.session.flush()
    return sale


def sales_by_product(date_from, date_to):
    """Per product: quantity sold and revenue (after discounts) in the period, returned sales
    excluded; one grouped query."""
    start = datetime.combine(date_from, datetime.min.time())
    end = datetime.combine(date_to, datetime.max.time())
    return db.session.execute(
        select(Product.id, Product.name, Product.sku, func.sum(SaleLine.quantity).label("quantity"),
               func.sum(SaleLine.amount).label("revenue"))
        .join(SaleLine, SaleLine.product_id == Product.id)
        .join(Sale, Sale.id == SaleLine.sale_id)
        .where(Sale.status == "done", Sale.sold_at >= start, Sale.sold_at <= end)
        .group_by(Product.id, Product.name, Product.sku)
        .order_by(func.sum(SaleLine.amount).desc(), Product.name)).all()
