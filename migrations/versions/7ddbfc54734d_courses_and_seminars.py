"""Courses and seminars: directions, courses, registrations, participants, attendance per
session, organisations' payments and cost lines.

Revision ID: 7ddbfc54734d
Revises: 25d8a63154f1
Create Date: 2026-11-27 13:37:45.481063

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7ddbfc54734d'
down_revision = '25d8a63154f1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('course_direction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('created_on', sa.DateTime(), nullable=False),
    sa.Column('changed_on', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_fk', sa.Integer(), nullable=True),
    sa.Column('changed_by_fk', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['changed_by_fk'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['created_by_fk'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('course',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('direction_id', sa.Integer(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('target_audience', sa.Text(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('instructor_id', sa.Integer(), nullable=True),
    sa.Column('manager_id', sa.Integer(), nullable=True),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('price_per_participant', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('price_per_organisation', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('min_participants', sa.Integer(), nullable=False),
    sa.Column('max_participants', sa.Integer(), nullable=True),
    sa.Column('planned_participants', sa.Integer(), nullable=True),
    sa.Column('certificate_series', sa.String(length=20), nullable=True),
    sa.Column('certificate_last_number', sa.Integer(), nullable=False),
    sa.Column('programme_filename', sa.String(length=255), nullable=True),
    sa.Column('programme_stored_name', sa.String(length=255), nullable=True),
    sa.Column('programme_content_type', sa.String(length=100), nullable=True),
    sa.Column('cancelled', sa.Boolean(), nullable=False),
    sa.Column('min_warning_task_id', sa.Integer(), nullable=True),
    sa.Column('created_on', sa.DateTime(), nullable=False),
    sa.Column('changed_on', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_fk', sa.Integer(), nullable=True),
    sa.Column('changed_by_fk', sa.Integer(), nullable=True),
    sa.CheckConstraint('certificate_last_number >= 0', name='ck_course_certificate_number'),
    sa.CheckConstraint('ends_on >= starts_on', name='ck_course_dates'),
    sa.CheckConstraint('min_participants >= 0', name='ck_course_min'),
    sa.ForeignKeyConstraint(['changed_by_fk'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['created_by_fk'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['direction_id'], ['course_direction.id'], ),
    sa.ForeignKeyConstraint(['group_id'], ['class_group.id'], ),
    sa.ForeignKeyConstraint(['instructor_id'], ['employee.id'], ),
    sa.ForeignKeyConstraint(['manager_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['min_warning_task_id'], ['task.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('programme_stored_name')
    )
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_direction_id'), ['direction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_ends_on'), ['ends_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_instructor_id'), ['instructor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_manager_id'), ['manager_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_service_id'), ['service_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_starts_on'), ['starts_on'], unique=False)

    op.create_table('course_cost',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('basis', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=150), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('created_on', sa.DateTime(), nullable=False),
    sa.Column('changed_on', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_fk', sa.Integer(), nullable=True),
    sa.Column('changed_by_fk', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['changed_by_fk'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_fk'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('course_cost', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_cost_course_id'), ['course_id'], unique=False)

    op.create_table('course_registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('registered_on', sa.Date(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_on', sa.DateTime(), nullable=False),
    sa.Column('changed_on', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_fk', sa.Integer(), nullable=True),
    sa.Column('changed_by_fk', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['changed_by_fk'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_fk'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('course_id', 'organisation_id', name='uq_course_registration_organisation')
    )
    with op.batch_alter_table('course_registration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_registration_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_registration_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('organisation_payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=True),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('note', sa.String(length=250), nullable=True),
    sa.Column('created_on', sa.DateTime(), nullable=False),
    sa.Column('changed_on', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_fk', sa.Integer(), nullable=True),
    sa.Column('changed_by_fk', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['changed_by_fk'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], ),
    sa.ForeignKeyConstraint(['created_by_fk'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('organisation_payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_payment_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisation_payment_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('course_participant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('payment_type', sa.String(length=12), nullable=False),
    sa.Column('price', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('result', sa.String(length=10), nullable=True),
    sa.Column('grade', sa.String(length=20), nullable=True),
    sa.Column('certificate_number', sa.String(length=40), nullable=True),
    sa.Column('certified_on', sa.Date(), nullable=True),
    sa.Column('created_on', sa.DateTime(), nullable=False),
    sa.Column('changed_on', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_fk', sa.Integer(), nullable=True),
    sa.Column('changed_by_fk', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['changed_by_fk'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], ),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_fk'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['registration_id'], ['course_registration.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('course_id', 'certificate_number', name='uq_course_participant_certificate'),
    sa.UniqueConstraint('course_id', 'client_id', name='uq_course_participant_client')
    )
    with op.batch_alter_table('course_participant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_participant_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_participant_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_participant_registration_id'), ['registration_id'], unique=False)

    op.create_table('course_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.Column('created_on', sa.DateTime(), nullable=False),
    sa.Column('changed_on', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_fk', sa.Integer(), nullable=True),
    sa.Column('changed_by_fk', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['changed_by_fk'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['created_by_fk'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['lesson_id'], ['lesson.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['course_participant.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('participant_id', 'lesson_id', name='uq_course_attendance_participant_lesson')
    )
    with op.batch_alter_table('course_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_attendance_lesson_id'), ['lesson_id'], unique=False)



def downgrade():
    with op.batch_alter_table('course_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_attendance_lesson_id'))

    op.drop_table('course_attendance')
    with op.batch_alter_table('course_participant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_participant_registration_id'))
        batch_op.drop_index(batch_op.f('ix_course_participant_course_id'))
        batch_op.drop_index(batch_op.f('ix_course_participant_client_id'))

    op.drop_table('course_participant')
    with op.batch_alter_table('organisation_payment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_payment_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_organisation_payment_course_id'))

    op.drop_table('organisation_payment')
    with op.batch_alter_table('course_registration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_registration_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_course_registration_course_id'))

    op.drop_table('course_registration')
    with op.batch_alter_table('course_cost', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_cost_course_id'))

    op.drop_table('course_cost')
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_starts_on'))
        batch_op.drop_index(batch_op.f('ix_course_service_id'))
        batch_op.drop_index(batch_op.f('ix_course_manager_id'))
        batch_op.drop_index(batch_op.f('ix_course_instructor_id'))
        batch_op.drop_index(batch_op.f('ix_course_group_id'))
        batch_op.drop_index(batch_op.f('ix_course_ends_on'))
        batch_op.drop_index(batch_op.f('ix_course_direction_id'))

    op.drop_table('course')
    op.drop_table('course_direction')
