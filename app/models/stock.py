"""Stock and the shop: suppliers, products, stock movements, desk sales, lending and purchase
requests.

A product's stock level is the sum of its movements' signed quantities. ``Product.on_hand``
caches that sum so that taking stock out is one guarded ``UPDATE … WHERE on_hand + delta >= 0``
(never negative, whatever the concurrency); every movement changes it in the same transaction.
Money is ``Numeric(12, 2)``.
"""
from datetime import date

from flask_appbuilder import Model
from sqlalchemy import (Boolean, CheckConstraint, Column, Date, DateTime, ForeignKey, Index,
                        Integer, Numeric, String, Text, text)
from sqlalchemy.orm import relationship

from app.models.base import AuditMixin, _now

MONEY = Numeric(12, 2)

MOVEMENT_KINDS = ("receipt", "sale", "write_off", "issue", "return", "correction")
SALE_STATUSES = ("done", "returned")
REQUEST_STATUSES = ("open", "sent", "received", "cancelled")
# A request in one of these statuses blocks a second one for the same product.
OPEN_REQUEST_STATUSES = ("open", "sent")


class Supplier(AuditMixin, Model):
    """Who the shop buys from, with a contact."""

    __tablename__ = "supplier"

    id = Column(Integer, primary_key=True)
    name = Column(String(150), nullable=False, unique=True)
    contact_person = Column(String(150))
    email = Column(String(150))
    phone = Column(String(50))
    note = Column(Text)

    def __repr__(self):
        return self.name


class Product(AuditMixin, Model):
    """An item of the nomenclature: sold at the desk, lent, or both."""

    __tablename__ = "product"
    __table_args__ = (
        CheckConstraint("on_hand >= 0", name="ck_product_on_hand"),
        CheckConstraint("sale_price >= 0", name="ck_product_sale_price"),
        CheckConstraint("cost >= 0", name="ck_product_cost"),
        CheckConstraint("min_stock >= 0", name="ck_product_min_stock"),
        CheckConstraint("reorder_quantity >= 0", name="ck_product_reorder_quantity"),
    )

    id = Column(Integer, primary_key=True)
    name = Column(String(150), nullable=False, index=True)
    sku = Column(String(50), nullable=False, unique=True)
    barcode = Column(String(50), unique=True)
    unit = Column(String(20), nullable=False, default="pcs")
    sale_price = Column(MONEY, nullable=False, default=0)
    cost = Column(MONEY, nullable=False, default=0)
    min_stock = Column(Integer, nullable=False, default=0)
    reorder_quantity = Column(Integer, nullable=False, default=0)
    supplier_id = Column(Integer, ForeignKey("supplier.id"), index=True)
    supplier = relationship("Supplier")
    active = Column(Boolean, nullable=False, default=True)
    # the sum of the movements' quantities, kept by every movement (see the module docstring)
    on_hand = Column(Integer, nullable=False, default=0, server_default="0")

    def __repr__(self):
        return self.name


class StockMovement(AuditMixin, Model):
    """One change of stock: positive in (receipt, return), negative out (sale, write-off,
    issue); a correction is either. Who and when: ``created_by`` / ``at``."""

    __tablename__ = "stock_movement"
    __table_args__ = (
        Index("ix_stock_movement_product_quantity", "product_id", "quantity"),
        Index("ix_stock_movement_client_at", "client_id", "at"),
        CheckConstraint("quantity <> 0", name="ck_stock_movement_quantity"),
    )

    id = Column(Integer, primary_key=True)
    kind = Column(String(12), nullable=False)
    product_id = Column(Integer, ForeignKey("product.id"), nullable=False)
    product = relationship("Product")
    quantity = Column(Integer, nullable=False)
    unit_price = Column(MONEY)  # cost for receipts, price for sales
    client_id = Column(Integer, ForeignKey("client.id"))
    client = relationship("Client")
    at = Column(DateTime, nullable=False, default=_now, index=True)
    reason = Column(Text)  # required for a write-off
    due_date = Column(Date)  # for an issue to a client
    sale_id = Column(Integer, ForeignKey("stock_sale.id"), index=True)
    loan_id = Column(Integer, ForeignKey("loan.id"), index=True)
    purchase_request_id = Column(Integer, ForeignKey("purchase_request.id"), index=True)
    note = Column(String(250))


