"""Implementation statuses: the dated lines officers record on a resolution (done, under
implementation, planned for a period) and the operative paragraphs each serves.

Revision ID: fefa62ab9f4b
Revises: ce01a2e834b7
Create Date: 2026-12-06 06:54:26.069853

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fefa62ab9f4b'
down_revision = 'ce01a2e834b7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('implementation_status',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('framework_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('done', 'under_implementation', 'planned', name='implementationstate', native_enum=False, length=30), nullable=False),
    sa.Column('period', sa.String(length=40), server_default='', nullable=False),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), server_default='0', nullable=False),
    sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hidden_by_id', sa.Integer(), nullable=True),
    sa.Column('hidden_reason', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['framework_id'], ['framework.id'], name=op.f('fk_implementation_status_framework_id_framework'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['hidden_by_id'], ['user.id'], name=op.f('fk_implementation_status_hidden_by_id_user')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_implementation_status_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_implementation_status'))
    )
    with op.batch_alter_table('implementation_status', schema=None) as batch_op:
        batch_op.create_index('ix_implementation_status_framework', ['framework_id', 'position', 'id'], unique=False)

    op.create_table('implementation_status_item',
    sa.Column('status_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['framework_item.id'], name=op.f('fk_implementation_status_item_item_id_framework_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['status_id'], ['implementation_status.id'], name=op.f('fk_implementation_status_item_status_id_implementation_status'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('status_id', 'item_id', name=op.f('pk_implementation_status_item'))
    )
    with op.batch_alter_table('implementation_status_item', schema=None) as batch_op:
        batch_op.create_index('ix_implementation_status_item_item', ['item_id'], unique=False)



def downgrade():
    with op.batch_alter_table('implementation_status_item', schema=None) as batch_op:
        batch_op.drop_index('ix_implementation_status_item_item')

    op.drop_table('implementation_status_item')
    with op.batch_alter_table('implementation_status', schema=None) as batch_op:
        batch_op.drop_index('ix_implementation_status_framework')

    op.drop_table('implementation_status')
