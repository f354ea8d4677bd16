"""Alignment of initiatives and engagements to framework items (SDG targets, operative
paragraphs), like commitments': one association table each, indexed by item for the
framework pages and the initiative list's alignment filter.

Revision ID: 78b4187dfe5f
Revises: fefa62ab9f4b
Create Date: 2026-12-06 06:54:42.389464

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '78b4187dfe5f'
down_revision = 'fefa62ab9f4b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('engagement_alignment',
    sa.Column('engagement_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagement.id'], name=op.f('fk_engagement_alignment_engagement_id_engagement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['framework_item.id'], name=op.f('fk_engagement_alignment_item_id_framework_item')),
    sa.PrimaryKeyConstraint('engagement_id', 'item_id', name=op.f('pk_engagement_alignment'))
    )
    with op.batch_alter_table('engagement_alignment', schema=None) as batch_op:
        batch_op.create_index('ix_engagement_alignment_item', ['item_id', 'engagement_id'], unique=False)

    op.create_table('initiative_alignment',
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiative.id'], name=op.f('fk_initiative_alignment_initiative_id_initiative'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['framework_item.id'], name=op.f('fk_initiative_alignment_item_id_framework_item')),
    sa.PrimaryKeyConstraint('initiative_id', 'item_id', name=op.f('pk_initiative_alignment'))
    )
    with op.batch_alter_table('initiative_alignment', schema=None) as batch_op:
        batch_op.create_index('ix_initiative_alignment_item', ['item_id', 'initiative_id'], unique=False)



def downgrade():
    with op.batch_alter_table('initiative_alignment', schema=None) as batch_op:
        batch_op.drop_index('ix_initiative_alignment_item')

    op.drop_table('initiative_alignment')
    with op.batch_alter_table('engagement_alignment', schema=None) as batch_op:
        batch_op.drop_index('ix_engagement_alignment_item')

    op.drop_table('engagement_alignment')
