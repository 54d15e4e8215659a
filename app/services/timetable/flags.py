"""Red flags of clients for the timetable: debt, red pass (money's ``client_flag_queries``) and
an overdue lent item (stock's ``overdue_items_query``), in ONE statement: each domain gives its
SELECT of flagged clients and the union runs once."""
from sqlalchemy import Select, literal, select, union_all

from app.extensions import db
from app.services.money import client_flag_queries
from app.services.stock import overdue_items_query


def member_flags(client_ids, on_date):
    """``{client id: {"debt", "red_pass", "overdue_item"} subset}`` for these clients;
    ``client_ids`` may be a SELECT of client ids, kept in SQL (no bind parameter per client).
    Only flagged clients are keys."""
    ids = client_ids if isinstance(client_ids, Select) else set(client_ids)
    if not isinstance(ids, Select) and not ids:
        return {}
    queries = dict(client_flag_queries(ids, on_date),
                   overdue_item=overdue_items_query(ids, on_date))
    flagged = union_all(*[
        select(literal(name).label("flag"), query.subquery().c[0].label("client_id"))
        for name, query in queries.items()])
    flags = {}
    for name, client_id in db.session.execute(flagged):
        flags.setdefault(client_id, set()).add(name)
    return flags
