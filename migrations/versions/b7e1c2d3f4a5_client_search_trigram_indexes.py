"""Client name, phone and email search: pg_trgm GIN indexes (PostgreSQL only; issue 20).

Revision ID: b7e1c2d3f4a5
Revises: f6b4bbe4854a
Create Date: 2026-11-27 16:40:00

"""
from alembic import op

revision = 'b7e1c2d3f4a5'
down_revision = 'f6b4bbe4854a'
branch_labels = None
depends_on = None

COLUMNS = ("search_name", "phone_digits", "email")


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite: no trigram index; search scans the normalized columns
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        op.create_index(f"ix_client_{column}_trgm", "client", [column], unique=False,
                        postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"})


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for column in COLUMNS:
        op.drop_index(f"ix_client_{column}_trgm", table_name="client")
