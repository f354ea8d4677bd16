"""initiatives and partnerships

Initiatives with their countries, and partnerships tying stakeholders to them. An index
for each filter and sort of the public list; a partial unique index so that a stakeholder
holds at most one open (proposed or active) partnership per initiative, whoever races.

Revision ID: 5da69b90d99c
Revises: 6e899a62a0d2
Create Date: 2026-12-06 02:21:36.385372

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5da69b90d99c'
down_revision = '6e899a62a0d2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('initiative',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('programme', 'project', 'coalition', 'policy_process', 'campaign', 'knowledge_platform', name='initiativekind', native_enum=False, length=20), nullable=False),
    sa.Column('status', sa.Enum('planned', 'active', 'completed', 'discontinued', name='initiativestatus', native_enum=False, length=20), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('lead_stakeholder_id', sa.Integer(), nullable=True),
    sa.Column('cities', sa.String(length=300), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('website', sa.String(length=300), nullable=True),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_initiative_created_by_id_user')),
    sa.ForeignKeyConstraint(['lead_stakeholder_id'], ['stakeholder.id'], name=op.f('fk_initiative_lead_stakeholder_id_stakeholder')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_initiative'))
    )
    with op.batch_alter_table('initiative', schema=None) as batch_op:
        batch_op.create_index('ix_initiative_created_id', ['created_at', 'id'], unique=False)
        batch_op.create_index('ix_initiative_kind_starts', ['kind', 'starts_on', 'id'], unique=False)
        batch_op.create_index('ix_initiative_kind_title', ['kind', 'title', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_initiative_lead_stakeholder_id'), ['lead_stakeholder_id'], unique=False)
        batch_op.create_index('ix_initiative_starts_id', ['starts_on', 'id'], unique=False)
        batch_op.create_index('ix_initiative_status_starts', ['status', 'starts_on', 'id'], unique=False)
        batch_op.create_index('ix_initiative_status_title', ['status', 'title', 'id'], unique=False)
        batch_op.create_index('ix_initiative_title_id', ['title', 'id'], unique=False)
        batch_op.create_index('ix_initiative_title_trgm', ['title'], unique=False, postgresql_using='gin', postgresql_ops={'title': 'gin_trgm_ops'})

    op.create_table('initiative_country',
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=2), nullable=False),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiative.id'], name=op.f('fk_initiative_country_initiative_id_initiative'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('initiative_id', 'code', name=op.f('pk_initiative_country'))
    )
    with op.batch_alter_table('initiative_country', schema=None) as batch_op:
        batch_op.create_index('ix_initiative_country_code', ['code', 'initiative_id'], unique=False)

    op.create_table('partnership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('stakeholder_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('lead', 'co_lead', 'implementing', 'funding', 'technical', 'participant', name='partnershiprole', native_enum=False, length=20), nullable=False),
    sa.Column('basis', sa.Enum('mou', 'agreement', 'letter', 'informal', name='partnershipbasis', native_enum=False, length=20), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('proposed', 'active', 'ended', 'declined', name='partnershipstatus', native_enum=False, length=20), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_partnership_decided_by_id_user')),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiative.id'], name=op.f('fk_partnership_initiative_id_initiative'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_partnership_requested_by_id_user')),
    sa.ForeignKeyConstraint(['stakeholder_id'], ['stakeholder.id'], name=op.f('fk_partnership_stakeholder_id_stakeholder')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partnership'))
    )
    with op.batch_alter_table('partnership', schema=None) as batch_op:
        batch_op.create_index('ix_partnership_initiative_status', ['initiative_id', 'status'], unique=False)
        batch_op.create_index('ix_partnership_proposed', ['created_at', 'id'], unique=False, postgresql_where=sa.text("status = 'proposed'"), sqlite_where=sa.text("status = 'proposed'"))
        batch_op.create_index('ix_partnership_stakeholder_status', ['stakeholder_id', 'status', 'initiative_id'], unique=False)
        batch_op.create_index('uq_partnership_open', ['initiative_id', 'stakeholder_id'], unique=True, postgresql_where=sa.text("status IN ('proposed', 'active')"), sqlite_where=sa.text("status IN ('proposed', 'active')"))



def downgrade():
    with op.batch_alter_table('partnership', schema=None) as batch_op:
        batch_op.drop_index('uq_partnership_open', postgresql_where=sa.text("status IN ('proposed', 'active')"), sqlite_where=sa.text("status IN ('proposed', 'active')"))
        batch_op.drop_index('ix_partnership_stakeholder_status')
        batch_op.drop_index('ix_partnership_proposed', postgresql_where=sa.text("status = 'proposed'"), sqlite_where=sa.text("status = 'proposed'"))
        batch_op.drop_index('ix_partnership_initiative_status')

    op.drop_table('partnership')
    with op.batch_alter_table('initiative_country', schema=None) as batch_op:
        batch_op.drop_index('ix_initiative_country_code')

    op.drop_table('initiative_country')
    with op.batch_alter_table('initiative', schema=None) as batch_op:
        batch_op.drop_index('ix_initiative_title_trgm', postgresql_using='gin', postgresql_ops={'title': 'gin_trgm_ops'})
        batch_op.drop_index('ix_initiative_title_id')
        batch_op.drop_index('ix_initiative_status_title')
        batch_op.drop_index('ix_initiative_status_starts')
        batch_op.drop_index('ix_initiative_starts_id')
        batch_op.drop_index(batch_op.f('ix_initiative_lead_stakeholder_id'))
        batch_op.drop_index('ix_initiative_kind_title')
        batch_op.drop_index('ix_initiative_kind_starts')
        batch_op.drop_index('ix_initiative_created_id')

    op.drop_table('initiative')
