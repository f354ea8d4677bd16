"""Time the public stakeholder pages on a synthetic registry of N rows.

    .venv/bin/python bench/stakeholders_list.py --rows 100000 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench
    .venv/bin/python bench/stakeholders_list.py --rows 10000 --sqlite

The database is created when missing and its schema rebuilt by the app's migrations, then
filled by ``registry.generate`` (a rerun with the same row count reuses the rows). Each page
is requested through the Flask test client, in process and without a network: a few warm-up
requests, then up to K timed ones. The table gives the median and 95th percentile wall time,
the SQL statements per request and the time spent in them; it is printed and written to
``bench/results/``. See bench/README.md for what each line measures.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import secrets
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import event, func, make_url, or_, select, text
from sqlalchemy.exc import DBAPIError

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run as a script from the repository: find ``registry``
RESULTS = HERE / "results"
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench"
BENCH_EMAIL = "bench-community@bench.example"
BENCH_PASSWORD = "bench-password-not-a-secret"  # noqa: S105 - a throwaway benchmark account


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000, help="stakeholder rows (10000)")
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"({DEFAULT_URL})")
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page (30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first (3)")
    parser.add_argument(
        "--budget", type=float, default=15.0, help="seconds per page at most, then stop (15)"
    )
    parser.add_argument("--seed", type=int, default=0, help="generator seed (0)")
    parser.add_argument("--rebuild", action="store_true", help="regenerate even if reusable")
    parser.add_argument("--no-write", action="store_true", help="print only, write no file")
    return parser.parse_args(argv)


# --- the database ---------------------------------------------------------------------------


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database when missing. Only a database with "bench" in its
    name is ever touched: the schema is dropped, and ``test`` belongs to the test runs."""
    import psycopg
    from psycopg import sql

    parsed = make_url(url)
    name = parsed.database or ""
    if "bench" not in name:
        sys.exit(f"refusing database {name!r}: its schema is dropped, use one named *bench*")
    conninfo = {
        "host": parsed.host,
        "port": parsed.port,
        "user": parsed.username,
        "password": parsed.password,
        "dbname": "postgres",
    }
    conninfo = {key: value for key, value in conninfo.items() if value is not None}
    with psycopg.connect(**conninfo, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not found:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")


def make_app(url: str):
    # The app's own settings for this URL (JIT off on PostgreSQL), as a deployment gets them.
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
    from registry import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "PROPAGATE_EXCEPTIONS": True,  # a failing page stops the run, never gets timed
            "WTF_CSRF_ENABLED": False,  # only to log the benchmark user in with a plain POST
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 64,
            "ARGON2_PARALLELISM": 1,
        }
    )


def _at_head() -> bool:
    """Whether the database carries the migrations' current head."""
    from alembic.script import ScriptDirectory
    from flask import current_app

    from registry.extensions import db

    config = current_app.extensions["migrate"].migrate.get_config()
    head = ScriptDirectory.from_config(config).get_current_head()
    try:
        current = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    except DBAPIError:
        db.session.rollback()
        return False
    return current == head


def _reset_schema() -> None:
    from flask_migrate import upgrade

    from registry.extensions import db
    from registry.taxonomy import sync_taxonomy

    db.session.remove()
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    upgrade()
    sync_taxonomy()
    db.session.commit()


def prepare(app, rows: int, seed: int, rebuild: bool) -> str:
    """The schema at head with ``rows`` generated stakeholders; returns how they got there."""
    from registry.extensions import db
    from registry.generate import generate_stakeholders
    from registry.models import Stakeholder

    with app.app_context():
        if not rebuild and _at_head():
            have = db.session.scalar(select(func.count()).select_from(Stakeholder))
            if have == rows:
                return f"reused {rows:,} rows already in the database"
        _reset_schema()
        started = time.perf_counter()
        generate_stakeholders(rows, seed=seed)
        db.session.commit()
        took = time.perf_counter() - started
        if db.engine.dialect.name == "postgresql":
            # What autovacuum would soon do: a visibility map for index-only scans.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE stakeholder"))
                conn.execute(text("VACUUM ANALYZE stakeholder_constituency"))
        return f"generated {rows:,} rows (seed {seed}) in {took:.1f} s, {rows / took:,.0f} rows/s"


def ensure_user(app) -> None:
    from registry.extensions import db
    from registry.models import Role, User
    from registry.passwords import hash_password

    with app.app_context():
        if db.session.scalar(select(User).where(User.email == BENCH_EMAIL)) is None:
            db.session.add(
                User(
                    email=BENCH_EMAIL,
                    name="Benchmark Community User",
                    role=Role.COMMUNITY,
                    password_hash=hash_password(BENCH_PASSWORD),
                )
            )
            db.session.commit()


