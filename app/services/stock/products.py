"""Products and suppliers: validation, the product list with stock levels, the low-stock list
and the stock valuation.

Rule: the stock level shown is the sum of the product's movements, computed in SQL in the same
query as the list (a correlated sum read from the movements' (product_id, quantity) index), so a
list costs one query however many products and movements there are.
"""
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from app.extensions import db
from app.models.stock import Product, StockMovement, Supplier
from app.services.money import to_money
from app.services.platform import DomainError


def validate_product(product):
    """Name and SKU are required; prices, cost and quantities are not negative."""
    product.name = (product.name or "").strip()
    product.sku = (product.sku or "").strip()
    product.barcode = (product.barcode or "").strip() or None
    if not product.name:
        raise DomainError(_l("A product needs a name."), field="name")
    if not product.sku:
        raise DomainError(_l("A product needs a SKU."), field="sku")
    for field in ("sale_price", "cost"):
        value = getattr(product, field)
        if value is None:
            setattr(product, field, Decimal("0.00"))
        elif to_money(value) < 0:
            raise DomainError(_l("An amount cannot be negative."), field=field)
    for field in ("min_stock", "reorder_quantity"):
        value = getattr(product, field)
        if value is None:
            setattr(product, field, 0)
        elif value < 0:
            raise DomainError(_l("A quantity cannot be negative."), field=field)
    if not product.unit:
        product.unit = "pcs"


def validate_supplier(supplier):
    """A supplier needs a name; an email, when given, looks like one."""
    supplier.name = (supplier.name or "").strip()
    if not supplier.name:
        raise DomainError(_l("A supplier needs a name."), field="name")
    email = (supplier.email or "").strip()
    if email and ("@" not in email or " " in email):
        raise DomainError(_l("Please enter a valid email address."), field="email")
    supplier.email = email or None


def level_of_product():
    """The sum of a product's movements as a correlated subquery: each product's level is read
    from the (product_id, quantity) index, so a page of products reads only its own
    movements."""
    return (select(func.coalesce(func.sum(StockMovement.quantity), 0))
            .where(StockMovement.product_id == Product.id)
            .correlate(Product).scalar_subquery())


def product_rows(search=None, low_only=False, active_only=True, limit=None, offset=0):
    """Products with ``level`` (sum of movements) and their supplier, in one query: a list of
    ``(product, supplier_name, level)``, by name."""
    level = level_of_product()
    query = (select(Product, Supplier.name, level.label("level"))
             .outerjoin(Supplier, Supplier.id == Product.supplier_id)
             .order_by(Product.name, Product.id))
    if active_only:
        query = query.where(Product.active.is_(True))
    if low_only:
        query = query.where(level <= Product.min_stock, Product.min_stock > 0)
    text = (search or "").strip()
    if text:
        pattern = f"%{text.lower()}%"
        query = query.where(or_(func.lower(Product.name).like(pattern),
                                Product.sku == text, Product.barcode == text))
    if limit:
        query = query.limit(limit).offset(offset)
    return [(product, supplier, int(lvl or 0)) for product, supplier, lvl in db.session.execute(query)]


def low_stock():
    """Active products at or below their minimum stock (a minimum of 0 means "not watched")."""
    return product_rows(low_only=True)


def find_product(code_or_name):
    """The product a barcode or SKU names exactly, else the active products whose name
    contains the text (for the desk's scanner field)."""
    text = (code_or_name or "").strip()
    if not text:
        return []
    exact = db.session.scalars(select(Product).where(
        Product.active.is_(True), or_(Product.barcode == text, Product.sku == text))).all()
    if exact:
        return list(exact)
    return list(db.session.scalars(
        select(Product).where(Product.active.is_(True),
                              func.lower(Product.name).like(f"%{text.lower()}%"))
        .order_by(Product.name).limit(20)))


def stock_valuation():
    """Per active product: level × cost, in one query; ``(rows, total)``."""
    rows = [(product, level, to_money(product.cost * level)) for product, _s, level in
            product_rows()]
    return rows, sum((value for _p, _l, value in rows), Decimal("0.00"))
