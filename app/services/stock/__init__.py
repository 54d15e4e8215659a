"""Stock: products, suppliers, movements, desk sales, lending and purchase requests.

What other domains may use: the clients holding overdue lent items (the timetable's red flags)
and the overdue loans (the "item due back" reminder); issuing goods for the centre's own use
(a course's materials).
"""
from app.services.stock.lending import clients_with_overdue_items, overdue_loans
from app.services.stock.movements import issue_for_use

__all__ = ["clients_with_overdue_items", "issue_for_use", "overdue_loans"]
