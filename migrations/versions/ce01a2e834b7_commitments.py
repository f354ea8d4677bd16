"""Commitments: SMART pledges with deliverables, resources, alignment and progress reports;
framework items can be archived.

Revision ID: ce01a2e834b7
Revises: a64132171145
Create Date: 2026-12-06 04:53:43.939624

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ce01a2e834b7'
down_revision = 'a64132171145'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('commitment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stakeholder_id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=True),
    sa.Column('engagement_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('draft', 'submitted', 'changes_requested', 'approved', 'rejected', 'withdrawn', 'archived', name='status', native_enum=False, length=20), nullable=False),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_activity_on', sa.Date(), nullable=True),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('next_due_on', sa.Date(), nullable=True),
    sa.Column('progress', sa.SmallInteger(), nullable=False),
    sa.Column('deliverable_count', sa.SmallInteger(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_commitment_created_by_id_user')),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagement.id'], name=op.f('fk_commitment_engagement_id_engagement')),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiative.id'], name=op.f('fk_commitment_initiative_id_initiative')),
    sa.ForeignKeyConstraint(['stakeholder_id'], ['stakeholder.id'], name=op.f('fk_commitment_stakeholder_id_stakeholder')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commitment'))
    )
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.create_index('ix_commitment_engagement_status', ['engagement_id', 'status', 'title', 'id'], unique=False)
        batch_op.create_index('ix_commitment_in_progress_changed', ['updated_at', 'id'], unique=False, postgresql_where=sa.text("status NOT IN ('approved', 'archived')"), sqlite_where=sa.text("status NOT IN ('approved', 'archived')"))
        batch_op.create_index('ix_commitment_initiative_status', ['initiative_id', 'status', 'title', 'id'], unique=False)
        batch_op.create_index('ix_commitment_light_completed', ['completed_on', 'id'], unique=False, postgresql_where=sa.text("status = 'approved'"), sqlite_where=sa.text("status = 'approved'"))
        batch_op.create_index('ix_commitment_light_open', ['last_activity_on', 'id'], unique=False, postgresql_where=sa.text("status = 'approved' AND completed_on IS NULL"), sqlite_where=sa.text("status = 'approved' AND completed_on IS NULL"))
        batch_op.create_index('ix_commitment_next_due', ['next_due_on', 'id'], unique=False, postgresql_where=sa.text("status = 'approved' AND completed_on IS NULL"), sqlite_where=sa.text("status = 'approved' AND completed_on IS NULL"))
        batch_op.create_index('ix_commitment_stakeholder_status', ['stakeholder_id', 'status', 'title', 'id'], unique=False)
        batch_op.create_index('ix_commitment_status_activity', ['status', 'last_activity_on', 'id'], unique=False)
        batch_op.create_index('ix_commitment_status_approved', ['status', 'approved_at', 'id'], unique=False)
        batch_op.create_index('ix_commitment_status_title', ['status', 'title', 'id'], unique=False)
        batch_op.create_index('ix_commitment_title_trgm', ['title'], unique=False, postgresql_using='gin', postgresql_ops={'title': 'gin_trgm_ops'})

    op.create_table('commitment_alignment',
    sa.Column('commitment_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitment.id'], name=op.f('fk_commitment_alignment_commitment_id_commitment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['framework_item.id'], name=op.f('fk_commitment_alignment_item_id_framework_item')),
    sa.PrimaryKeyConstraint('commitment_id', 'item_id', name=op.f('pk_commitment_alignment'))
    )
    with op.batch_alter_table('commitment_alignment', schema=None) as batch_op:
        batch_op.create_index('ix_commitment_alignment_item', ['item_id', 'commitment_id'], unique=False)

    op.create_table('deliverable',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.SmallInteger(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('indicator', sa.String(length=300), nullable=True),
    sa.Column('baseline', sa.Float(), nullable=True),
    sa.Column('target', sa.Float(), nullable=True),
    sa.Column('unit', sa.String(length=60), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('achieved', sa.Float(), nullable=True),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitment.id'], name=op.f('fk_deliverable_commitment_id_commitment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliverable'))
    )
    with op.batch_alter_table('deliverable', schema=None) as batch_op:
        batch_op.create_index('ix_deliverable_commitment', ['commitment_id', 'position', 'id'], unique=False)

    op.create_table('progress_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=False),
    sa.Column('reported_on', sa.Date(), nullable=False),
    sa.Column('covers_from', sa.Date(), nullable=True),
    sa.Column('covers_to', sa.Date(), nullable=True),
    sa.Column('narrative', sa.Text(), nullable=False),
    sa.Column('evidence_url', sa.String(length=500), nullable=True),
    sa.Column('verification', sa.Enum('self_reported', 'evidence', 'verified', name='verification', native_enum=False, length=20), nullable=False),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hidden_by_id', sa.Integer(), nullable=True),
    sa.Column('hidden_reason', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_progress_report_author_id_user')),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitment.id'], name=op.f('fk_progress_report_commitment_id_commitment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['hidden_by_id'], ['user.id'], name=op.f('fk_progress_report_hidden_by_id_user')),
    sa.ForeignKeyConstraint(['verified_by_id'], ['user.id'], name=op.f('fk_progress_report_verified_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_report'))
    )
    with op.batch_alter_table('progress_report', schema=None) as batch_op:
        batch_op.create_index('ix_progress_report_commitment', ['commitment_id', 'reported_on', 'id'], unique=False)

    op.create_table('reminder_sent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitment.id'], name=op.f('fk_reminder_sent_commitment_id_commitment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_sent'))
    )
    with op.batch_alter_table('reminder_sent', schema=None) as batch_op:
        batch_op.create_index('ix_reminder_sent_commitment', ['commitment_id', 'sent_at'], unique=False)

    op.create_table('resource',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.SmallInteger(), nullable=False),
    sa.Column('kind', sa.Enum('financial', 'in_kind', 'staff', 'technical', name='resourcekind', native_enum=False, length=20), nullable=False),
    sa.Column('amount', sa.Float(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('description', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitment.id'], name=op.f('fk_resource_commitment_id_commitment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resource'))
    )
    with op.batch_alter_table('resource', schema=None) as batch_op:
        batch_op.create_index('ix_resource_commitment', ['commitment_id', 'position', 'id'], unique=False)

    op.create_table('deliverable_update',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('deliverable_id', sa.Integer(), nullable=False),
    sa.Column('achieved', sa.Float(), nullable=True),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['deliverable_id'], ['deliverable.id'], name=op.f('fk_deliverable_update_deliverable_id_deliverable'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['progress_report.id'], name=op.f('fk_deliverable_update_report_id_progress_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliverable_update'))
    )
    with op.batch_alter_table('deliverable_update', schema=None) as batch_op:
        batch_op.create_index('ix_deliverable_update_deliverable', ['deliverable_id', 'report_id'], unique=False)

    with op.batch_alter_table('framework_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('framework_item', schema=None) as batch_op:
        batch_op.drop_column('archived_at')

    with op.batch_alter_table('deliverable_update', schema=None) as batch_op:
        batch_op.drop_index('ix_deliverable_update_deliverable')

    op.drop_table('deliverable_update')
    with op.batch_alter_table('resource', schema=None) as batch_op:
        batch_op.drop_index('ix_resource_commitment')

    op.drop_table('resource')
    with op.batch_alter_table('reminder_sent', schema=None) as batch_op:
        batch_op.drop_index('ix_reminder_sent_commitment')

    op.drop_table('reminder_sent')
    with op.batch_alter_table('progress_report', schema=None) as batch_op:
        batch_op.drop_index('ix_progress_report_commitment')

    op.drop_table('progress_report')
    with op.batch_alter_table('deliverable', schema=None) as batch_op:
        batch_op.drop_index('ix_deliverable_commitment')

    op.drop_table('deliverable')
    with op.batch_alter_table('commitment_alignment', schema=None) as batch_op:
        batch_op.drop_index('ix_commitment_alignment_item')

    op.drop_table('commitment_alignment')
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.drop_index('ix_commitment_title_trgm', postgresql_using='gin', postgresql_ops={'title': 'gin_trgm_ops'})
        batch_op.drop_index('ix_commitment_status_title')
        batch_op.drop_index('ix_commitment_status_approved')
        batch_op.drop_index('ix_commitment_status_activity')
        batch_op.drop_index('ix_commitment_stakeholder_status')
        batch_op.drop_index('ix_commitment_next_due', postgresql_where=sa.text("status = 'approved' AND completed_on IS NULL"), sqlite_where=sa.text("status = 'approved' AND completed_on IS NULL"))
        batch_op.drop_index('ix_commitment_light_open', postgresql_where=sa.text("status = 'approved' AND completed_on IS NULL"), sqlite_where=sa.text("status = 'approved' AND completed_on IS NULL"))
        batch_op.drop_index('ix_commitment_light_completed', postgresql_where=sa.text("status = 'approved'"), sqlite_where=sa.text("status = 'approved'"))
        batch_op.drop_index('ix_commitment_initiative_status')
        batch_op.drop_index('ix_commitment_in_progress_changed', postgresql_where=sa.text("status NOT IN ('approved', 'archived')"), sqlite_where=sa.text("status NOT IN ('approved', 'archived')"))
        batch_op.drop_index('ix_commitment_engagement_status')

    op.drop_table('commitment')
