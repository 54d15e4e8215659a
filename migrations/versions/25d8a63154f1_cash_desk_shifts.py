"""cash desk shifts

Revision ID: 25d8a63154f1
Revises: 374f03643951
Create Date: 2026-11-27 14:16:12.138823

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '25d8a63154f1'
down_revision = '374f03643951'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cash_shift',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cashier_fk', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('opening_float', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('counted_cash', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('expected_cash', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('difference', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_on', sa.DateTime(), nullable=False),
    sa.Column('changed_on', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_fk', sa.Integer(), nullable=True),
    sa.Column('changed_by_fk', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['cashier_fk'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['changed_by_fk'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['created_by_fk'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('cash_shift', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cash_shift_cashier_fk'), ['cashier_fk'], unique=False)
        batch_op.create_index(batch_op.f('ix_cash_shift_opened_at'), ['opened_at'], unique=False)
        batch_op.create_index('ux_cash_shift_open', ['cashier_fk'], unique=True, sqlite_where=sa.text('closed_at IS NULL'), postgresql_where=sa.text('closed_at IS NULL'))



def downgrade():
    with op.batch_alter_table('cash_shift', schema=None) as batch_op:
        batch_op.drop_index('ux_cash_shift_open', sqlite_where=sa.text('closed_at IS NULL'), postgresql_where=sa.text('closed_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_cash_shift_opened_at'))
        batch_op.drop_index(batch_op.f('ix_cash_shift_cashier_fk'))

    op.drop_table('cash_shift')
