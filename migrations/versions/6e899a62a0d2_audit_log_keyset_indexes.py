"""audit log keyset indexes: every filter of the log with its sort, newest first

The log paged by OFFSET with a full count; it now pages by keyset on (created_at, id), so
each filter (entry, kind, action, actor, none) has an index ending in those columns. The
single-column indexes on action and actor_id are covered by the new ones' first column.

Revision ID: 6e899a62a0d2
Revises: fa14635ff08b
Create Date: 2026-12-02 01:56:48.021529

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6e899a62a0d2'
down_revision = 'fa14635ff08b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_action'))
        batch_op.drop_index(batch_op.f('ix_audit_event_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_created_at'))
        batch_op.create_index('ix_audit_event_created_at', ['created_at', 'id'], unique=False)
        batch_op.drop_index(batch_op.f('ix_audit_event_entry'))
        batch_op.create_index('ix_audit_event_entry', ['entry_type', 'entry_id', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_audit_event_action_created', ['action', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_audit_event_actor_created', ['actor_id', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_audit_event_type_created', ['entry_type', 'created_at', 'id'], unique=False)



def downgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_type_created')
        batch_op.drop_index('ix_audit_event_actor_created')
        batch_op.drop_index('ix_audit_event_action_created')
        batch_op.drop_index('ix_audit_event_entry')
        batch_op.create_index(batch_op.f('ix_audit_event_entry'), ['entry_type', 'entry_id'], unique=False)
        batch_op.drop_index('ix_audit_event_created_at')
        batch_op.create_index(batch_op.f('ix_audit_event_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_action'), ['action'], unique=False)

