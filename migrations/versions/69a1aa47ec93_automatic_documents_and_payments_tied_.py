"""Automatic documents (shop receipts, registration invoices, certificates of completion) and
payments tied to the cashier's shift.

Revision ID: 69a1aa47ec93
Revises: 18d8baef4116
Create Date: 2026-11-27 16:11:15.812172

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '69a1aa47ec93'
down_revision = '18d8baef4116'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sale_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('course_registration_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('course_participant_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('items', sa.JSON(), nullable=True))
        batch_op.create_index(batch_op.f('ix_document_course_participant_id'), ['course_participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_course_registration_id'), ['course_registration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_sale_id'), ['sale_id'], unique=False)
        batch_op.create_foreign_key('fk_document_course_registration', 'course_registration', ['course_registration_id'], ['id'])
        batch_op.create_foreign_key('fk_document_sale', 'stock_sale', ['sale_id'], ['id'])
        batch_op.create_foreign_key('fk_document_course_participant', 'course_participant', ['course_participant_id'], ['id'])

    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cash_shift_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_payment_cash_shift_id'), ['cash_shift_id'], unique=False)
        batch_op.create_foreign_key('fk_payment_cash_shift', 'cash_shift', ['cash_shift_id'], ['id'])


def downgrade():
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_constraint('fk_payment_cash_shift', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_payment_cash_shift_id'))
        batch_op.drop_column('cash_shift_id')

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_constraint('fk_document_course_participant', type_='foreignkey')
        batch_op.drop_constraint('fk_document_sale', type_='foreignkey')
        batch_op.drop_constraint('fk_document_course_registration', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_document_sale_id'))
        batch_op.drop_index(batch_op.f('ix_document_course_registration_id'))
        batch_op.drop_index(batch_op.f('ix_document_course_participant_id'))
        batch_op.drop_column('items')
        batch_op.drop_column('course_participant_id')
        batch_op.drop_column('course_registration_id')
        batch_op.drop_column('sale_id')
