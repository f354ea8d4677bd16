"""Writing generated rows in bulk, around the ORM: ids reserved up front, COPY on PostgreSQL
(``executemany`` on SQLite), and the indexes of the tables written dropped before and built
once after, the one place that knows which indexes those are."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import Connection, Table, func, insert, select, text

from registry.database import POSTGRESQL_ONLY_INDEXES

# Building the indexes after the load: a sort per index, in memory rather than on disk.
MAINTENANCE_WORK_MEM = "1GB"


def postgresql(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def first_id(conn: Connection, table: Table, n: int) -> int:
    """Reserve ``n`` ids of ``table``: after its largest row and, on PostgreSQL, after its
    sequence, which is moved past them first so that a row the app inserts meanwhile cannot
    take one of them."""
    largest = conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
    if not postgresql(conn):
        return largest + 1
    sequence = conn.execute(
        text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name}
    ).scalar()
    if sequence is None:
        return largest + 1
    last = conn.execute(
        text("SELECT pg_sequence_last_value(CAST(:seq AS regclass))"), {"seq": sequence}
    ).scalar()
    first = max(largest, last or 0) + 1
    if n > 0:
        conn.execute(
            text("SELECT setval(CAST(:seq AS regclass), :value)"),
            {"seq": sequence, "value": first + n - 1},
        )
    return first


def write(conn: Connection, table: Table, columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """Write ``rows`` (tuples in ``columns`` order) into ``table``; return how many."""
    rows = rows if isinstance(rows, list) else list(rows)
    if not rows:
        return 0
    if postgresql(conn):
        from psycopg import sql

        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        driver = conn.connection.driver_connection
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            write_row = copy.write_row
            for row in rows:
                write_row(row)
    else:
        # Through SQLAlchemy's types (dates as SQLite stores them), as one executemany.
        conn.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])
    return len(rows)


def _model_indexes(tables: Sequence[Table]) -> list:
    """The indexes the models declare on ``tables`` (not the keys nor unique constraints)."""
    return [index for table in tables for index in sorted(table.indexes, key=lambda i: i.name)]


def _postgresql_only(conn: Connection, tables: Sequence[Table]) -> dict[str, str]:
    """The migrations' PostgreSQL-only indexes on ``tables`` that exist now (full-text,
    trigram, prefix): the others are left alone, however big their tables."""
    names = {table.name for table in tables}
    present = set(conn.execute(text("SELECT indexname FROM pg_indexes")).scalars())
    return {
        name: on
        for name, on in POSTGRESQL_ONLY_INDEXES.items()
        if name in present and on.split()[0] in names
    }


def _foreign_keys(conn: Connection, tables: Sequence[Table]) -> list[tuple[str, str, str]]:
    """The foreign keys of ``tables`` as the database has them: (table, name, definition)."""
    stmt = text(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid::regclass::text = ANY(:tables) ORDER BY 1, 2"
    )
    names = [f'"{table.name}"' if table.name == "user" else table.name for table in tables]
    return [tuple(row) for row in conn.execute(stmt, {"tables": names})]


@contextmanager
def without_indexes(conn: Connection, tables: Sequence[Table]) -> Iterator[None]:
    """On PostgreSQL, drop the secondary indexes of ``tables`` (the models' and the
    migrations' own) and their foreign keys for the block, then build each index once, add
    the foreign keys back (each checked over every row in one join, where COPY checked and
    locked the referenced row one row at a time) and ANALYZE the tables. Keeping a dozen
    indexes current row by row made a million rows take minutes instead of seconds.
    Elsewhere (SQLite, small runs) all stays. In the caller's transaction: a failure rolls
    the drops back with the rows."""
    if not postgresql(conn) or not tables:
        yield
        return
    indexes = _model_indexes(tables)
    only_here = _postgresql_only(conn, tables)
    foreign_keys = _foreign_keys(conn, tables)
    for table, name, _definition in foreign_keys:
        conn.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
    for index in indexes:
        conn.execute(text(f'DROP INDEX IF EXISTS "{index.name}"'))
    for name in only_here:
        conn.execute(text(f'DROP INDEX IF EXISTS "{name}"'))
    yield
    conn.execute(text(f"SET LOCAL maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'"))
    for index in indexes:
        index.create(conn)
    for name, on in only_here.items():
        conn.execute(text(f'CREATE INDEX "{name}" ON {on}'))
    for table, name, definition in foreign_keys:
        conn.execute(text(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'))
    # Fresh statistics, or the planner guesses from an empty table and the benchmark lies.
    for table in tables:
        conn.execute(text(f'ANALYZE "{table.name}"'))
