"""The translator's workbench: translation_change, the log of who changed which catalog entry.

Revision ID: 68d611d8dd4f
Revises: 22f4a51d8c8a
Create Date: 2026-11-27 20:33:33.298350

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '68d611d8dd4f'
down_revision = '22f4a51d8c8a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('translation_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('username', sa.String(length=256), nullable=True),
    sa.Column('msgid', sa.Text(), nullable=True),
    sa.Column('context', sa.Text(), nullable=True),
    sa.Column('old', sa.Text(), nullable=True),
    sa.Column('new', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('translation_change', schema=None) as batch_op:
        batch_op.create_index('ix_translation_change_language_at', ['language', 'at'], unique=False)



def downgrade():
    with op.batch_alter_table('translation_change', schema=None) as batch_op:
        batch_op.drop_index('ix_translation_change_language_at')

    op.drop_table('translation_change')
