"""Client list: the name index also holds the id (the list's order: name, then id) and, on
PostgreSQL, the columns a search tests (email, card, organisation), so that a page's keys are
found by walking the index alone (issue 20).

Revision ID: c4d9e2a7b1f0
Revises: 582e487e8c8d
Create Date: 2026-11-28 04:10:00

"""
from alembic import op

revision = 'c4d9e2a7b1f0'
down_revision = '582e487e8c8d'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_client_search_name", table_name="client")
    op.create_index("ix_client_search_name", "client", ["search_name", "id"], unique=False,
                    postgresql_include=["email", "card_number", "organisation_id"])


def downgrade():
    op.drop_index("ix_client_search_name", table_name="client")
    op.create_index("ix_client_search_name", "client", ["search_name"], unique=False)
