"""search everything: full-text indexes kept current by the database

PostgreSQL: a stored generated ``search_vector`` (weighted ``tsvector``, 'english' config)
on each searchable table with a GIN index, and trigram indexes on the engagement and
framework item titles for the typo fallback. SQLite: an FTS5 external-content table per
noun over the same columns, kept current by triggers, and an ``fts5vocab`` table over each
for spelling suggestions. ``registry.search`` explains the design; ``registry.database``
keeps these objects out of the model comparison (the models do not map them).

The statements are written out here rather than imported from ``registry.search``: a
migration must build the schema as it was when it was written.

Revision ID: 5e4c1b7d9a20
Revises: 78b4187dfe5f
Create Date: 2026-12-06 07:20:00.000000

"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = "5e4c1b7d9a20"
down_revision = "78b4187dfe5f"
branch_labels = None
depends_on = None


# table -> [(column, weight)]: A for names and titles, B for places and long titles, C for
# descriptions. The FTS5 tables index the same columns in the same order.
SEARCHED = {
    "stakeholder": [("name", "A"), ("acronym", "A"), ("city", "B"), ("description", "C")],
    "initiative": [("title", "A"), ("cities", "B"), ("summary", "C")],
    "commitment": [("title", "A"), ("description", "C")],
    "engagement": [("title", "A"), ("venue", "B"), ("city", "B"), ("summary", "C")],
    "framework_item": [("code", "A"), ("short_title", "A"), ("title", "B")],
}
# The title's words alone (names and acronyms, titles, an item's code and short title): a
# search reads the rows whose title has every word before the cap on the others, so a common
# word's best matches are never left out. Queries repeat these expressions exactly.
TITLE_WORDS = {
    "stakeholder": "coalesce(name, '') || ' ' || coalesce(acronym, '')",
    "initiative": "coalesce(title, '')",
    "commitment": "coalesce(title, '')",
    "engagement": "coalesce(title, '')",
    "framework_item": "coalesce(code, '') || ' ' || coalesce(short_title, '')",
}
TRIGRAM_INDEXES = {
    "ix_engagement_title_trgm": "engagement USING gin (title gin_trgm_ops)",
    "ix_framework_item_title_trgm": "framework_item USING gin (title gin_trgm_ops)",
}


def _vector(columns):
    return " || ".join(
        f"setweight(to_tsvector('english'::regconfig, coalesce({column}, '')), '{weight}')"
        for column, weight in columns
    )


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table, columns in SEARCHED.items():
            # A table rewrite (about 36 s at a million stakeholders, PERFORMANCE-NOTES.md).
            op.add_column(
                table,
                sa.Column(
                    "search_vector",
                    postgresql.TSVECTOR(),
                    sa.Computed(_vector(columns), persisted=True),
                ),
            )
            op.execute(f"CREATE INDEX ix_{table}_search ON {table} USING gin (search_vector)")
            op.execute(
                f"CREATE INDEX ix_{table}_title_search ON {table} "
                f"USING gin (to_tsvector('english'::regconfig, {TITLE_WORDS[table]}))"
            )
        for name, definition in TRIGRAM_INDEXES.items():
            op.execute(f"CREATE INDEX {name} ON {definition}")
        return
    for table, columns in SEARCHED.items():
        names = [column for column, _weight in columns]
        listed = ", ".join(names)
        new = ", ".join(f"new.{c}" for c in names)
        old = ", ".join(f"old.{c}" for c in names)
        fts = f"search_{table}"
        # Words as written, diacritics folded; no stemmer, so that the vocabulary holds real
        # words to suggest (the query matches words of 3+ letters as prefixes instead).
        op.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5({listed}, content='{table}', "
            "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
        )
        op.execute(f"CREATE VIRTUAL TABLE {fts}_vocab USING fts5vocab({fts}, 'row')")
        op.execute(
            f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {fts} (rowid, {listed}) VALUES (new.id, {new}); END"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN "
            f"INSERT INTO {fts} ({fts}, rowid, {listed}) VALUES ('delete', old.id, {old}); END"
        )
        # Only a change to an indexed column re-indexes the row (not an approval).
        op.execute(
            f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {listed} ON {table} BEGIN "
            f"INSERT INTO {fts} ({fts}, rowid, {listed}) VALUES ('delete', old.id, {old}); "
            f"INSERT INTO {fts} (rowid, {listed}) VALUES (new.id, {new}); END"
        )
        op.execute(f"INSERT INTO {fts} ({fts}) VALUES ('rebuild')")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name in TRIGRAM_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
        for table in SEARCHED:
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_search")
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_title_search")
            op.drop_column(table, "search_vector")
        return
    for table in SEARCHED:
        fts = f"search_{table}"
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {fts}_{event}")
        op.execute(f"DROP TABLE IF EXISTS {fts}_vocab")
        op.execute(f"DROP TABLE IF EXISTS {fts}")
