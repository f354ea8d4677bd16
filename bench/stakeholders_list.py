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
import os
import random
import re
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import func, or_, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script: find ``common``

from common import (
    RESULTS,
    ROOT,
    Client,
    at_head,
    count_statements,
    ensure_database,
    ensure_user,
    gunicorn,
    load_average,
    make_app,
    pct,
    reset_schema,
    throughput,
    workers_rss_mb,
)
from common import machine as machine_lines

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


def prepare(app, rows: int, seed: int, rebuild: bool) -> str:
    """The schema at head with ``rows`` generated stakeholders; returns how they got there."""
    from registry.extensions import db
    from registry.generate import generate_stakeholders
    from registry.models import Stakeholder

    with app.app_context():
        if not rebuild and at_head():
            have = db.session.scalar(select(func.count()).select_from(Stakeholder))
            if have == rows:
                return f"reused {rows:,} rows already in the database"
        reset_schema()
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


@dataclass
class Result:
    case: Case
    times: list[float]
    bare: list[float]
    empty: int = 0
    statements: int = 0

    def p(self, share: float) -> float:
        return pct(self.times, share) * 1000

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


# --- reporting ------------------------------------------------------------------------------


def machine(app) -> list[str]:
    from registry.extensions import db
    from registry.models import Stakeholder, Status

    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(Stakeholder))
        approved = db.session.scalar(
            select(func.count()).where(Stakeholder.status == Status.APPROVED)
        )
    return [f"rows: {total:,} stakeholders, {approved:,} approved", *machine_lines(app)]


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
    started, load_before = time.perf_counter(), load_average()
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
            result.statements = count_statements(app, case.paths[0], case.headers, case.logged_in)
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
            f"load average (1 min) {load_before} at the start, {load_average()} at the end",
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
