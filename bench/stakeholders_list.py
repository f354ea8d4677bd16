"""Time the public stakeholder pages under gunicorn, beside a bare floor, on N rows.

    .venv/bin/python bench/stakeholders_list.py --rows 100000 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench
    .venv/bin/python bench/stakeholders_list.py --rows 10000 --sqlite

The database is created when missing and its schema rebuilt by the app's migrations, then
filled by ``registry.generate`` (a rerun with the same row count reuses the rows). Two
gunicorn servers with the same settings (2 sync workers) then serve the registry
(``wsgi:app``) and the bare floor (``bench/bare.py``: one raw query per page). Each timed
request to the registry is followed by one to the floor, so both see the same machine; every
figure is reported with its ratio to the floor. Then come throughput of the detail page
against the floor's, the statements each page runs (counted in process), how many name
suggestions came back empty, and the workers' memory before and after. The report is printed
and written to ``bench/results/``; bench/results.md keeps the runs worth keeping.
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import platform
import random
import re
import secrets
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import event, func, make_url, or_, select, text
from sqlalchemy.exc import DBAPIError

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # run as a script from the repository: find ``registry``
RESULTS = HERE / "results"
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench"
BENCH_EMAIL = "bench-community@bench.example"
BENCH_PASSWORD = "bench-password-not-a-secret"  # noqa: S105 - a throwaway benchmark account
APP_PORT, BARE_PORT = 5391, 5392
SIMILAR_MARK = '<div class="similar">'


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000, help="stakeholder rows (10000)")
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"({DEFAULT_URL})")
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead")
    parser.add_argument("--requests", type=int, default=60, help="timed requests per page (60)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests first (5)")
    parser.add_argument("--seconds", type=float, default=8.0, help="throughput run length (8)")
    parser.add_argument("--clients", type=int, default=4, help="throughput client threads (4)")
    parser.add_argument("--seed", type=int, default=0, help="generator seed (0)")
    parser.add_argument("--rebuild", action="store_true", help="regenerate even if reusable")
    parser.add_argument(
        "--page-cache",
        default="",
        help="Redis URL for the registry's shared page cache (off unless given; emptied first)",
    )
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


# --- helpers -------------------------------------------------------------------------------


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


# --- the servers ----------------------------------------------------------------------------


@contextmanager
def gunicorn(app_path: str, port: int, env: dict[str, str]) -> Iterator[subprocess.Popen]:
    """``app_path`` under gunicorn with 2 sync workers on 127.0.0.1:``port``, until the end."""
    binary = Path(sys.executable).with_name("gunicorn")
    command = [
        str(binary),
        "-w",
        "2",
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        app_path,
    ]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env})  # noqa: S603
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    sys.exit(f"{app_path} did not start on port {port}")
                time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        process.wait(30)


def workers_rss_mb(process: subprocess.Popen) -> float:
    """Resident memory of the server's worker processes together, in MB."""
    total = 0
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


