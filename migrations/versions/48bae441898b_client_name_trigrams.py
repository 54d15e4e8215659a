"""Client names: a table of every three-letter piece of each normalized name, kept by
triggers, that a search for letters inside names walks in name order (issue 20; see
app/models/client_names.py). Filled from the clients already saved.

Revision ID: 48bae441898b
Revises: c4d9e2a7b1f0
Create Date: 2026-11-29 05:23:53

"""
from alembic import op
import sqlalchemy as sa

revision = '48bae441898b'
down_revision = 'c4d9e2a7b1f0'
branch_labels = None
depends_on = None

# The statements as app/models/client_names.py had them when this migration was written.
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
SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS client_name_trigram_insert AFTER INSERT ON client
    WHEN NEW.search_name IS NOT NULL BEGIN
    INSERT OR IGNORE INTO client_name_trigram (trigram, search_name, client_id)
    SELECT piece, NEW.search_name, NEW.id FROM (SELECT substr(NEW.search_name, n, 3) AS piece FROM (
        WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s
                                WHERE n < length(NEW.search_name) - 2)
        SELECT n FROM s)
    WHERE length(substr(NEW.search_name, n, 3)) = 3
      AND substr(NEW.search_name, n, 3) NOT GLOB '*[0-9 ]*');
END""",
    """CREATE TRIGGER IF NOT EXISTS client_name_trigram_delete AFTER DELETE ON client
    WHEN OLD.search_name IS NOT NULL BEGIN
    DELETE FROM client_name_trigram
    WHERE client_id = OLD.id AND search_name = OLD.search_name
      AND trigram IN (SELECT substr(OLD.search_name, n, 3) AS piece FROM (
        WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s
                                WHERE n < length(OLD.search_name) - 2)
        SELECT n FROM s)
    WHERE length(substr(OLD.search_name, n, 3)) = 3
      AND substr(OLD.search_name, n, 3) NOT GLOB '*[0-9 ]*');
END""",
    """CREATE TRIGGER IF NOT EXISTS client_name_trigram_update
    AFTER UPDATE OF search_name ON client WHEN OLD.search_name IS NOT NEW.search_name BEGIN
    DELETE FROM client_name_trigram
    WHERE client_id = OLD.id AND search_name = OLD.search_name
      AND trigram IN (SELECT substr(OLD.search_name, n, 3) AS piece FROM (
        WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s
                                WHERE n < length(OLD.search_name) - 2)
        SELECT n FROM s)
    WHERE length(substr(OLD.search_name, n, 3)) = 3
      AND substr(OLD.search_name, n, 3) NOT GLOB '*[0-9 ]*');
    INSERT OR IGNORE INTO client_name_trigram (trigram, search_name, client_id)
    SELECT piece, NEW.search_name, NEW.id FROM (SELECT substr(NEW.search_name, n, 3) AS piece FROM (
        WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s
                                WHERE n < length(NEW.search_name) - 2)
        SELECT n FROM s)
    WHERE length(substr(NEW.search_name, n, 3)) = 3
      AND substr(NEW.search_name, n, 3) NOT GLOB '*[0-9 ]*');
END""",
]

FILL = {
    "postgresql": """
INSERT INTO client_name_trigram (trigram, search_name, client_id)
SELECT DISTINCT substr(r.search_name, i, 3), r.search_name, r.id
FROM client r, generate_series(1, length(r.search_name) - 2) AS i
WHERE r.search_name IS NOT NULL AND substr(r.search_name, i, 3) !~ '[0-9 ]'""",
    "sqlite": """
INSERT OR IGNORE INTO client_name_trigram (trigram, search_name, client_id)
WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 400)
SELECT substr(c.search_name, s.n, 3), c.search_name, c.id
FROM client c JOIN s ON s.n <= length(c.search_name) - 2
WHERE c.search_name IS NOT NULL AND substr(c.search_name, s.n, 3) NOT GLOB '*[0-9 ]*'""",
}
DROP = {
    "postgresql": ["DROP TRIGGER IF EXISTS client_name_trigram_insert ON client",
                   "DROP TRIGGER IF EXISTS client_name_trigram_delete ON client",
                   "DROP TRIGGER IF EXISTS client_name_trigram_update ON client",
                   "DROP FUNCTION IF EXISTS client_name_trigram_added()",
                   "DROP FUNCTION IF EXISTS client_name_trigram_removed()",
                   "DROP FUNCTION IF EXISTS client_name_trigram_renamed()",
                   "DROP FUNCTION IF EXISTS client_name_trigrams(text)"],
    "sqlite": ["DROP TRIGGER IF EXISTS client_name_trigram_insert",
               "DROP TRIGGER IF EXISTS client_name_trigram_delete",
               "DROP TRIGGER IF EXISTS client_name_trigram_update"],
}


def upgrade():
    op.create_table('client_name_trigram',
    sa.Column('trigram', sa.String(length=3), nullable=False),
    sa.Column('search_name', sa.String(length=400), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('trigram', 'search_name', 'client_id')
    )
    dialect = op.get_bind().dialect.name
    op.execute(FILL[dialect])
    for statement in {"postgresql": POSTGRESQL, "sqlite": SQLITE}[dialect]:
        op.execute(statement)


def downgrade():
    for statement in DROP[op.get_bind().dialect.name]:
        op.execute(statement)
    op.drop_table('client_name_trigram')
