"""Test data for stock: plain functions taking keyword overrides."""
from decimal import Decimal
from itertools import count

from app.extensions import db
from app.models.stock import Product, Supplier
from app.services.stock import movements

_seq = count(1)


def make_supplier(**overrides):
    n = next(_seq)
    values = dict(name=f"Supplier {n}", contact_person="Sam Seller",
                  email=f"supplier{n}@example.org", phone="+100000")
    values.update(overrides)
    supplier = Supplier(**values)
    db.session.add(supplier)
    db.session.flush()
    return supplier


def make_product(stock=0, **overrides):
    """A product for 2.50 (cost 1.00), with ``stock`` units received."""
    n = next(_seq)
    values = dict(name=f"Product {n}", sku=f"SKU{n:05d}", barcode=f"4600000{n:06d}", unit="pcs",
                  sale_price=Decimal("2.50"), cost=Decimal("1.00"), min_stock=0,
                  reorder_quantity=0, active=True)
    values.update(overrides)
    product = Product(**values)
    db.session.add(product)
    db.session.flush()
    if stock:
        movements.receive(product.id, stock)
    return product
