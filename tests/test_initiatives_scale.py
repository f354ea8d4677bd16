"""The initiative list at 100,000 initiatives on PostgreSQL: the page statement the app really
sends for each filter and sort is planned on an index, never by reading the table through.

The rows are made in the database (generate_series), then analyzed, so the planner sees the
real sizes; no planner setting is changed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, text

from registry.extensions import db

pytestmark = pytest.mark.postgres_only

INITIATIVES = 100_000
STAKEHOLDERS = 2_000
SECTORS = ["civil_society", "grassroots", "local_government", "un_system", "academia"]
KINDS = ["programme", "project", "coalition", "policy_process", "campaign", "knowledge_platform"]
STATUSES = ["planned", "active", "completed", "discontinued"]
COUNTRIES = ["KE", "FR", "KR", "CN", "BR", "IN", "NG", "MX", "ID", "ZA"]


@pytest.fixture
def large(app) -> None:
    with app.app_context():
        db.session.execute(
            text(
                "INSERT INTO stakeholder (id, name, sector_code, scale, description, status, "
                "country_rank, sector_rank, is_demo, created_at, updated_at, version) "
                "SELECT g, 'Stakeholder ' || g, (CAST(:sectors AS text[]))[1 + g % 5], "
                "'local', '', 'approved', 0, 0, true, now(), now(), 1 "
                "FROM generate_series(1, :n) g"
            ),
            {"n": STAKEHOLDERS, "sectors": SECTORS},
        )
        db.session.execute(
            text(
                "INSERT INTO initiative (id, title, kind, status, summary, starts_on, is_demo, "
                "created_at, updated_at, version) "
                "SELECT g, 'Initiative ' || md5(g::text), "
                "(CAST(:kinds AS text[]))[1 + g % 6], (CAST(:statuses AS text[]))[1 + g % 4], '', "
                "DATE '2000-01-01' + (g % 9000), true, now() - (g || ' minutes')::interval, "
                "now(), 1 FROM generate_series(1, :n) g"
            ),
            {"n": INITIATIVES, "kinds": KINDS, "statuses": STATUSES},
        )
        db.session.execute(
            text(
                "INSERT INTO initiative_country (initiative_id, code) "
                "SELECT g, (CAST(:countries AS text[]))[1 + g % 10] FROM generate_series(1, :n) g"
            ),
            {"n": INITIATIVES, "countries": COUNTRIES},
        )
        db.session.execute(
            text(
                "INSERT INTO partnership (initiative_id, stakeholder_id, role, basis, status, "
                "message, comment, created_at, updated_at, version) "
                "SELECT g, 1 + (g * 7 + k) % :s, 'participant', 'informal', 'active', '', '', "
                "now(), now(), 1 FROM generate_series(1, :n) g, generate_series(0, 1) k"
            ),
            {"n": INITIATIVES, "s": STAKEHOLDERS},
        )
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()


@contextmanager
def page_statement(app) -> Iterator[list[tuple[str, object]]]:
    """The statements (with parameters) that a request sends."""
    seen: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


QUERIES = [
    "",
    "sort=start",
    "sort=newest",
    "sort=title&dir=desc",
    "kind=coalition",
    "status=planned",
    "kind=campaign&sort=start",
    "country=KE",
    "partner=17",
    "sector=grassroots",
    "q=ab12",
]


def plan_of(app, client, query: str) -> str:
    """The plan of the page statement that ``/initiatives/?query`` sends."""
    with page_statement(app) as seen:
        response = client.get(f"/initiatives/?{query}")
    assert response.status_code == 200
    pages = [
        (statement, parameters)
        for statement, parameters in seen
        if statement.lstrip().upper().startswith("SELECT")
        and "FROM initiative" in statement
        and "LIMIT" in statement
        and "count(" not in statement
    ]
    assert pages, seen
    statement, parameters = pages[0]
    with app.app_context():
        connection = db.session.connection()
        plan = "\n".join(
            row[0] for row in connection.exec_driver_sql("EXPLAIN " + statement, parameters)
        )
        db.session.rollback()
    return plan


def test_every_filter_and_sort_reads_an_index_at_100k(app, client, large):
    """One fill for all the queries: 100k initiatives, their countries, 200k partnerships."""
    read_through = {}
    for query in QUERIES:
        plan = plan_of(app, client, query)
        if "Seq Scan on initiative " in plan + " " or "Index" not in plan:
            read_through[query] = plan
    assert read_through == {}
