"""one revision table for every entry type

Proposed changes were stakeholder_revision rows; every reviewable entry type now keeps them
in ``revision`` (entry_type, entry_id). Rows keep their ids (merge records name them), and
merge records' keys move from "stakeholder_revision.stakeholder_id" to "revision.entry_id".

Revision ID: b1de81e39e51
Revises: fdab997f0bb0
Create Date: 2026-12-01 20:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b1de81e39e51'
down_revision = 'fdab997f0bb0'
branch_labels = None
depends_on = None

OLD_KEY = "stakeholder_revision.stakeholder_id"
NEW_KEY = "revision.entry_id"
COLUMNS = "data, base_version, status, author_id, created_at, updated_at, decided_at, decided_by_id, comment, version"


def _status():
    return sa.Enum('pending', 'approved', 'rejected', 'superseded', name='revisionstatus', native_enum=False, length=20)


def _rename_merge_keys(old: str, new: str) -> None:
    """Merge.moved is JSON: rewrite its keys row by row (a handful of merges, not millions)."""
    conn = op.get_bind()
    merge = sa.table('merge', sa.column('id', sa.Integer), sa.column('moved', sa.JSON))
    for row in conn.execute(sa.select(merge.c.id, merge.c.moved)).all():
        moved = dict(row.moved or {})
        if old in moved:
            moved[new] = moved.pop(old)
            conn.execute(merge.update().where(merge.c.id == row.id).values(moved=moved))


def _reset_sequence(table: str) -> None:
    """Rows were copied with their ids: PostgreSQL's sequence must continue after them."""
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        )


def upgrade():
    op.create_table('revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_type', sa.String(length=40), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('base_version', sa.Integer(), nullable=False),
    sa.Column('status', _status(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_revision_author_id_user')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_revision_decided_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_revision'))
    )
    with op.batch_alter_table('revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revision_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_revision_entry', ['entry_type', 'entry_id'], unique=False)
        batch_op.create_index('uq_revision_pending', ['entry_type', 'entry_id'], unique=True, postgresql_where=sa.text("status = 'pending'"), sqlite_where=sa.text("status = 'pending'"))

    op.execute(
        f"INSERT INTO revision (id, entry_type, entry_id, {COLUMNS}) "
        f"SELECT id, 'stakeholder', stakeholder_id, {COLUMNS} FROM stakeholder_revision"
    )
    _reset_sequence('revision')
    _rename_merge_keys(OLD_KEY, NEW_KEY)

    with op.batch_alter_table('stakeholder_revision', schema=None) as batch_op:
        batch_op.drop_index('uq_stakeholder_revision_pending', postgresql_where=sa.text("status = 'pending'"), sqlite_where=sa.text("status = 'pending'"))
        batch_op.drop_index(batch_op.f('ix_stakeholder_revision_stakeholder_id'))
        batch_op.drop_index(batch_op.f('ix_stakeholder_revision_author_id'))
    op.drop_table('stakeholder_revision')


def downgrade():
    op.create_table('stakeholder_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stakeholder_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('base_version', sa.Integer(), nullable=False),
    sa.Column('status', _status(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False, server_default='1'),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_stakeholder_revision_author_id_user')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_stakeholder_revision_decided_by_id_user')),
    sa.ForeignKeyConstraint(['stakeholder_id'], ['stakeholder.id'], name=op.f('fk_stakeholder_revision_stakeholder_id_stakeholder')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stakeholder_revision'))
    )
    with op.batch_alter_table('stakeholder_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stakeholder_revision_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stakeholder_revision_stakeholder_id'), ['stakeholder_id'], unique=False)
        batch_op.create_index('uq_stakeholder_revision_pending', ['stakeholder_id'], unique=True, postgresql_where=sa.text("status = 'pending'"), sqlite_where=sa.text("status = 'pending'"))

    # Only stakeholders had revisions before: other entry types' proposals cannot go back.
    op.execute(
        f"INSERT INTO stakeholder_revision (id, stakeholder_id, {COLUMNS}) "
        f"SELECT id, entry_id, {COLUMNS} FROM revision WHERE entry_type = 'stakeholder'"
    )
    _reset_sequence('stakeholder_revision')
    _rename_merge_keys(NEW_KEY, OLD_KEY)

    with op.batch_alter_table('revision', schema=None) as batch_op:
        batch_op.drop_index('uq_revision_pending', postgresql_where=sa.text("status = 'pending'"), sqlite_where=sa.text("status = 'pending'"))
        batch_op.drop_index('ix_revision_entry')
        batch_op.drop_index(batch_op.f('ix_revision_author_id'))
    op.drop_table('revision')
