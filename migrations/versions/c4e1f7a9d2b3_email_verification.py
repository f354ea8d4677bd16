"""email verification: accounts confirm their address before they submit entries

Accounts made before this could not confirm an address; they are taken as confirmed from the
day they were made, so nobody who already submitted entries is stopped from submitting again.

Revision ID: c4e1f7a9d2b3
Revises: aeb6a716dc2a
Create Date: 2026-12-02 01:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4e1f7a9d2b3'
down_revision = 'aeb6a716dc2a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_verified_at', sa.DateTime(timezone=True), nullable=True))
    op.execute('UPDATE "user" SET email_verified_at = created_at')


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('email_verified_at')
