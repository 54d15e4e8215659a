"""Red flags of clients for the timetable: debt, red pass (money's ``client_flag_queries``) and
an overdue lent item (stock's ``overdue_items_query``), in ONE statement: each domain gives its
SELECT of flagged clients and money's ``flags_by_client`` runs their union once — or the grid
folds their union into its own statement (``flagged_clients``)."""
from sqlalchemy import Select, select, union

from app.services.money import client_flag_queries, flags_by_client
from app.services.stock import overdue_items_query


def _flag_queries(ids, on_date):
    return dict(client_flag_queries(ids, on_date), overdue_item=overdue_items_query(ids, on_date))


def member_flags(client_ids, on_date):
    """``{client id: {"debt", "red_pass", "overdue_item"} subset}`` for these clients;
    ``client_ids`` may be a SELECT of client ids, kept in SQL (no bind parameter per client).
    Only flagged clients are keys."""
    ids = client_ids if isinstance(client_ids, Select) else set(client_ids)
    if not isinstance(ids, Select) and not ids:
        return {}
    return flags_by_client(_flag_queries(ids, on_date))


def flagged_clients(client_ids, on_date):
    """The SELECT (not run) of the clients among ``client_ids`` (a SELECT of client ids) with
    any red flag on ``on_date`` — the union of the flags' SELECTs, one column ``client_id``."""
    return union(*[select(query.subquery().c[0].label("client_id"))
                   for query in _flag_queries(client_ids, on_date).values()])
