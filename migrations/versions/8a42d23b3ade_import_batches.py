"""import batches: an uploaded file, read and checked, waiting to be confirmed

One row per upload: the rows as read with their checks (JSON), its owner and until when it
may be confirmed; ``confirmed_at`` is stamped in the transaction that writes the rows, so a
second confirmation writes nothing (``registry.imports``).

Revision ID: 8a42d23b3ade
Revises: 5e4c1b7d9a20
Create Date: 2026-12-06 08:16:03.481263

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "8a42d23b3ade"
down_revision = "5e4c1b7d9a20"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "import_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["user.id"],
            name=op.f("fk_import_batch_owner_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batch")),
    )
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.create_index("ix_import_batch_expires_at", ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_import_batch_owner_id"), ["owner_id"], unique=False)


def downgrade():
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_batch_owner_id"))
        batch_op.drop_index("ix_import_batch_expires_at")

    op.drop_table("import_batch")
