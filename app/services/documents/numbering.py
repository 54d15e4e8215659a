"""Document numbers: one series per kind and year, sequential, without gaps or duplicates.

Rule. The next number is taken from the series' counter row by one guarded
``UPDATE document_counter SET last_number = last_number + 1 … RETURNING last_number`` in the
transaction that inserts the document: the row lock (PostgreSQL) or the database write lock
(SQLite) makes concurrent issuers wait for each other, and a rolled-back document rolls its
number back with it, so no number is skipped or given twice. The counter row is created on first
use with ``INSERT … ON CONFLICT DO NOTHING`` (two first issuers of a year create it once).
"""
from sqlalchemy import update

from app.extensions import db
from app.models.documents import DocumentCounter

PREFIXES = {
    "contract": "CON",
    "invoice": "INV",
    "act": "ACT",
    "receipt": "RCP",
    "gift_certificate": "GFT",
    "registration_card": "REG",
    "statement": "STM",
    "reconciliation": "REC",
    "course_certificate": "CRT",
}


def _insert_ignore(values):
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(DocumentCounter.__table__).values(**values).on_conflict_do_nothing()


def next_number(kind, year):
    """Take the next number of the (kind, year) series: returns (sequence, formatted number),
    e.g. (123, "INV-2026-000123"). Must run in the transaction that stores the document."""
    table = DocumentCounter.__table__
    db.session.execute(_insert_ignore({"kind": kind, "year": year, "last_number": 0}))
    seq = db.session.execute(
        update(table).where(table.c.kind == kind, table.c.year == year)
        .values(last_number=table.c.last_number + 1)
        .returning(table.c.last_number)).scalar_one()
    return seq, format_number(kind, year, seq)


def format_number(kind, year, seq):
    return f"{PREFIXES[kind]}-{year}-{seq:06d}"
