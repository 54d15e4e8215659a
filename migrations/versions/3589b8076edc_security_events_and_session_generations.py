"""Security events (append-only, UTC) and per-user session generations (issue 17).

Revision ID: 3589b8076edc
Revises: 0c7044b2546a
Create Date: 2026-11-27 13:25:14.986654

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3589b8076edc'
down_revision = '0c7044b2546a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('security_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('username', sa.String(length=256), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('address', sa.String(length=64), nullable=True),
    sa.Column('detail', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('security_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_security_event_at'), ['at'], unique=False)
        batch_op.create_index('ix_security_event_kind_at', ['kind', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_security_event_username'), ['username'], unique=False)

    op.create_table('session_generation',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('user_id')
    )


def downgrade():
    op.drop_table('session_generation')
    with op.batch_alter_table('security_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_security_event_username'))
        batch_op.drop_index('ix_security_event_kind_at')
        batch_op.drop_index(batch_op.f('ix_security_event_at'))

    op.drop_table('security_event')
