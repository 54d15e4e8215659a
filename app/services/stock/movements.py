"""Stock movements: every change of stock goes through ``move``.

Rule: a product's stock is the sum of its movements and never goes below zero. ``move`` changes
the cached ``Product.on_hand`` with one guarded statement, ``UPDATE product SET on_hand = on_hand
+ :q WHERE id = :id AND on_hand + :q >= 0``: the database applies concurrent updates of one row
one after the other (PostgreSQL re-checks the condition on the row it waited for; SQLite has one
writer), so of 20 simultaneous sales of the last 5 units exactly 5 succeed and the others are
refused with a message naming the product and what is left. Writing first also takes SQLite's
write lock before anything is read.
"""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.extensions import db
from app.models.stock import MOVEMENT_KINDS, Product, StockMovement
from app.services.money import to_money
from app.services.platform import DomainError, NotFound

OUT_KINDS = {"sale", "write_off", "issue"}
IN_KINDS = {"receipt", "return"}


def _product_table():
    return Product.__table__


def change_on_hand(product_id, delta):
    """Add ``delta`` to a product's stock if it stays at or above zero; refuse otherwise."""
    table = _product_table()
    statement = table.update().where(table.c.id == product_id).values(
        on_hand=table.c.on_hand + delta)
    if delta < 0:
        statement = statement.where(table.c.on_hand + delta >= 0)
    result = db.session.execute(statement)
    if result.rowcount == 1:
        product = db.session.identity_map.get(db.session.identity_key(Product, product_id))
        if product is not None:
            db.session.expire(product, ["on_hand"])
        return
    row = db.session.execute(select(table.c.name, table.c.on_hand)
                             .where(table.c.id == product_id)).first()
    if row is None:
        raise NotFound(_l("No such product."), field="product_id")
    raise DomainError(_l("Not enough %(product)s in stock: %(left)s left, %(wanted)s wanted.",
                         product=row.name, left=row.on_hand, wanted=-delta),
                      field="quantity", product_id=product_id, on_hand=row.on_hand)


def move(product_id, kind, quantity, unit_price=None, client_id=None, reason=None,
         due_date=None, sale_id=None, loan_id=None, purchase_request_id=None, note=None,
         at=None):
    """Record one movement of ``quantity`` units (positive; the kind gives the sign, a
    correction is signed as given) and change the stock; a write-off needs a reason."""
    if kind not in MOVEMENT_KINDS:
        raise DomainError(_l("Unknown kind of stock movement."), field="kind")
    try:
        quantity = int(quantity)
    except (TypeError, ValueError):
        raise DomainError(_l("The quantity must be a whole number."), field="quantity") from None
    if kind == "correction":
        if quantity == 0:
            raise DomainError(_l("A correction changes the quantity."), field="quantity")
        signed = quantity
    else:
        if quantity <= 0:
            raise DomainError(_l("The quantity must be positive."), field="quantity")
        signed = -quantity if kind in OUT_KINDS else quantity
    if kind == "write_off" and not (reason or "").strip():
        raise DomainError(_l("A write-off needs a reason."), field="reason")
    change_on_hand(product_id, signed)
    movement = StockMovement(
        kind=kind, product_id=product_id, quantity=signed,
        unit_price=None if unit_price is None else to_money(unit_price), client_id=client_id,
        reason=(reason or "").strip() or None, due_date=due_date, sale_id=sale_id,
        loan_id=loan_id, purchase_request_id=purchase_request_id, note=note,
        at=at or datetime.now())
    db.session.add(movement)
    db.session.flush()
    return movement


def receive(product_id, quantity, unit_cost=None, purchase_request_id=None, note=None):
    """Goods received from a supplier (at ``unit_cost``, default the product's cost)."""
    if unit_cost is None:
        unit_cost = db.session.scalar(select(Product.cost).where(Product.id == product_id))
    return move(product_id, "receipt", quantity, unit_price=unit_cost,
                purchase_request_id=purchase_request_id, note=note)


def issue_for_use(product_id, quantity, note):
    """Goods taken out of stock for the centre's own use (a course's materials), valued at the
    product's cost: the movement (its ``unit_price`` is that cost); never below zero stock."""
    product = db.session.get(Product, product_id)
    if product is None:
        raise NotFound(_l("No such product."), field="product")
    return move(product_id, "issue", quantity, unit_price=product.cost, note=note)


def write_off(product_id, quantity, reason):
    """Goods lost, broken or expired: out of stock, with a reason."""
    return move(product_id, "write_off", quantity, reason=reason)


def stock_take(counted):
    """Counted quantities ``{product_id: quantity}`` become corrections of the difference;
    returns the corrections made (products counted as they stand get none)."""
    counted = {int(pid): qty for pid, qty in counted.items() if qty is not None}
    for pid, qty in counted.items():
        if int(qty) < 0:
            raise DomainError(_l("A counted quantity cannot be negative."), field=f"count_{pid}")
    if not counted:
        return []
    # Write first (SQLite's writer lock), then read what the stock is now.
    table = _product_table()
    db.session.execute(table.update().where(table.c.id.in_(sorted(counted)))
                       .values(on_hand=table.c.on_hand))
    levels = dict(db.session.execute(select(table.c.id, table.c.on_hand)
                                     .where(table.c.id.in_(sorted(counted)))).all())
    made = []
    for pid in sorted(counted):
        if pid not in levels:
            raise NotFound(_l("No such product."), field=f"count_{pid}")
        difference = int(counted[pid]) - levels[pid]
        if difference:
            made.append(move(pid, "correction", difference, note=str(_l("Stock-take"))))
    return made


def stock_levels(product_ids=None):
    """``{product_id: sum of movements}`` in one grouped query (products without movements are
    missing: their stock is 0)."""
    query = select(StockMovement.product_id, func.sum(StockMovement.quantity)).group_by(
        StockMovement.product_id)
    if product_ids is not None:
        query = query.where(StockMovement.product_id.in_(list(product_ids)))
    return {pid: int(total or 0) for pid, total in db.session.execute(query)}


def movements_query(client_id=None, product_id=None, employee_id=None, date_from=None,
                    date_to=None, kinds=None):
    """"Who received what": movements filtered by client, product, employee (who recorded them)
    and period (dates inclusive), newest first."""
    from datetime import timedelta

    query = select(StockMovement).order_by(StockMovement.at.desc(), StockMovement.id.desc())
    if client_id:
        query = query.where(StockMovement.client_id == client_id)
    if product_id:
        query = query.where(StockMovement.product_id == product_id)
    if employee_id:
        query = query.where(StockMovement.created_by_fk == employee_id)
    if date_from:
        query = query.where(StockMovement.at >= datetime.combine(date_from, datetime.min.time()))
    if date_to:
        query = query.where(StockMovement.at < datetime.combine(date_to + timedelta(days=1),
                                                                 datetime.min.time()))
    if kinds:
        query = query.where(StockMovement.kind.in_(list(kinds)))
    return query


def find_movements(limit=200, **filters):
    """The filtered movements with product, client and author loaded (a constant number of
    queries)."""
    from sqlalchemy.orm import joinedload

    query = movements_query(**filters).options(
        joinedload(StockMovement.product), joinedload(StockMovement.client),
        joinedload(StockMovement.created_by)).limit(limit)
    return list(db.session.scalars(query))