# --- what to ask for ------------------------------------------------------------------------


def _typo(name: str) -> str:
    """The name with two letters of its longest word swapped, as a hurried typist would."""
    words = name.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    middle = len(word) // 2
    words[longest] = word[: middle - 1] + word[middle] + word[middle - 1] + word[middle + 1 :]
    return " ".join(words)


def _matches(word: str) -> int:
    """Approved rows the list's ``q`` filter finds for ``word`` (the same condition)."""
    from registry.extensions import db
    from registry.models import Stakeholder, Status

    pattern = f"%{word}%"
    return db.session.scalar(
        select(func.count()).where(
            Stakeholder.status == Status.APPROVED,
            or_(Stakeholder.name.ilike(pattern), Stakeholder.acronym.ilike(pattern)),
        )
    )


def _rows_match(count: int) -> str:
    return f"{count:,} {'row matches' if count == 1 else 'rows match'}"


@dataclass
class Case:
    what: str
    path: str
    logged_in: bool = False
    headers: dict[str, str] = field(default_factory=dict)


def cases(app) -> list[Case]:
    from registry.extensions import db
    from registry.generate import vocabulary
    from registry.models import Stakeholder, Status

    with app.app_context():
        approved = Stakeholder.status == Status.APPROVED
        country = db.session.scalar(
            select(Stakeholder.country)
            .where(approved, Stakeholder.country.is_not(None))
            .group_by(Stakeholder.country)
            .order_by(func.count().desc())
            .limit(1)
        )
        ids = select(Stakeholder.id).where(approved).order_by(Stakeholder.id)
        middle = db.session.scalar(select(func.count()).where(approved)) // 2
        sample = db.session.scalars(
            select(Stakeholder.name).where(approved).order_by(Stakeholder.id).offset(middle)
        ).fetchmany(300)
        detail_id = db.session.scalar(ids.offset(middle).limit(1))
        # The rarest vocabulary word in a few real names: a search that finds a handful.
        rank = {word: index for index, word in enumerate(vocabulary())}
        words = {w.lower() for n in sample for w in n.split()}
        rare = max(words, key=lambda w: (rank.get(w, -1), w))
        common = vocabulary()[0]
        similar_name = _typo(next(n for n in sample if len(n.split()) >= 3))
        hits_common, hits_rare = _matches(common), _matches(rare)

    def q(**args: object) -> str:
        return "/stakeholders/?" + urlencode(args)

    return [
        Case("list, default (by name)", "/stakeholders/"),
        Case(
            "list, default, htmx results block",
            "/stakeholders/",
            headers={"HX-Request": "true", "HX-Target": "results"},
        ),
        Case("list, sector=grassroots", q(sector="grassroots")),
        Case(
            f"list, sector=grassroots & country={country}", q(sector="grassroots", country=country)
        ),
        Case(f"list, q={common} ({_rows_match(hits_common)})", q(q=common)),
        Case(f"list, q={rare} ({_rows_match(hits_rare)})", q(q=rare)),
        Case("list, page=200 (OFFSET 4975)", q(page=200)),
        Case("list, sort=newest", q(sort="newest")),
        Case("list, sort=country", q(sort="country")),
        Case(f"detail /stakeholders/{detail_id}", f"/stakeholders/{detail_id}"),
        Case(
            f"similar ?name={similar_name} (logged in)",
            "/stakeholders/similar?" + urlencode({"name": similar_name}),
            logged_in=True,
        ),
        Case("home /", "/"),
    ]


# --- measuring ------------------------------------------------------------------------------


@dataclass
class Result:
    what: str
    times: list[float]
    statements: list[int]
    sql_times: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def p95(self) -> float:  # nearest rank
        ordered = sorted(self.times)
        return ordered[math.ceil(0.95 * len(ordered)) - 1]


@contextmanager
def sql_meter(app) -> Iterator[dict]:
    """Counts the statements and the time spent executing them, until reset."""
    from registry.extensions import db

    meter = {"count": 0, "seconds": 0.0}

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("bench_started", []).append(time.perf_counter())
        meter["count"] += 1

    def after(conn, cursor, statement, parameters, context, executemany):
        meter["seconds"] += time.perf_counter() - conn.info["bench_started"].pop()

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield meter
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


def measure(app, client, case: Case, meter: dict, args: argparse.Namespace) -> Result:
    def get() -> None:
        response = client.get(case.path, headers=case.headers)
        if response.status_code != 200:
            sys.exit(f"{case.what}: {case.path} answered {response.status_code}")

    for _ in range(args.warmup):
        get()
    result = Result(case.what, [], [], [])
    deadline = time.perf_counter() + args.budget
    while len(result.times) < args.requests and (
        time.perf_counter() < deadline or len(result.times) < 5
    ):
        meter.update(count=0, seconds=0.0)
        started = time.perf_counter()
        get()
        result.times.append(time.perf_counter() - started)
        result.statements.append(meter["count"])
        result.sql_times.append(meter["seconds"])
    return result


