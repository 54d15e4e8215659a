"""client category warns at check-in (issue 19: a "problem" client shows a warning first)

Revision ID: 18d8baef4116
Revises: b3ca158a5dad
Create Date: 2026-11-27 16:14:38.691996

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '18d8baef4116'
down_revision = 'b3ca158a5dad'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('client_category', schema=None) as batch_op:
        batch_op.add_column(sa.Column('warn_at_checkin', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('client_category', schema=None) as batch_op:
        batch_op.drop_column('warn_at_checkin')
