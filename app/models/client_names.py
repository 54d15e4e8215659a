"""The clients' name trigrams: every three-letter piece of each client's normalized name
(``Client.search_name``), with the name and the client, kept by database triggers.

A search for letters inside names ("ван" in "иванов…") lists its matches in name order by
walking this table's key — one trigram's entries, already sorted by name — instead of walking
the whole name index past every earlier name (600,000 of 1,000,000 clients before "иванов…")
or sorting every match found through the trigram GIN index (tens of thousands). Pieces holding
a space or a digit are left out: a search word never holds a space, and digits are searched as
phone and card numbers.

The triggers keep the table right whatever writes the clients — the ORM, a bulk insert of an
import or a benchmark, a manual UPDATE: on PostgreSQL statement triggers with transition tables
(one set-based statement per INSERT/UPDATE/DELETE statement, however many rows), on SQLite row
triggers. ``create_all`` creates them after the tables; the migration that added the table
creates them there (its own frozen copy of these statements).
"""
import re

from flask_appbuilder import Model
from sqlalchemy import DDL, Column, Integer, PrimaryKeyConstraint, String, event

NOT_INDEXED = re.compile(r"[0-9 ]")


def indexed_trigrams(word):
    """The pieces of ``word`` (normalized) that the table holds, in order."""
    pieces = (word[i:i + 3] for i in range(len(word) - 2))
    return [piece for piece in pieces if not NOT_INDEXED.search(piece)]


class ClientNameTrigram(Model):
    """One three-letter piece of a client's normalized name. The key's order is the order a
    search walks: one trigram's entries by name, then client id — the client list's order."""

    __tablename__ = "client_name_trigram"
    trigram = Column(String(3), nullable=False)
    search_name = Column(String(400), nullable=False)
    client_id = Column(Integer, nullable=False)

    __table_args__ = (PrimaryKeyConstraint("trigram", "search_name", "client_id"),)


POSTGRESQL = [
    """CREATE OR REPLACE FUNCTION client_name_trigrams(name text) RETURNS SETOF text
    LANGUAGE sql IMMUTABLE AS $$
    SELECT DISTINCT substr(name, i, 3) FROM generate_series(1, length(name) - 2) AS i
    WHERE substr(name, i, 3) !~ '[0-9 ]'
$$""",
    """CREATE OR REPLACE FUNCTION client_name_trigram_added() RETURNS trigger
    LANGUAGE plpgsql AS $$ BEGIN
    INSERT INTO client_name_trigram (trigram, search_name, client_id)
    SELECT piece, r.search_name, r.id FROM added r, client_name_trigrams(r.search_name) piece
    WHERE r.search_name IS NOT NULL;
    RETURN NULL;
END $$""",
    """CREATE OR REPLACE FUNCTION client_name_trigram_removed() RETURNS trigger
    LANGUAGE plpgsql AS $$ BEGIN
    DELETE FROM client_name_trigram t
    USING removed r, client_name_trigrams(r.search_name) piece
    WHERE t.trigram = piece AND t.search_name = r.search_name AND t.client_id = r.id;
    RETURN NULL;
END $$""",
    """CREATE OR REPLACE FUNCTION client_name_trigram_renamed() RETURNS trigger
    LANGUAGE plpgsql AS $$ BEGIN
    DELETE FROM client_name_trigram t
    USING old_rows r JOIN new_rows a ON a.id = r.id, client_name_trigrams(r.search_name) piece
    WHERE a.search_name IS DISTINCT FROM r.search_name
      AND t.trigram = piece AND t.search_name = r.search_name AND t.client_id = r.id;
    INSERT INTO client_name_trigram (trigram, search_name, client_id)
    SELECT piece, r.search_name, r.id
    FROM new_rows r JOIN old_rows b ON b.id = r.id, client_name_trigrams(r.search_name) piece
    WHERE r.search_name IS NOT NULL AND r.search_name IS DISTINCT FROM b.search_name;
    RETURN NULL;
END $$""",
    """CREATE OR REPLACE TRIGGER client_name_trigram_insert AFTER INSERT ON client
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT
    EXECUTE FUNCTION client_name_trigram_added()""",
    """CREATE OR REPLACE TRIGGER client_name_trigram_delete AFTER DELETE ON client
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT
    EXECUTE FUNCTION client_name_trigram_removed()""",
    """CREATE OR REPLACE TRIGGER client_name_trigram_update AFTER UPDATE ON client
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION client_name_trigram_renamed()""",
]

# SQLite: row triggers; the pieces of NEW.search_name or OLD.search_name numbered by a
# recursive CTE (SQLite has no generate_series built in)
_SQLITE_PIECES = """SELECT substr({row}.search_name, n, 3) AS piece FROM (
        WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s
                                WHERE n < length({row}.search_name) - 2)
        SELECT n FROM s)
    WHERE length(substr({row}.search_name, n, 3)) = 3
      AND substr({row}.search_name, n, 3) NOT GLOB '*[0-9 ]*'"""
_SQLITE_ADD = """INSERT OR IGNORE INTO client_name_trigram (trigram, search_name, client_id)
    SELECT piece, NEW.search_name, NEW.id FROM (""" + _SQLITE_PIECES.format(row="NEW") + ");"
_SQLITE_REMOVE = """DELETE FROM client_name_trigram
    WHERE client_id = OLD.id AND search_name = OLD.search_name
      AND trigram IN (""" + _SQLITE_PIECES.format(row="OLD") + ");"

SQLITE = [
    f"""CREATE TRIGGER IF NOT EXISTS client_name_trigram_insert AFTER INSERT ON client
    WHEN NEW.search_name IS NOT NULL BEGIN
    {_SQLITE_ADD}
END""",
    f"""CREATE TRIGGER IF NOT EXISTS client_name_trigram_delete AFTER DELETE ON client
    WHEN OLD.search_name IS NOT NULL BEGIN
    {_SQLITE_REMOVE}
END""",
    f"""CREATE TRIGGER IF NOT EXISTS client_name_trigram_update
    AFTER UPDATE OF search_name ON client WHEN OLD.search_name IS NOT NEW.search_name BEGIN
    {_SQLITE_REMOVE}
    {_SQLITE_ADD}
END""",
]

for _statement in POSTGRESQL:
    event.listen(Model.metadata, "after_create",
                 DDL(_statement).execute_if(dialect="postgresql"))
for _statement in SQLITE:
    event.listen(Model.metadata, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
