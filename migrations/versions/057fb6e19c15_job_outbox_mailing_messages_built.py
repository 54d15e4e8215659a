"""job outbox (the call waits in job_record until Redis has it); mailing.messages_built_at

Revision ID: 057fb6e19c15
Revises: 60bbb5e29981
Create Date: 2026-11-27 13:58:30.401616

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '057fb6e19c15'
down_revision = '60bbb5e29981'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('job_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('queue', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('func', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('call', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('enqueued_on', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_job_record_enqueued_on'), ['enqueued_on'], unique=False)

    with op.batch_alter_table('mailing', schema=None) as batch_op:
        batch_op.add_column(sa.Column('messages_built_at', sa.DateTime(), nullable=True))
    # mailings whose messages exist already were built before this column
    op.execute("UPDATE mailing SET messages_built_at = COALESCE(finished_at, started_at) "
               "WHERE status = 'done' OR EXISTS "
               "(SELECT 1 FROM message WHERE message.mailing_id = mailing.id)")


def downgrade():
    with op.batch_alter_table('mailing', schema=None) as batch_op:
        batch_op.drop_column('messages_built_at')

    with op.batch_alter_table('job_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_record_enqueued_on'))
        batch_op.drop_column('enqueued_on')
        batch_op.drop_column('call')
        batch_op.drop_column('func')
        batch_op.drop_column('queue')