class Client:
    """A plain HTTP client with a cookie jar: a new connection per request, as a sync
    gunicorn worker closes each one."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, headers: dict | None = None, body: str = ""):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        conn.request(method, path, body=body or None, headers=sent)
        response = conn.getresponse()
        data = response.read()
        took = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        conn.close()
        return response.status, data.decode("utf-8", "replace"), took

    def get(self, path: str, headers: dict | None = None):
        return self.request("GET", path, headers)

    def log_in(self) -> None:
        _status, html, _took = self.get("/login")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        form = urlencode({"email": BENCH_EMAIL, "password": BENCH_PASSWORD, "csrf_token": token})
        status, _html, _took = self.request("POST", "/login", body=form)
        if status != 303:
            sys.exit(f"benchmark user could not log in over HTTP: {status}")


# --- what to ask for ------------------------------------------------------------------------


@dataclass
class Case:
    what: str
    paths: list[str]  # one per request, cycled (several inputs of the same kind)
    target_ms: float  # p95 target from the issue (p99 for the detail page)
    logged_in: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    suggestions: bool = False  # count empty answers
    bare: str = "/detail"


def _sample(app, size: int = 400) -> dict:
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
        total = db.session.scalar(select(func.count()).select_from(Stakeholder))
        rng = random.Random(7)  # noqa: S311 - a reproducible sample, nothing secret
        ids = sorted(rng.sample(range(1, total + 1), min(size, total)))
        rows = db.session.execute(
            select(Stakeholder.id, Stakeholder.name).where(approved, Stakeholder.id.in_(ids))
        ).all()
        rank = {word: index for index, word in enumerate(vocabulary())}
        words = {w.lower() for _id, n in rows for w in n.split()}
        rare = max(words, key=lambda w: (rank.get(w, -1), w))
        common = vocabulary()[0]
        hits = {common: _matches(common), rare: _matches(rare)}
    return {
        "country": country,
        "rows": rows,
        "rare": rare,
        "common": common,
        "hits": hits,
        "head": set(vocabulary()[:150]),
    }


def _suggestion_inputs(sample: dict, count: int = 40) -> dict[str, list[str]]:
    """Inputs of each kind the issue names, each with a real match in the registry."""
    rng = random.Random(11)  # noqa: S311 - reproducible inputs
    names = [name for _id, name in sample["rows"]]
    long_names = [n for n in names if len(n.split()) >= 3]
    head = sample["head"]
    common_only = [n for n in names if all(w.lower() in head for w in n.split())] or names
    prefixes = [" ".join(n.split()[:1]) + " " + n.split()[1][:3] for n in long_names]
    fill = sorted(head)

    def padded(name: str) -> str:
        words = [name]
        while len(" ".join(words)) < 200:
            words.append(rng.choice(fill))
        return " ".join(words)[:200]

    return {
        "common prefix": prefixes[:count],
        "typo of a real name": [_typo(n) for n in long_names[:count]],
        "common words, another order": [" ".join(reversed(n.split())) for n in common_only[:count]],
        "200 characters": [padded(n) for n in long_names[:count]],
    }


def cases(app, client: Client) -> list[Case]:
    sample = _sample(app)
    country, rare, common, hits = (
        sample["country"],
        sample["rare"],
        sample["common"],
        sample["hits"],
    )
    ids = [row_id for row_id, _name in sample["rows"]]

    def q(**args: object) -> list[str]:
        return ["/stakeholders/?" + urlencode(args)]

    # A deep page: 200 pages on by the "next" cursor, as a reader would get there.
    path = "/stakeholders/"
    for _ in range(200):
        _status, html, _took = client.get(path)
        found = re.search(r'<a href="([^"]+)" rel="next">', html)
        if not found:
            break
        path = unescape(found.group(1))
    found_cases = [
        Case("home /", ["/"], 30),
        Case("list, default (by name)", ["/stakeholders/"], 30, bare="/list"),
        Case(
            "list, htmx results block",
            ["/stakeholders/"],
            100,
            headers={"HX-Request": "true", "HX-Target": "results"},
            bare="/list",
        ),
        Case("list, sector=grassroots", q(sector="grassroots"), 100, bare="/list"),
        Case("list, constituency=women", q(constituency="women"), 100, bare="/list"),
        Case(f"list, country={country}", q(country=country), 100, bare="/list"),
        Case("list, scale=national", q(scale="national"), 100, bare="/list"),
        Case(
            f"list, sector=grassroots & country={country}",
            q(sector="grassroots", country=country),
            100,
            bare="/list",
        ),
        Case("list, sort=name desc", q(sort="name", dir="desc"), 100, bare="/list"),
        Case("list, sort=country", q(sort="country"), 100, bare="/list"),
        Case("list, sort=sector", q(sort="sector"), 100, bare="/list"),
        Case("list, sort=newest", q(sort="newest"), 100, bare="/list"),
        Case("list, 201st page by cursor", [path], 100, bare="/list"),
        Case(f"search q={common} ({_rows_match(hits[common])})", q(q=common), 100, bare="/list"),
        Case(f"search q={rare} ({_rows_match(hits[rare])})", q(q=rare), 30, bare="/list"),
        Case("detail page (varied ids)", [f"/stakeholders/{i}" for i in ids], 30),
    ]
    for kind, inputs in _suggestion_inputs(sample).items():
        paths = ["/stakeholders/similar?" + urlencode({"name": name}) for name in inputs]
        found_cases.append(Case(f"suggest: {kind}", paths, 50, logged_in=True, suggestions=True))
    return found_cases


# --- measuring ------------------------------------------------------------------------------


def _pct(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class Result:
    case: Case
    times: list[float]
    bare: list[float]
    empty: int = 0
    statements: int = 0

    def p(self, share: float) -> float:
        return _pct(self.times, share) * 1000

    @property
    def bare_p50(self) -> float:
        return statistics.median(self.bare) * 1000

    @property
    def met(self) -> bool:
        share = 0.99 if self.case.what.startswith("detail") else 0.95
        return self.p(share) <= self.case.target_ms and not self.empty


def measure(case: Case, client: Client, bare: Client, ids: list[int], args) -> Result:
    def app_get(i: int) -> tuple[float, bool]:
        status, html, took = client.get(case.paths[i % len(case.paths)], case.headers)
        if status != 200:
            sys.exit(f"{case.what}: {case.paths[i % len(case.paths)]} answered {status}")
        return took, case.suggestions and SIMILAR_MARK not in html

    def bare_get(i: int) -> float:
        path = f"/detail?id={ids[i % len(ids)]}" if case.bare == "/detail" else case.bare
        return bare.get(path)[2]

    for i in range(args.warmup):
        app_get(i)
        bare_get(i)
    result = Result(case, [], [])
    for i in range(args.requests):
        took, empty = app_get(i)
        result.times.append(took)
        result.empty += empty
        result.bare.append(bare_get(i))
    return result


def throughput(port: int, paths: list[str], seconds: float, clients: int) -> float:
    """Requests per second that ``clients`` threads get for ``paths`` in ``seconds``."""
    done = [0] * clients
    stop = time.perf_counter() + seconds

    def work(index: int) -> None:
        client = Client(port)
        n = index
        while time.perf_counter() < stop:
            status, _html, _took = client.get(paths[n % len(paths)])
            if status != 200:
                raise SystemExit(f"throughput: {paths[n % len(paths)]} answered {status}")
            done[index] += 1
            n += clients

    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.perf_counter() - started)


def count_statements(app, case: Case) -> int:
    """Statements the page runs, counted in process (the same code, one request)."""
    client = app.test_client()
    if case.logged_in:
        response = client.post("/login", data={"email": BENCH_EMAIL, "password": BENCH_PASSWORD})
        assert response.status_code == 303, response.status_code
    client.get(case.paths[0], headers=case.headers)  # warm: caches, compiled templates
    with sql_meter(app) as meter:
        client.get(case.paths[0], headers=case.headers)
        return meter["count"]


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
    width = max(len(r.case.what) for r in results)
    header = (
        f"| {'what':<{width}} | p50 ms | p95 ms | p99 ms | floor p50 | x floor "
        "| SQL/req | empty | target | met |"
    )
    rule = (
        f"| {'-' * width} | -----: | -----: | -----: | --------: | ------: | ------: "
        "| ----: | ----- | --- |"
    )
    lines = [header, rule]
    for r in results:
        share = "p99" if r.case.what.startswith("detail") else "p95"
        empty = f"{r.empty}/{len(r.times)}" if r.case.suggestions else ""
        lines.append(
            f"| {r.case.what:<{width}} | {r.p(0.5):6.1f} | {r.p(0.95):6.1f} | {r.p(0.99):6.1f} "
            f"| {r.bare_p50:9.1f} | {r.p(0.5) / r.bare_p50:7.1f} | {r.statements:7} "
            f"| {empty:>5} | {share} ≤ {r.case.target_ms:g} | {'yes' if r.met else 'NO'} |"
        )
    return lines


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    started, load_before = time.perf_counter(), _load()
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp, ExitStack() as stack:
        if args.sqlite:
            url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        else:
            url = args.database_url
            ensure_database(url)
        app = make_app(url)
        how = prepare(app, args.rows, args.seed, args.rebuild)
        print(how, flush=True)
        ensure_user(app)
        if args.page_cache:
            import redis

            redis.Redis.from_url(args.page_cache).flushdb()
        env = {
            "PAGE_CACHE_URL": args.page_cache,
            "DATABASE_URL": url,
            "SECRET_KEY": os.environ["SECRET_KEY"],
            "RATELIMIT_ENABLED": "false",
            "BARE_DATABASE_URL": url,
        }
        server = stack.enter_context(gunicorn("wsgi:app", APP_PORT, env))
        stack.enter_context(gunicorn("bench.bare:app", BARE_PORT, env))
        anonymous, member, bare = Client(APP_PORT), Client(APP_PORT), Client(BARE_PORT)
        member.log_in()
        planned = cases(app, anonymous)
        detail = next(case for case in planned if case.what.startswith("detail"))
        ids = [int(path.rsplit("/", 1)[1]) for path in detail.paths]
        rss_before = workers_rss_mb(server)
        results = []
        for case in planned:
            result = measure(case, member if case.logged_in else anonymous, bare, ids, args)
            result.statements = count_statements(app, case)
            print(
                f"  {case.what}: p50 {result.p(0.5):.1f} ms, p95 {result.p(0.95):.1f} ms, "
                f"floor {result.bare_p50:.1f} ms",
                flush=True,
            )
            results.append(result)
        app_rps = throughput(APP_PORT, detail.paths, args.seconds, args.clients)
        bare_rps = throughput(
            BARE_PORT, [f"/detail?id={i}" for i in ids], args.seconds, args.clients
        )
        rss_after = workers_rss_mb(server)
        report = [
            f"# stakeholders_list, {args.rows:,} rows, "
            f"{datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
            "",
            *machine(app),
            how,
            "page cache: "
            + (
                f"on ({args.page_cache}), so repeated pages are served rendered"
                if args.page_cache
                else "off: every request renders its page"
            ),
            f"requests: {args.warmup} warm-up, then {args.requests} timed per page over HTTP to "
            "gunicorn -w 2 (sync), each followed by one to the bare floor (bench/bare.py, "
            "same gunicorn settings): /detail?id= for the detail, home and suggestion lines, "
            "/list (the list's page query alone) for the list lines",
            "",
            *table(results),
            "",
            f"detail page throughput, {args.clients} clients for {args.seconds:g} s: "
            f"{app_rps:,.0f} req/s against the floor's {bare_rps:,.0f} req/s "
            f"({100 * app_rps / bare_rps:.0f}%, target ≥ 50%)",
            f"registry workers' RSS: {rss_before:.1f} MB before the timed requests, "
            f"{rss_after:.1f} MB after ({rss_after - rss_before:+.1f} MB, target ≤ 20 MB)",
            f"whole run: {time.perf_counter() - started:.0f} s; "
            f"load average (1 min) {load_before} at the start, {_load()} at the end",
        ]
        with app.app_context():
            from registry.extensions import db

            db.engine.dispose()
    print("\n".join(report))
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        suffix = ("-sqlite" if args.sqlite else "") + ("-page-cache" if args.page_cache else "")
        path = RESULTS / f"stakeholders_list-{args.rows}{suffix}.txt"
        path.write_text("\n".join(report) + "\n")
        print(f"written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
