"""reason codes, status checks, run heartbeat

System reasons are stored as codes with parameters (worded when read, in the reader's
language); status columns get CHECK constraints; schedule runs get a heartbeat.

Revision ID: b40c25a2855e
Revises: 7ce569e73921
Create Date: 2026-12-03 23:13:28.708758

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b40c25a2855e'
down_revision = '7ce569e73921'
branch_labels = None
depends_on = None

# table -> [(constraint name, condition)], as the models declare them (LabeledEnum.check).
CHECKS = {
    'users': [('ck_users_role_valid', "role IN ('participant', 'organizer', 'admin')")],
    'registrations': [('ck_registrations_status_valid',
                       "status IN ('pending', 'approved', 'rejected')")],
    'meeting_requests': [
        ('ck_meeting_requests_status_valid', "status IN ('pending', 'accepted', 'declined', "
                                             "'cancelled', 'withdrawn', 'expired')"),
        ('ck_meeting_requests_day_status_valid', "day_status IN ('held', 'late', "
                                                 "'no_show_sender', 'no_show_recipient', "
                                                 "'no_show_both', '')"),
        ('ck_meeting_requests_discussion_level_valid',
         "discussion_level IN ('public', 'nda', 'licence')"),
    ],
    'schedule_runs': [('ck_schedule_runs_status_valid',
                       "status IN ('queued', 'running', 'done', 'failed')")],
}


def upgrade():
    with op.batch_alter_table('meeting_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason_code', sa.String(length=40), server_default='', nullable=False))
        batch_op.add_column(sa.Column('reason_params', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('unscheduled_code', sa.String(length=40), server_default='', nullable=False))
        batch_op.add_column(sa.Column('unscheduled_params', sa.JSON(), nullable=True))

    with op.batch_alter_table('schedule_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(), nullable=True))

    for table, checks in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, condition in checks:
                batch_op.create_check_constraint(op.f(name), condition)


def downgrade():
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _condition in checks:
                batch_op.drop_constraint(op.f(name), type_='check')

    with op.batch_alter_table('schedule_runs', schema=None) as batch_op:
        batch_op.drop_column('heartbeat_at')

    with op.batch_alter_table('meeting_requests', schema=None) as batch_op:
        batch_op.drop_column('unscheduled_params')
        batch_op.drop_column('unscheduled_code')
        batch_op.drop_column('reason_params')
        batch_op.drop_column('reason_code')
