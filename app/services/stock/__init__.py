"""Stock: products, suppliers, movements, desk sales, lending and purchase requests.

What other domains may use: the clients holding overdue lent items (the timetable's red flags)
and the overdue loans (the "item due back" reminder); listeners on sales (``listen(SOLD, fn)``:
the documents domain's numbered shop receipt).
"""
from app.services.stock.hooks import SOLD, listen
from app.services.stock.lending import clients_with_overdue_items, overdue_loans

__all__ = ["SOLD", "clients_with_overdue_items", "listen", "overdue_loans"]
