"""Stock: products, suppliers, movements, desk sales, lending and purchase requests.

What other domains may use: the clients holding overdue lent items (the timetable's red flags)
and the overdue loans (the "item due back" reminder).
"""
from app.services.stock.lending import clients_with_overdue_items, overdue_loans

__all__ = ["clients_with_overdue_items", "overdue_loans"]
