"""staged vetting: needs-information and revoked registrations, the vetting thread

Revision ID: 5e7a1c9d2f40
Revises: 07838b326bae
Create Date: 2026-12-04 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e7a1c9d2f40'
down_revision = '07838b326bae'
branch_labels = None
depends_on = None

OLD = "status IN ('pending', 'approved', 'rejected')"
NEW = "status IN ('pending', 'needs_info', 'approved', 'rejected', 'revoked')"


def upgrade():
    op.create_table('registration_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('from_organizer', sa.Boolean(), nullable=False),
    sa.Column('author_name', sa.String(length=160), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_registration_messages_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_registration_messages_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_messages'))
    )
    with op.batch_alter_table('registration_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_messages_registration_id'), ['registration_id'], unique=False)
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_registrations_status_valid'), type_='check')
        batch_op.create_check_constraint(op.f('ck_registrations_status_valid'), NEW)


def downgrade():
    # The states the previous release knows: asked companies wait again, revoked ones are out.
    op.execute("UPDATE registrations SET status = 'pending' WHERE status = 'needs_info'")
    op.execute("UPDATE registrations SET status = 'rejected' WHERE status = 'revoked'")
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_registrations_status_valid'), type_='check')
        batch_op.create_check_constraint(op.f('ck_registrations_status_valid'), OLD)
    with op.batch_alter_table('registration_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registration_messages_registration_id'))
    op.drop_table('registration_messages')
