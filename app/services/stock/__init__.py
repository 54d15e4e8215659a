"""Stock: products, movements, sales and lending (the lending query the timetable needs)."""
from app.services.stock.lending import clients_with_overdue_items

__all__ = ["clients_with_overdue_items"]
