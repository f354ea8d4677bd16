"""What every benchmark here shares: the database, the servers, the HTTP client, the timing
and the report's header.

``bench/stakeholders_list.py``, ``bench/exports.py`` and ``bench/open_data.py`` all prepare a
database whose name contains "bench" (its schema is dropped and rebuilt by the app's
migrations), start the registry and the bare floor (``bench/bare.py``) under the same gunicorn
settings, time each request to the registry beside one to the floor, count the statements a
page runs in process, and head their report with the machine, the commit and the database.
"""

from __future__ import annotations

import http.client
import math
import os
import platform
import re
import secrets
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import event, make_url, select, text
from sqlalchemy.exc import DBAPIError

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script from the repository: find ``registry``
RESULTS = HERE / "results"
BENCH_EMAIL = "bench-community@bench.example"
BENCH_PASSWORD = "bench-password-not-a-secret"  # noqa: S105 - a throwaway benchmark account


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


def at_head() -> bool:
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


def reset_schema() -> None:
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


# --- measuring ------------------------------------------------------------------------------


def pct(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


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


def count_statements(app, path: str, headers: dict | None = None, logged_in: bool = False) -> int:
    """Statements a page runs, counted in process (the same code, one warm request)."""
    client = app.test_client()
    if logged_in:
        response = client.post("/login", data={"email": BENCH_EMAIL, "password": BENCH_PASSWORD})
        assert response.status_code == 303, response.status_code
    client.get(path, headers=headers)  # warm: caches, compiled templates
    with sql_meter(app) as meter:
        client.get(path, headers=headers)
        return meter["count"]


def pairs(
    app_get: Callable[[int], float], bare_get: Callable[[int], float], warmup: int, requests: int
) -> tuple[list[float], list[float]]:
    """``requests`` timed requests to the registry, each followed by one to the floor (after
    ``warmup`` untimed pairs), so both see the same machine at the same moment."""
    for i in range(warmup):
        app_get(i)
        bare_get(i)
    times, bare = [], []
    for i in range(requests):
        times.append(app_get(i))
        bare.append(bare_get(i))
    return times, bare


# --- the report's header ----------------------------------------------------------------------


def meminfo() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024**2:.0f} GB RAM"
    except OSError:
        pass
    return "RAM unknown"


def cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def code_version() -> str:
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


def load_average() -> str:
    """The 1-minute load average: other work on a shared machine shows up in the p95."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "unknown"


def machine(app, tables: tuple[str, ...] = ("stakeholder",)) -> list[str]:
    """The machine, Python, the commit measured and the database (with ``tables``' sizes)."""
    from registry.extensions import db

    lines = [
        f"machine: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {cpu()}, "
        f"{meminfo()}",
        f"python {platform.python_version()}, {platform.platform()}",
        code_version(),
    ]
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            version = db.session.scalar(text("SHOW server_version"))
            settings = ", ".join(
                f"{name}={db.session.scalar(text(f'SHOW {name}'))}"
                for name in ("shared_buffers", "work_mem", "jit", "random_page_cost")
            )
            sizes = "; ".join(
                f"{table} "
                + db.session.scalar(
                    text("SELECT pg_size_pretty(pg_total_relation_size(:t))"), {"t": table}
                )
                for table in tables
            )
            lines.append(f"database: PostgreSQL {version} ({settings}); {sizes}")
        else:
            lines.append(f"database: SQLite {sqlite3.sqlite_version} (temporary file)")
    return lines
