"""One page of a list that shows some rows first: the leading rows (a search's names beginning
with what was typed), then the others, each group in the list's own order — found group by
group, so that the leading group can be one range of an index."""


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
