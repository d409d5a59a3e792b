"""schedule, embeddings, not-interested marks, ratings

Revision ID: 976391eb7ccc
Revises: 1b90d5419afe
Create Date: 2026-11-25 10:09:43.734301

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '976391eb7ccc'
down_revision = '1b90d5419afe'
branch_labels = None
depends_on = None


def upgrade():
    # Existing meeting requests get defaults for the new NOT NULL columns.
    op.create_table('company_embeddings',
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('model', sa.String(length=80), nullable=False),
    sa.Column('text_digest', sa.String(length=64), nullable=False),
    sa.Column('vectors', sa.LargeBinary(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_company_embeddings_company_id_companies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('company_id', name=op.f('pk_company_embeddings'))
    )
    op.create_table('not_interested',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('other_company_id', sa.Integer(), nullable=False),
    sa.Column('marked_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_not_interested_company_id_companies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_not_interested_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['marked_by_id'], ['users.id'], name=op.f('fk_not_interested_marked_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['other_company_id'], ['companies.id'], name=op.f('fk_not_interested_other_company_id_companies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_not_interested')),
    sa.UniqueConstraint('event_id', 'company_id', 'other_company_id', name=op.f('uq_not_interested_event_id_company_id_other_company_id'))
    )
    with op.batch_alter_table('not_interested', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_not_interested_company_id'), ['company_id'], unique=False)

    op.create_table('schedule_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('time_limit', sa.Double(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('scheduled', sa.Integer(), nullable=True),
    sa.Column('unscheduled', sa.Integer(), nullable=True),
    sa.Column('objective', sa.Double(), nullable=True),
    sa.Column('upper_bound', sa.Double(), nullable=True),
    sa.Column('idle_gaps', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_schedule_runs_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_schedule_runs_requested_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_schedule_runs'))
    )
    with op.batch_alter_table('schedule_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_schedule_runs_event_id'), ['event_id'], unique=False)

    op.create_table('meeting_bookings',
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_meeting_bookings_company_id_companies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['meeting_requests.id'], name=op.f('fk_meeting_bookings_request_id_meeting_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['slot_id'], ['slots.id'], name=op.f('fk_meeting_bookings_slot_id_slots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('company_id', 'slot_id', name=op.f('pk_meeting_bookings'))
    )
    with op.batch_alter_table('meeting_bookings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_bookings_request_id'), ['request_id'], unique=False)

    op.create_table('meeting_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('follow_up', sa.Boolean(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('rating BETWEEN 1 AND 5', name=op.f('ck_meeting_ratings_rating_range')),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_meeting_ratings_company_id_companies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['meeting_requests.id'], name=op.f('fk_meeting_ratings_request_id_meeting_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_ratings')),
    sa.UniqueConstraint('request_id', 'company_id', name=op.f('uq_meeting_ratings_request_id_company_id'))
    )
    with op.batch_alter_table('meeting_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_ratings_request_id'), ['request_id'], unique=False)

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('schedule_published_at', sa.DateTime(), nullable=True))

    with op.batch_alter_table('meeting_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('slot_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('table_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('locked', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('unscheduled_reason', sa.Text(), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('schedule_version', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('sender_important', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('recipient_important', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.create_index(batch_op.f('ix_meeting_requests_slot_id'), ['slot_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_meeting_requests_slot_id_table_id'), ['slot_id', 'table_id'])
        batch_op.create_foreign_key(batch_op.f('fk_meeting_requests_table_id_meeting_tables'), 'meeting_tables', ['table_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_meeting_requests_slot_id_slots'), 'slots', ['slot_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_users_calendar_token'), ['calendar_token'])

    # ### end Alembic commands ###


def downgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_calendar_token'), type_='unique')
        batch_op.drop_column('calendar_token')

    with op.batch_alter_table('meeting_requests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_meeting_requests_slot_id_slots'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_meeting_requests_table_id_meeting_tables'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_meeting_requests_slot_id_table_id'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_meeting_requests_slot_id'))
        batch_op.drop_column('recipient_important')
        batch_op.drop_column('sender_important')
        batch_op.drop_column('schedule_version')
        batch_op.drop_column('unscheduled_reason')
        batch_op.drop_column('locked')
        batch_op.drop_column('table_id')
        batch_op.drop_column('slot_id')

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('schedule_published_at')

    with op.batch_alter_table('meeting_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_ratings_request_id'))

    op.drop_table('meeting_ratings')
    with op.batch_alter_table('meeting_bookings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_bookings_request_id'))

    op.drop_table('meeting_bookings')
    with op.batch_alter_table('schedule_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_schedule_runs_event_id'))

    op.drop_table('schedule_runs')
    with op.batch_alter_table('not_interested', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_not_interested_company_id'))

    op.drop_table('not_interested')
    op.drop_table('company_embeddings')
    # ### end Alembic commands ###