def log_in(client) -> None:
    response = client.post("/login", data={"email": BENCH_EMAIL, "password": BENCH_PASSWORD})
    if response.status_code != 303:
        sys.exit(f"benchmark user could not log in: {response.status_code}")


# --- reporting ------------------------------------------------------------------------------


def _meminfo() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024**2:.0f} GB RAM"
    except OSError:
        pass
    return "RAM unknown"


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _code() -> str:
    """Which code was measured: the commit, and whether the working tree differed from it."""
    import subprocess

    def git(*args: str) -> str:
        try:
            done = subprocess.run(  # noqa: S603 - fixed arguments
                ["git", *args],  # noqa: S607 - git from PATH
                cwd=HERE.parent,
                capture_output=True,
                text=True,
                check=True,
            )
        except (OSError, subprocess.CalledProcessError):
            return ""
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = len(git("status", "--porcelain", "--untracked-files=no").splitlines())
    return f"code: commit {commit}" + (f" with {changed} files changed" if changed else "")


def _load() -> str:
    """The 1-minute load average: other work on a shared machine shows up in the p95."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "unknown"


def machine(app) -> list[str]:
    from registry.extensions import db
    from registry.models import Stakeholder, Status

    lines = [
        f"machine: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {_cpu()}, "
        f"{_meminfo()}",
        f"python {platform.python_version()}, {platform.platform()}",
        _code(),
    ]
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(Stakeholder))
        approved = db.session.scalar(
            select(func.count()).where(Stakeholder.status == Status.APPROVED)
        )
        lines.insert(0, f"rows: {total:,} stakeholders, {approved:,} approved")
        if db.engine.dialect.name == "postgresql":
            version = db.session.scalar(text("SHOW server_version"))
            settings = ", ".join(
                f"{name}={db.session.scalar(text(f'SHOW {name}'))}"
                for name in ("shared_buffers", "work_mem", "jit", "random_page_cost")
            )
            size = db.session.scalar(
                text("SELECT pg_size_pretty(pg_total_relation_size('stakeholder'))")
            )
            lines.append(f"database: PostgreSQL {version} ({settings}); stakeholder {size}")
        else:
            lines.append(f"database: SQLite {sqlite3.sqlite_version} (temporary file)")
    return lines


def table(results: list[Result]) -> list[str]:
    width = max(len(r.what) for r in results)
    header = f"| {'what':<{width}} | median ms | p95 ms | SQL/req | SQL ms | n |"
    rule = f"| {'-' * width} | --------: | -----: | ------: | -----: | -: |"
    lines = [header, rule]
    for r in results:
        statements = sorted(set(r.statements))
        counted = (
            str(statements[0]) if len(statements) == 1 else f"{min(statements)}-{max(statements)}"
        )
        lines.append(
            f"| {r.what:<{width}} | {r.median * 1000:9.1f} | {r.p95 * 1000:6.1f} "
            f"| {counted:>7} | {statistics.median(r.sql_times) * 1000:6.1f} | {len(r.times):>2} |"
        )
    return lines


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    started, load_before = time.perf_counter(), _load()
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        if args.sqlite:
            url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        else:
            url = args.database_url
            ensure_database(url)
        app = make_app(url)
        how = prepare(app, args.rows, args.seed, args.rebuild)
        print(how)
        ensure_user(app)
        anonymous, member = app.test_client(), app.test_client()
        log_in(member)
        results = []
        with sql_meter(app) as meter:
            for case in cases(app):
                result = measure(app, member if case.logged_in else anonymous, case, meter, args)
                print(f"  {case.what}: {result.median * 1000:.1f} ms", flush=True)
                results.append(result)
        report = [
            f"# stakeholders_list, {args.rows:,} rows, "
            f"{datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
            "",
            *machine(app),
            how,
            f"requests: {args.warmup} warm-up, then up to {args.requests} timed per page "
            f"(at most {args.budget:g} s each), Flask test client in process",
            "",
            *table(results),
            "",
            f"whole run: {time.perf_counter() - started:.0f} s; "
            f"load average (1 min) {load_before} at the start, {_load()} at the end",
        ]
        with app.app_context():
            from registry.extensions import db

            db.engine.dispose()
    print("\n".join(report))
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        suffix = "-sqlite" if args.sqlite else ""
        path = RESULTS / f"stakeholders_list-{args.rows}{suffix}.txt"
        path.write_text("\n".join(report) + "\n")
        print(f"written to {path.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
