"""Writing many rows at once in a number of statements that does not grow with the rows."""
from sqlalchemy import bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY

from app.extensions import db


def insert_rows(table, rows):
    """Insert ``rows`` (dicts of column name → value; a missing key is NULL) into ``table``.

    On PostgreSQL: ONE ``INSERT … SELECT unnest(:col1), unnest(:col2), …`` with one array per
    column — a single statement whatever the number of rows, no per-row statements for the
    server to run and no bind-parameter limit. Elsewhere (SQLite): the driver's executemany,
    also one statement. Column defaults that are Python callables are not applied: pass every
    value the rows need. Runs in the session's transaction.
    """
    if not rows:
        return
    names = [column.name for column in table.columns if any(column.name in row for row in rows)]
    if db.session.get_bind().dialect.name != "postgresql":
        db.session.execute(table.insert(), [{name: row.get(name) for name in names}
                                            for row in rows])
        return
    arrays = select(*[
        func.unnest(bindparam(name, [row.get(name) for row in rows],
                              type_=ARRAY(table.c[name].type)))
        for name in names])
    db.session.execute(table.insert().from_select(names, arrays))
