"""Time the full downloads of the stakeholder list beside a bare server-side cursor + csv loop.

    .venv/bin/python bench/exports.py --rows 100000 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_exports

In one process, one after the other on the same rows: the bare floor (psycopg named cursor,
10,000 rows per fetch, ``csv.writer`` into a byte counter: the same SQL the app runs, and the
stakeholder table's plain columns alone), then the app's CSV, JSON and Excel downloads read
through the test client chunk by chunk (nothing kept). For each: rows/s, and the peak
resident memory above what the process held before it (sampled every 5 ms from
/proc/self/statm). The database is prepared as bench/stakeholders_list.py does (only one with
"bench" in its name; the generated rows are reused when the count matches).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ensure_database, make_app
from stakeholders_list import prepare

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE


class Peak:
    """The highest RSS seen while a block runs, above the RSS at its start."""

    def __enter__(self) -> Peak:
        self.start = rss()
        self.high = self.start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def _watch(self) -> None:
        while not self._stop.wait(0.005):
            self.high = max(self.high, rss())

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.high = max(self.high, rss())

    @property
    def growth_mb(self) -> float:
        return (self.high - self.start) / 2**20


class Counter:
    """A file that only counts what is written to it."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, text: str) -> int:
        self.size += len(text)
        return len(text)


def bare(url: str, sql: str) -> tuple[int, int]:
    if url.startswith("sqlite:///"):
        return bare_sqlite(url, sql)
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    out = Counter()
    writer = csv.writer(out)
    rows = 0
    with psycopg.connect(dsn, options="-c jit=off") as conn, conn.cursor(name="bare") as cur:
        cur.itersize = 10_000
        cur.execute(sql)
        while batch := cur.fetchmany(10_000):
            writer.writerows(batch)
            rows += len(batch)
    return rows, out.size


def bare_sqlite(url: str, sql: str) -> tuple[int, int]:
    """SQLite's floor: a plain cursor read 10,000 rows at a time into ``csv.writer``."""
    import sqlite3

    out = Counter()
    writer = csv.writer(out)
    rows = 0
    conn = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        cur = conn.execute(sql)
        while batch := cur.fetchmany(10_000):
            writer.writerows(batch)
            rows += len(batch)
    finally:
        conn.close()
    return rows, out.size


def app_download(client, path: str) -> tuple[int, int]:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    size = 0
    for chunk in response.response:
        size += len(chunk)
    response.close()
    return -1, size


def timed(label: str, rows: int, run: Callable[[], tuple[int, int]]) -> dict:
    with Peak() as peak:
        started = time.perf_counter()
        counted, size = run()
        took = time.perf_counter() - started
    rows = counted if counted >= 0 else rows
    result = {
        "what": label,
        "rows": rows,
        "seconds": took,
        "rows_per_s": rows / took,
        "mb": size / 2**20,
        "rss_growth_mb": peak.growth_mb,
    }
    print(
        f"{label:<44} {rows:>9,} rows {took:7.2f} s {rows / took:>10,.0f} rows/s "
        f"{size / 2**20:8.1f} MB out  peak RSS +{peak.growth_mb:6.1f} MB",
        flush=True,
    )
    return result


def floor_sql(app, table) -> tuple[str, int]:
    """The SQL the app's download of ``table`` runs (every public row, with its computed
    columns), as text for the bare cursor, and how many rows it gives."""
    from sqlalchemy import func, select

    from registry.exports.columns import context, everything, statement
    from registry.extensions import db

    with app.app_context():
        stmt = statement(table, everything(table), context())
        sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
        public = db.session.scalar(
            select(func.count())
            .select_from(everything(table).listing.model)
            .where(*everything(table).where())
        )
    return sql, public


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench_exports"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--formats", default="csv,json,xlsx")
    args = parser.parse_args(argv)

    ensure_database(args.database_url)
    app = make_app(args.database_url)
    app.config.update(RATELIMIT_ENABLED=False, PAGE_CACHE_URL="", EXPORT_SLOTS_URL="")
    print(prepare(app, args.rows, args.seed, args.rebuild), flush=True)

    from registry.exports.columns import STAKEHOLDERS

    sql, public = floor_sql(app, STAKEHOLDERS)
    plain = (
        "SELECT id, name, acronym, sector_code, country, city, scale, website, "
        "org_identifier, description, approved_at FROM stakeholder "
        "WHERE status = 'approved' ORDER BY name, id"
    )
    client = app.test_client()
    print(f"{public:,} approved stakeholders of {args.rows:,}; RSS {rss() / 2**20:.0f} MB")
    results = [
        timed("bare: cursor + csv, the app's SQL", public, lambda: bare(args.database_url, sql)),
        timed("bare: cursor + csv, plain columns", public, lambda: bare(args.database_url, plain)),
    ]
    for fmt in args.formats.split(","):
        path = f"/stakeholders/export.{fmt}"
        results.append(timed(f"app: {path}", public, lambda p=path: app_download(client, p)))
    floor = results[0]["rows_per_s"]
    for result in results[2:]:
        print(f"{result['what']:<44} {result['rows_per_s'] / floor:6.0%} of the bare floor")


if __name__ == "__main__":
    main()
