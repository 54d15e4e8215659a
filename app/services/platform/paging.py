"""One page of a list that shows some rows first: the leading rows (a search's names beginning
with what was typed), then the others, each group in the list's own order — found group by
group, so that the leading group can be one range of an index."""
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, union_all


def leading_first(fetch, count_leading, offset, limit):
    """The rows of the page ``offset``…``offset + limit``. ``fetch(leading, offset, limit)``
    returns rows of one group (the leading rows when ``leading`` is true, else the others) in the
    list's order; ``count_leading()`` how many leading rows there are — asked only when the page
    starts past the last of them, to know how far into the others it starts."""
    found = list(fetch(True, offset, limit))
    if len(found) < limit:
        before = offset + len(found) if found or not offset else count_leading()
        found += fetch(False, max(0, offset - before), limit - len(found))
    return found


@dataclass(frozen=True)
class IndexWalk:
    """How to list a search's matches in the list's order without reading the ones before
    them: by walking the key of another table (``table``, joined to the listed rows on
    ``onclause``) over its entries ``where``, whose ``order`` columns are already the list's
    order (the last of them the listed row's key). A search for letters inside names walks one
    trigram's entries of the name trigram table, sorted by name — instead of the whole name
    index, or every match sorted. ``outside``: the condition of the matches the walk cannot
    see (a search also matching emails finds some clients by their email alone); they are
    listed with the walked ones, in the same order (``merged_keys``). ``alone``: when set, a
    condition on ``table`` alone selecting exactly the walked matches that are not leading
    rows — used when nothing else (no other filter, no user's scope) limits the list: the
    walk then reads that table's key only."""

    table: Any
    onclause: Any
    where: Any
    order: tuple
    outside: Any
    alone: Any = None


def merged_keys(walked, outside, offset, limit):
    """One SELECT of the keys ``offset``…``offset + limit`` of two queries of the list's order
    columns (key last), each already in that order: each gives at most ``offset + limit`` rows,
    their union is sorted. (Each a subquery: SQLite takes no LIMIT inside a UNION's members.)"""
    wanted = offset + limit
    both = union_all(*[select(*part.limit(wanted).subquery().c) for part in (walked, outside)])
    columns = list(both.subquery().c)
    return select(columns[-1]).order_by(*columns).offset(offset).limit(limit)
