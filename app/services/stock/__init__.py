"""Stock: products, suppliers, movements, desk sales, lending and purchase requests.

What other domains may use: the clients holding overdue lent items (the timetable's red flags;
also as a SELECT to combine)
and the overdue loans (the "item due back" reminder); issuing goods for the centre's own use
(a course's materials); listeners on sales (``listen(SOLD, fn)``: the documents domain's
numbered shop receipt).
"""
from app.services.stock.hooks import SOLD, listen
from app.services.stock.lending import (clients_with_overdue_items, overdue_items_query,
                                        overdue_loans)
from app.services.stock.movements import issue_for_use

__all__ = ["SOLD", "clients_with_overdue_items", "issue_for_use", "listen", "overdue_items_query",
           "overdue_loans"]
