"""account sessions: one row per login, so logout and an admin's change can end it

Logins were only a signed cookie holding the user id: a copy taken before logout still opened
the account, and the remember-me token was the same at every login. Existing cookies hold a
bare id, which no row matches: everyone logs in again once.

Revision ID: aeb6a716dc2a
Revises: 69d0cc2324c2
Create Date: 2026-12-02 00:44:14.862331

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'aeb6a716dc2a'
down_revision = '69d0cc2324c2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('account_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('remember', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_agent', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_account_session_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_account_session_token_hash'))
    )
    with op.batch_alter_table('account_session', schema=None) as batch_op:
        batch_op.create_index('ix_account_session_expires_at', ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_account_session_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('account_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_session_user_id'))
        batch_op.drop_index('ix_account_session_expires_at')

    op.drop_table('account_session')
