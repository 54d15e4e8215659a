"""Purchase requests: when a product falls to or below its minimum stock, one request to its
supplier is opened; it is emailed by a background job and closed by the receipt of the goods.

Rules:
- At most one open request (status ``open`` or ``sent``) per product, whatever the concurrency:
  a partial unique index refuses the second INSERT, which is made inside a savepoint so the
  caller's work goes on.
- The ids of requests opened in the current transaction are kept in the session
  (``take_new_requests``) so the caller, once it has committed, can hand them to the email job.
- A request is marked ``sent`` only after the supplier's mail server accepted it
  (``mark_sent`` moves ``open`` → ``sent`` once: a second run of the job sends nothing).
- Receiving closes the request with a receipt movement of the quantity received.
"""
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models.stock import OPEN_REQUEST_STATUSES, Product, PurchaseRequest
from app.services.platform import Conflict, DomainError, NotFound
from app.services.stock import movements

_NEW = "stock.new_purchase_requests"


def reorder_quantity(product, on_hand):
    """The product's reorder quantity, or enough to get back to twice the minimum."""
    if product.reorder_quantity:
        return product.reorder_quantity
    return max(product.min_stock * 2 - on_hand, 1)


def reorder_if_low(product_ids):
    """Open a request for each of these products now at or below its (non-zero) minimum and
    without an open one; returns the requests opened."""
    ids = sorted(set(product_ids))
    if not ids:
        return []
    low = db.session.execute(
        select(Product.id, Product.supplier_id, Product.on_hand, Product.min_stock,
               Product.reorder_quantity)
        .where(Product.id.in_(ids), Product.min_stock > 0, Product.on_hand <= Product.min_stock,
               ~select(PurchaseRequest.id).where(
                   PurchaseRequest.product_id == Product.id,
                   PurchaseRequest.status.in_(OPEN_REQUEST_STATUSES)).exists())).all()
    opened = []
    for row in low:
        request = PurchaseRequest(product_id=row.id, supplier_id=row.supplier_id,
                                  quantity=reorder_quantity(row, row.on_hand), status="open")
        try:
            with db.session.begin_nested():
                db.session.add(request)
                db.session.flush()
        except IntegrityError:
            continue  # another transaction opened it first
        db.session.info.setdefault(_NEW, []).append(request.id)
        opened.append(request)
    return opened


def take_new_requests():
    """The ids of the requests opened since the last call (for the caller to email after its
    commit)."""
    return db.session.info.pop(_NEW, [])


def open_requests():
    """Requests not received yet, oldest first, with product and supplier."""
    return list(db.session.scalars(
        select(PurchaseRequest).where(PurchaseRequest.status.in_(OPEN_REQUEST_STATUSES))
        .options(joinedload(PurchaseRequest.product), joinedload(PurchaseRequest.supplier))
        .order_by(PurchaseRequest.id)))


def count_open_requests():
    """How many requests wait for their goods (the storekeeper's reminder)."""
    from sqlalchemy import func

    return db.session.scalar(select(func.count()).select_from(PurchaseRequest).where(
        PurchaseRequest.status.in_(OPEN_REQUEST_STATUSES)))


def _request(request_id):
    request = db.session.get(PurchaseRequest, request_id)
    if request is None:
        raise NotFound(_l("No such purchase request."))
    return request


def request_email(request_id):
    """What the job sends: ``(to, name, subject, body)``, or None when the request is no longer
    waiting to be sent or its supplier has no email address."""
    request = db.session.get(PurchaseRequest, request_id)
    if request is None or request.status != "open":
        return None
    supplier = request.supplier
    if supplier is None or not supplier.email:
        return None
    product = request.product
    subject = str(_l("Purchase request %(number)s: %(product)s", number=request.id,
                     product=product.name))
    body = str(_l("Hello %(contact)s,\n\nplease deliver %(quantity)s %(unit)s of %(product)s "
                  "(SKU %(sku)s).\nOur request number: %(number)s.\n\nThank you.",
                  contact=supplier.contact_person or supplier.name, quantity=request.quantity,
                  unit=product.unit, product=product.name, sku=product.sku,
                  number=request.id))
    return supplier.email, supplier.contact_person or supplier.name, subject, body


def mark_sent(request_id):
    """``open`` → ``sent`` (once); returns whether this call marked it."""
    result = db.session.execute(
        update(PurchaseRequest.__table__)
        .where(PurchaseRequest.__table__.c.id == request_id,
               PurchaseRequest.__table__.c.status == "open")
        .values(status="sent", sent_at=datetime.now(),
                version=PurchaseRequest.__table__.c.version + 1))
    return result.rowcount == 1


def receive_request(request_id, quantity=None, unit_cost=None):
    """The goods arrived: a receipt movement (the requested quantity unless told otherwise)
    closes the request."""
    request = _request(request_id)
    if request.status not in OPEN_REQUEST_STATUSES:
        raise Conflict(_l("This purchase request is already closed."))
    quantity = request.quantity if quantity in (None, "") else quantity
    try:
        quantity = int(quantity)
    except (TypeError, ValueError):
        raise DomainError(_l("The quantity must be a whole number."), field="quantity") from None
    movement = movements.receive(request.product_id, quantity, unit_cost=unit_cost,
                                 purchase_request_id=request.id)
    request.status = "received"
    request.received_on = date.today()
    db.session.flush()
    return movement


def cancel_request(request_id, note=None):
    """Close a request without goods."""
    request = _request(request_id)
    if request.status not in OPEN_REQUEST_STATUSES:
        raise Conflict(_l("This purchase request is already closed."))
    request.status = "cancelled"
    request.note = note or request.note
    db.session.flush()
    return request
