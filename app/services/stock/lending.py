"""Lending of textbooks and kits to clients (stock domain).

Rules:
- Lending issues the item out of stock (an ``issue`` movement: refused when none is left) until a
  due date that is not before the day it is lent; returning puts it back (a ``return`` movement)
  once.
- An item is overdue when it is not returned and its due date is before the day in question;
  a client holding one has red lessons in the timetable and gets the "item due back" reminder.
- The lending form finds a client by name or card number and shows only those two (the
  storekeeper has no access to the client list or card).
"""
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models.clients import Client
from app.models.stock import Loan
from app.services.platform import Conflict, DomainError, NotFound
from app.services.stock import movements


def overdue_items_query(client_ids, on_date):
    """The SELECT (not run) of the clients among ``client_ids`` (ids or a SELECT of ids) holding
    a lent item whose return date is before ``on_date``."""
    ids = client_ids if isinstance(client_ids, Select) else list(set(client_ids or ()))
    return (select(Loan.client_id).distinct()
            .where(Loan.client_id.in_(ids), Loan.returned_on.is_(None), Loan.due_date < on_date))


def clients_with_overdue_items(client_ids, on_date):
    """Clients among ``client_ids`` holding a lent item whose return date is before ``on_date``.

    Returns a set of client ids, in one query. ``client_ids`` may be a SELECT of client ids,
    kept in SQL (no bind parameter per client)."""
    ids = client_ids if isinstance(client_ids, Select) else list(set(client_ids or ()))
    if not isinstance(ids, Select) and not ids:
        return set()
    return set(db.session.scalars(overdue_items_query(ids, on_date)))


def overdue_loans(on_date):
    """Loans not returned whose due date is before ``on_date``: ``(loan id, client id, product
    name, due date)`` rows, in one query."""
    from app.models.stock import Product

    return db.session.execute(
        select(Loan.id, Loan.client_id, Product.name, Loan.due_date)
        .join(Product, Product.id == Loan.product_id)
        .where(Loan.returned_on.is_(None), Loan.due_date < on_date)
        .order_by(Loan.id)).all()


def _client(client_id):
    if client_id is None or db.session.get(Client, client_id) is None:
        raise NotFound(_l("No such client."), field="client_id")


def lend(product_id, client_id, due_date, quantity=1, on=None):
    """Issue ``quantity`` of a product to a client until ``due_date``."""
    on = on or date.today()
    if due_date is None:
        raise DomainError(_l("A due date is required."), field="due_date")
    if due_date < on:
        raise DomainError(_l("The due date cannot be before the day the item is lent."),
                          field="due_date")
    loan = Loan(product_id=product_id, client_id=client_id, quantity=int(quantity or 1),
                issued_on=on, due_date=due_date)
    # the stock first (its guarded UPDATE takes the write lock), then the rest
    movement = movements.move(product_id, "issue", loan.quantity, due_date=due_date)
    _client(client_id)
    db.session.add(loan)
    db.session.flush()
    movement.client_id, movement.loan_id = client_id, loan.id
    from app.services.stock import purchasing

    purchasing.reorder_if_low([product_id])
    db.session.flush()
    return loan


def return_loan(loan_id, on=None):
    """The client brought the item back: into stock again, once."""
    loan = db.session.get(Loan, loan_id)
    if loan is None:
        raise NotFound(_l("No such loan."))
    if loan.returned_on is not None:
        raise Conflict(_l("This item has already been returned."))
    loan.returned_on = on or date.today()
    db.session.flush()  # the version check refuses a concurrent second return
    movements.move(loan.product_id, "return", loan.quantity, client_id=loan.client_id,
                   loan_id=loan.id)
    return loan


def client_loans(client_id, limit=50):
    """A client's loans, open ones first, then the latest returned."""
    return list(db.session.scalars(
        select(Loan).where(Loan.client_id == client_id).options(joinedload(Loan.product))
        .order_by(Loan.returned_on.is_not(None), Loan.due_date, Loan.id.desc()).limit(limit)))


def open_loans(limit=500):
    """Loans not returned, the most overdue first, with product and client."""
    return list(db.session.scalars(
        select(Loan).where(Loan.returned_on.is_(None))
        .options(joinedload(Loan.product), joinedload(Loan.client))
        .order_by(Loan.due_date, Loan.id).limit(limit)))


def lending_lookup(text, limit=10):
    """Clients for the lending form: ``[{"id", "name", "card_number"}]`` matching a card
    number exactly or every word of the name; nothing else about them."""
    text = (text or "").strip()
    if len(text) < 2:
        return []
    words = text.lower().split()
    by_name = and_(*[or_(func.lower(Client.first_name).like(f"{word}%"),
                         func.lower(Client.last_name).like(f"{word}%")) for word in words])
    condition = or_(Client.card_number == text, by_name)
    rows = db.session.execute(
        select(Client.id, Client.first_name, Client.last_name, Client.card_number)
        .where(Client.active.is_(True), condition)
        .order_by(Client.last_name, Client.first_name, Client.id).limit(limit)).all()
    return [{"id": r.id, "name": f"{r.first_name} {r.last_name}", "card_number": r.card_number}
            for r in rows]
