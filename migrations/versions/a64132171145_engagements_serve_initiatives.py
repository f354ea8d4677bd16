"""engagements serve initiatives

Which initiatives an engagement served: listed on both pages. The primary key reads an
engagement's initiatives, the index an initiative's engagements.

Revision ID: a64132171145
Revises: 8a671234cce6
Create Date: 2026-12-06 03:02:17.097836

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a64132171145'
down_revision = '8a671234cce6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('engagement_initiative',
    sa.Column('engagement_id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagement.id'], name=op.f('fk_engagement_initiative_engagement_id_engagement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiative.id'], name=op.f('fk_engagement_initiative_initiative_id_initiative'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('engagement_id', 'initiative_id', name=op.f('pk_engagement_initiative'))
    )
    with op.batch_alter_table('engagement_initiative', schema=None) as batch_op:
        batch_op.create_index('ix_engagement_initiative_initiative', ['initiative_id', 'engagement_id'], unique=False)



def downgrade():
    with op.batch_alter_table('engagement_initiative', schema=None) as batch_op:
        batch_op.drop_index('ix_engagement_initiative_initiative')

    op.drop_table('engagement_initiative')
