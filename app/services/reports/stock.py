"""Stock reports: the stock valuation (quantity × cost) and sales by product."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.models.stock import Product, Sale, SaleLine, StockMovement, Supplier
from app.services.reports.registry import (INT, MONEY, TEXT, Col, Report, period_bounds,
                                           period_params, register)
from app.services.reports.sql import money_sum


def valuation_query(params):
    """Active products with their stock (the sum of their movements) and its value at cost."""
    levels = (select(StockMovement.product_id.label("product_id"),
                     func.sum(StockMovement.quantity).label("level"))
              .group_by(StockMovement.product_id).subquery())
    level = func.coalesce(levels.c.level, 0)
    return (select(Product.name.label("product"), Product.sku.label("sku"),
                   Supplier.name.label("supplier"), level.label("quantity"),
                   Product.cost.label("cost"), (level * Product.cost).label("value"))
            .outerjoin(levels, levels.c.product_id == Product.id)
            .outerjoin(Supplier, Supplier.id == Product.supplier_id)
            .where(Product.active.is_(True))
            .order_by(Product.name, Product.id))


register(Report(
    name="stock_valuation",
    title=_l("Stock valuation"),
    description=_l("Stock of every active product valued at cost."),
    params=(),
    columns=(
        Col("product", _l("Product"), TEXT, 30),
        Col("sku", _l("SKU"), TEXT, 12),
        Col("supplier", _l("Supplier"), TEXT, 20),
        Col("quantity", _l("Quantity"), INT),
        Col("cost", _l("Cost"), MONEY),
        Col("value", _l("Value"), MONEY),
    ),
    query=valuation_query,
    summary=("quantity", "value"),
))


def sales_by_product_query(params):
    """Quantity sold and revenue (after discounts) per product in the period; returned
    receipts are left out."""
    lower, upper = period_bounds(params)
    return (select(Product.name.label("product"), Product.sku.label("sku"),
                   func.sum(SaleLine.quantity).label("quantity"),
                   money_sum(SaleLine.amount).label("revenue"),
                   money_sum(SaleLine.quantity * Product.cost).label("cost"))
            .join(SaleLine, SaleLine.product_id == Product.id)
            .join(Sale, Sale.id == SaleLine.sale_id)
            .where(Sale.status == "done", Sale.sold_at >= lower, Sale.sold_at < upper)
            .group_by(Product.id, Product.name, Product.sku)
            .order_by(money_sum(SaleLine.amount).desc(), Product.name))


register(Report(
    name="sales_by_product",
    title=_l("Sales by product"),
    description=_l("Quantity sold and revenue per product, returns excluded."),
    params=period_params(),
    columns=(
        Col("product", _l("Product"), TEXT, 30),
        Col("sku", _l("SKU"), TEXT, 12),
        Col("quantity", _l("Quantity"), INT),
        Col("revenue", _l("Revenue"), MONEY),
        Col("cost", _l("Cost"), MONEY),
    ),
    query=sales_by_product_query,
    summary=("quantity", "revenue", "cost"),
))
