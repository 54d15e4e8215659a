"""Lending of manuals and textbooks to clients (stock domain).

Only the query the timetable needs exists so far; stock lending fills it in later.
"""


def clients_with_overdue_items(client_ids, on_date):
    """Clients among ``client_ids`` holding a lent item whose return date is before ``on_date``.

    Returns a set of client ids, in a constant number of queries. Nothing is lent yet, so the set
    is empty until stock lending implements it.
    """
    return set()
