"""entries in progress: partial indexes for the staff's list of work

Drafts, submissions, changes requested, rejected and withdrawn entries, newest change first,
with and without a state chosen. Partial: the approved rows (nearly all of them) are not in
them, so they stay small however large the public registry grows.

Revision ID: fa14635ff08b
Revises: c4e1f7a9d2b3
Create Date: 2026-12-02 01:42:45.381435

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fa14635ff08b'
down_revision = 'c4e1f7a9d2b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stakeholder', schema=None) as batch_op:
        batch_op.create_index('ix_stakeholder_in_progress_changed', ['updated_at', 'id'], unique=False, postgresql_where=sa.text("status NOT IN ('approved', 'archived')"), sqlite_where=sa.text("status NOT IN ('approved', 'archived')"))
        batch_op.create_index('ix_stakeholder_in_progress_status_changed', ['status', 'updated_at', 'id'], unique=False, postgresql_where=sa.text("status NOT IN ('approved', 'archived')"), sqlite_where=sa.text("status NOT IN ('approved', 'archived')"))



def downgrade():
    with op.batch_alter_table('stakeholder', schema=None) as batch_op:
        batch_op.drop_index('ix_stakeholder_in_progress_status_changed', postgresql_where=sa.text("status NOT IN ('approved', 'archived')"), sqlite_where=sa.text("status NOT IN ('approved', 'archived')"))
        batch_op.drop_index('ix_stakeholder_in_progress_changed', postgresql_where=sa.text("status NOT IN ('approved', 'archived')"), sqlite_where=sa.text("status NOT IN ('approved', 'archived')"))