class Sale(AuditMixin, Model):
    """One receipt at the desk: lines of products, an optional client, the money taken."""

    __tablename__ = "stock_sale"

    id = Column(Integer, primary_key=True)
    client_id = Column(Integer, ForeignKey("client.id"), index=True)
    client = relationship("Client")
    sold_at = Column(DateTime, nullable=False, default=_now, index=True)
    subtotal = Column(MONEY, nullable=False, default=0)
    discount_percent = Column(Numeric(5, 2), nullable=False, default=0)
    total = Column(MONEY, nullable=False, default=0)
    paid = Column(MONEY, nullable=False, default=0)
    status = Column(String(12), nullable=False, default="done")
    returned_on = Column(DateTime)
    return_reason = Column(Text)
    lines = relationship("SaleLine", back_populates="sale", order_by="SaleLine.id",
                         cascade="all, delete-orphan")
    payments = relationship("SalePayment", back_populates="sale", order_by="SalePayment.id",
                            cascade="all, delete-orphan")


class SaleLine(Model):
    """A line of a receipt: a product (out of stock), or a pass sold through the money domain
    (``pass_id``)."""

    __tablename__ = "stock_sale_line"

    id = Column(Integer, primary_key=True)
    sale_id = Column(Integer, ForeignKey("stock_sale.id", ondelete="CASCADE"), nullable=False,
                     index=True)
    sale = relationship("Sale", back_populates="lines")
    product_id = Column(Integer, ForeignKey("product.id"), index=True)
    product = relationship("Product")
    pass_id = Column(Integer, ForeignKey("client_pass.id"), index=True)
    pass_ = relationship("Pass")
    quantity = Column(Integer, nullable=False)
    unit_price = Column(MONEY, nullable=False)
    amount = Column(MONEY, nullable=False)  # after the discount


class SalePayment(Model):
    """Money taken for a sale by one method (``payment_id``: the client's payment in the money
    domain; an anonymous sale's money is recorded here only). Negative: money given back."""

    __tablename__ = "stock_sale_payment"

    id = Column(Integer, primary_key=True)
    sale_id = Column(Integer, ForeignKey("stock_sale.id", ondelete="CASCADE"), nullable=False,
                     index=True)
    sale = relationship("Sale", back_populates="payments")
    method = Column(String(12), nullable=False)
    amount = Column(MONEY, nullable=False)
    payment_id = Column(Integer, ForeignKey("payment.id"), index=True)


class Loan(AuditMixin, Model):
    """A textbook or kit lent to a client until ``due_date``; returned when ``returned_on``."""

    __tablename__ = "loan"
    __table_args__ = (
        Index("ix_loan_open_due", "client_id", "due_date", "returned_on"),
        CheckConstraint("quantity > 0", name="ck_loan_quantity"),
    )

    id = Column(Integer, primary_key=True)
    product_id = Column(Integer, ForeignKey("product.id"), nullable=False, index=True)
    product = relationship("Product")
    client_id = Column(Integer, ForeignKey("client.id"), nullable=False)
    client = relationship("Client")
    quantity = Column(Integer, nullable=False, default=1)
    issued_on = Column(Date, nullable=False, default=date.today)
    due_date = Column(Date, nullable=False)
    returned_on = Column(Date)


class PurchaseRequest(AuditMixin, Model):
    """An order to a supplier for a product at or below its minimum; at most one open per
    product (a partial unique index), closed by the receipt of the goods."""

    __tablename__ = "purchase_request"
    __table_args__ = (
        Index("uq_purchase_request_open_product", "product_id", unique=True,
              sqlite_where=text("status IN ('open', 'sent')"),
              postgresql_where=text("status IN ('open', 'sent')")),
    )

    id = Column(Integer, primary_key=True)
    product_id = Column(Integer, ForeignKey("product.id"), nullable=False, index=True)
    product = relationship("Product")
    supplier_id = Column(Integer, ForeignKey("supplier.id"), index=True)
    supplier = relationship("Supplier")
    quantity = Column(Integer, nullable=False)
    status = Column(String(12), nullable=False, default="open")
    sent_at = Column(DateTime)
    received_on = Column(Date)
    note = Column(Text)
