"""organisation payments at the cash desk: who took one, its cash shift, and its receipt

Revision ID: 22f4a51d8c8a
Revises: 05edaf15acd8
Create Date: 2026-11-27 20:35:32.346976

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '22f4a51d8c8a'
down_revision = '05edaf15acd8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_payment_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_document_organisation_payment_id'),
                              ['organisation_payment_id'], unique=False)
        batch_op.create_foreign_key('fk_document_organisation_payment', 'organisation_payment',
                                    ['organisation_payment_id'], ['id'])

    with op.batch_alter_table('organisation_payment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('taken_by_fk', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('cash_shift_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_organisation_payment_cash_shift_id'),
                              ['cash_shift_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisation_payment_taken_by_fk'), ['taken_by_fk'],
                              unique=False)
        batch_op.create_foreign_key('fk_organisation_payment_taken_by', 'ab_user',
                                    ['taken_by_fk'], ['id'])
        batch_op.create_foreign_key('fk_organisation_payment_cash_shift', 'cash_shift',
                                    ['cash_shift_id'], ['id'])


def downgrade():
    with op.batch_alter_table('organisation_payment', schema=None) as batch_op:
        batch_op.drop_constraint('fk_organisation_payment_cash_shift', type_='foreignkey')
        batch_op.drop_constraint('fk_organisation_payment_taken_by', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_organisation_payment_taken_by_fk'))
        batch_op.drop_index(batch_op.f('ix_organisation_payment_cash_shift_id'))
        batch_op.drop_column('cash_shift_id')
        batch_op.drop_column('taken_by_fk')

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_constraint('fk_document_organisation_payment', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_document_organisation_payment_id'))
        batch_op.drop_column('organisation_payment_id')
