"""The commitment list at 100,000 commitments on PostgreSQL: the page statement the app really
sends for each light, the slipped filter, the alignment filters and each sort is planned on an
index, never by reading the commitment table through.

The rows are made in the database (generate_series) with a realistic mix of lights (most on
track, some overdue, fewer inactive, a tenth completed, drafts and submitted ones besides),
then analyzed, so the planner sees the real sizes; no planner setting is changed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import event, text

from registry.extensions import db

pytestmark = pytest.mark.postgres_only

COMMITMENTS = 100_000
STAKEHOLDERS = 5_000
SECTORS = ["civil_society", "grassroots", "local_government", "un_system", "academia"]
COUNTRIES = ["KE", "FR", "KR", "CN", "BR", "IN", "NG", "MX", "ID", "ZA"]
NOW = datetime(2027, 6, 1, 12, tzinfo=UTC)


@pytest.fixture
def large(app, framework_items) -> dict[str, int]:
    """100k commitments; g % 100 decides the state: 0-4 draft or submitted, 5-14 completed,
    15-24 inactive (last activity 25-40 months ago), 25-44 overdue (13-23 months), the rest on
    track; one in eight open ones has a deliverable past its due date. Each is aligned to one
    of the fixture's SDG targets."""
    with app.app_context():
        db.session.execute(
            text(
                "INSERT INTO stakeholder (id, name, sector_code, country, scale, description, "
                "status, country_rank, sector_rank, is_demo, created_at, updated_at, version) "
                "SELECT 1000 + g, 'Stakeholder ' || g, (CAST(:sectors AS text[]))[1 + g % 5], "
                "(CAST(:countries AS text[]))[1 + g % 10], 'local', '', 'approved', 0, 0, true, "
                "now(), now(), 1 FROM generate_series(1, :n) g"
            ),
            {"n": STAKEHOLDERS, "sectors": SECTORS, "countries": COUNTRIES},
        )
        db.session.execute(
            text(
                "INSERT INTO commitment (id, stakeholder_id, title, description, status, "
                "approved_at, last_activity_on, completed_on, next_due_on, progress, "
                "deliverable_count, is_demo, created_at, updated_at, version) "
                "SELECT g, 1001 + g % :s, 'Commitment ' || md5(g::text), '', "
                "CASE WHEN g % 100 < 3 THEN 'draft' WHEN g % 100 < 5 THEN 'submitted' "
                "ELSE 'approved' END, "
                "CASE WHEN g % 100 >= 5 THEN TIMESTAMPTZ '2024-01-01' + (g % 1200) * "
                "INTERVAL '1 day' END, "
                "CASE WHEN g % 100 < 5 THEN NULL "
                "WHEN g % 100 < 25 THEN DATE '2027-06-01' - 760 - (g % 450) "
                "WHEN g % 100 < 45 THEN DATE '2027-06-01' - 400 - (g % 300) "
                "ELSE DATE '2027-06-01' - (g % 360) END, "
                "CASE WHEN g % 100 BETWEEN 5 AND 14 THEN DATE '2026-01-01' + (g % 500) END, "
                "CASE WHEN g % 100 >= 15 THEN DATE '2027-06-01' + "
                "CASE WHEN g % 8 = 0 THEN -(g % 200) - 1 ELSE (g % 700) END END, "
                "g % 101, 1 + g % 5, true, now(), now(), 1 FROM generate_series(1, :n) g"
            ),
            {"n": COMMITMENTS, "s": STAKEHOLDERS},
        )
        targets = [framework_items[code] for code in ("11.1", "11.3", "6.2")]
        db.session.execute(
            text(
                "INSERT INTO commitment_alignment (commitment_id, item_id) "
                "SELECT g, (CAST(:items AS int[]))[1 + g % 3] FROM generate_series(1, :n) g"
            ),
            {"n": COMMITMENTS, "items": targets},
        )
        db.session.execute(
            text(
                "INSERT INTO deliverable (commitment_id, position, title, due_on) "
                "SELECT g, 0, 'Deliverable', DATE '2027-01-01' + (g % 900) "
                "FROM generate_series(1, :n) g"
            ),
            {"n": COMMITMENTS},
        )
        db.session.execute(text("SELECT setval('commitment_id_seq', :n)"), {"n": COMMITMENTS})
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    return framework_items


@contextmanager
def recorded(app) -> Iterator[list[tuple[str, object]]]:
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
    "sort=title&dir=desc",
    "sort=newest",
    "sort=newest&dir=asc",
    "sort=activity",
    "sort=activity&dir=desc",
    "light=on_track",
    "light=overdue",
    "light=inactive",
    "light=completed",
    "light=overdue&sort=activity",
    "light=completed&sort=newest",
    "slipped=1",
    "slipped=1&sort=activity",
    "stakeholder=1017",
    "stakeholder=1017&sort=newest",
    "target=11.3",
    "goal=6",
    "sector=grassroots",
    "country=KE",
]


def plans_of(app, client, query: str) -> tuple[str, list[str]]:
    """The plan of the page statement that ``/commitments/?query`` sends, and the plans of
    its counting statements."""
    with recorded(app) as seen, time_machine.travel(NOW, tick=False):
        response = client.get(f"/commitments/?{query}")
    assert response.status_code == 200
    reads = [
        (statement, parameters)
        for statement, parameters in seen
        if statement.lstrip().upper().startswith(("SELECT", "WITH"))
        and "FROM commitment" in statement
    ]
    pages = [
        (statement, parameters)
        for statement, parameters in reads
        if "LIMIT" in statement and "count(" not in statement
    ]
    assert pages, seen
    counting = [(s, p) for s, p in reads if "count(" in s]
    with app.app_context():
        connection = db.session.connection()

        def explain(statement, parameters) -> str:
            rows = connection.exec_driver_sql("EXPLAIN " + statement, parameters)
            return "\n".join(row[0] for row in rows)

        page = explain(*pages[0])
        counts = [explain(*found) for found in counting]
        db.session.rollback()
    return page, counts


def test_every_filter_and_sort_reads_an_index_at_100k(app, client, large, capsys):
    """One fill for all the queries: 100k commitments, their alignment and deliverables."""
    read_through, unbounded, used = {}, {}, {}
    for query in QUERIES:
        plan, counts = plans_of(app, client, query)
        used[query] = sorted(
            {
                word
                for line in plan.splitlines()
                for word in line.replace("(", " ").split()
                if word.startswith(("ix_", "pk_"))
            }
        )
        if "Seq Scan on commitment " in plan + " " or "Index" not in plan:
            read_through[query] = plan
        # The counts read at most CAP + 1 matching rows, however many there are.
        for count_plan in counts:
            if "Limit" not in count_plan:
                unbounded[query] = count_plan
    with capsys.disabled():
        for query, indexes in used.items():
            print(f"  {query or '(default)'}: {', '.join(indexes)}")
    assert read_through == {}
    assert unbounded == {}
