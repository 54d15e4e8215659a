"""Red flags of clients for the timetable: debt, red pass (``passes.client_flags``) and an
overdue lent item (``lending.clients_with_overdue_items``), in a constant number of queries."""
from sqlalchemy import Select

from app.services.stock import clients_with_overdue_items
from app.services.money import client_flags


def member_flags(client_ids, on_date):
    """``{client id: {"debt", "red_pass", "overdue_item"} subset}`` for these clients;
    ``client_ids`` may be a SELECT of client ids, kept in SQL (no bind parameter per client)."""
    ids = client_ids if isinstance(client_ids, Select) else set(client_ids)
    if not isinstance(ids, Select) and not ids:
        return {}
    flags = client_flags(ids, on_date)
    for cid in clients_with_overdue_items(ids, on_date):
        flags.setdefault(cid, set()).add("overdue_item")
    return flags
