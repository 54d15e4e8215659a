"""Translated column labels and stored values of the stock pages."""
from flask_babel import lazy_gettext as _l

LABELS = {
    "name": _l("Name"), "sku": _l("SKU"), "barcode": _l("Barcode"), "unit": _l("Unit"),
    "sale_price": _l("Sale price"), "cost": _l("Cost"), "min_stock": _l("Minimum stock"),
    "reorder_quantity": _l("Reorder quantity"), "supplier": _l("Supplier"),
    "active": _l("Active"), "on_hand": _l("In stock"), "contact_person": _l("Contact person"),
    "email": _l("Email"), "phone": _l("Phone"), "note": _l("Note"), "kind": _l("Kind"),
    "product": _l("Product"), "quantity": _l("Quantity"), "unit_price": _l("Unit price"),
    "client": _l("Client"), "at": _l("When"), "reason": _l("Reason"), "due_date": _l("Due date"),
    "sale_id": _l("Sale"), "loan_id": _l("Loan"), "purchase_request_id": _l("Purchase request"),
    "created_by": _l("Created by"), "created_on": _l("Created on"),
    "changed_by": _l("Changed by"), "changed_on": _l("Changed on"), "status": _l("Status"),
    "sent_at": _l("Sent"), "received_on": _l("Received on"), "sold_at": _l("Sold at"),
    "subtotal": _l("Subtotal"), "discount_percent": _l("Discount, %"), "total": _l("Total"),
    "paid": _l("Paid"), "returned_on": _l("Returned on"), "return_reason": _l("Reason for return"),
    "issued_on": _l("Lent on"),
}

KIND_LABELS = {"receipt": _l("receipt from supplier"), "sale": _l("sale"),
               "write_off": _l("write-off"), "issue": _l("issue to a client"),
               "return": _l("return"), "correction": _l("stock-take correction")}
REQUEST_STATUS_LABELS = {"open": _l("open"), "sent": _l("sent to the supplier"),
                         "received": _l("received"), "cancelled": _l("cancelled")}
SALE_STATUS_LABELS = {"done": _l("completed"), "returned": _l("returned")}
METHOD_LABELS = {"cash": _l("cash"), "card": _l("card"), "transfer": _l("bank transfer"),
                 "bonus": _l("bonus points"), "certificate": _l("gift certificate")}


def label(labels):
    return lambda value: labels.get(value, value or "")
