"""Time search, the initiative and commitment lists, coverage, the API and the downloads under
gunicorn, beside a bare floor, on a synthetic registry of N stakeholders (issue 13, part 6).

    .venv/bin/python bench/open_data.py --stakeholders 100000 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_od_100k
    .venv/bin/python bench/open_data.py --stakeholders 100000 --sqlite

The database is prepared as bench/stakeholders_list.py prepares it (only one named *bench*;
its schema rebuilt by the app's migrations; reused when it is at the head and holds the same
registry), the SDG and New Urban Agenda frameworks are imported, then
``registry.generate.generate_registry(N)`` fills every public noun. ``--dev-fixture`` instead
makes N stakeholders and a small fixture of a few hundred initiatives, engagements and
commitments through SQL inserts: it is for developing the harness, never for figures.

Each timed request to the registry (gunicorn -w 2, ``wsgi:app``) is followed by one to the
bare floor (``bench/bare.py``, the same gunicorn settings), so every figure has its ratio to
the floor; statements per request are counted in process. Then a full CSV and XLSX download
of the stakeholders in process (``bench/exports.py``: time, rows/s against a bare cursor +
``csv`` loop, peak RSS growth), and throughput from a second process (wrk on the loopback)
on the stakeholder page, the largest initiative's page and an API list, each beside its bare
page. The report is printed and written to ``bench/results/open_data-<N>.txt``.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from sqlalchemy import func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script: find ``common``

import exports
from common import (
    RESULTS,
    ROOT,
    Client,
    at_head,
    count_statements,
    ensure_database,
    gunicorn,
    load_average,
    machine,
    make_app,
    pairs,
    pct,
    reset_schema,
    sql_meter,
    throughput,
    workers_rss_mb,
)

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_od"
SDG_DIR = "/work/shared/data/sdg"
APP_PORT, BARE_PORT = 5393, 5394  # not stakeholders_list.py's, so both may run
FIXTURE_MARK = "Dev fixture"  # the dev fixture's titles start so: never reused as real data
LIGHTS = ("on_track", "overdue", "inactive", "completed")
NOUNS = ("stakeholders", "initiatives", "commitments", "engagements")
# The targets (PostgreSQL at 1M, benchmark only).
SEARCH_MS = LIST_MS = 100  # p95
API_MS = 50  # p95
CSV_SHARE = 0.60  # of the bare cursor + csv loop
CSV_RSS_MB = 50
XLSX_ROWS_S = 30_000
THROUGHPUT_SHARE = 0.50  # of the bare one-query page


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stakeholders", type=int, default=100_000, help="N (100000)")
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"({DEFAULT_URL})")
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead")
    parser.add_argument("--requests", type=int, default=60, help="timed requests per page (60)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests first (5)")
    parser.add_argument("--deep", type=int, default=200, help="links.next followed (200)")
    parser.add_argument("--seconds", type=float, default=10.0, help="each wrk run (10)")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (4)")
    parser.add_argument("--seed", type=int, default=0, help="generator seed (0)")
    parser.add_argument("--rebuild", action="store_true", help="regenerate even if reusable")
    parser.add_argument("--sdg", default=SDG_DIR, help=f"open-sdg data directory ({SDG_DIR})")
    parser.add_argument(
        "--dev-fixture",
        action="store_true",
        help="N generated stakeholders and a small SQL fixture instead of generate_registry: "
        "for developing this script, not for figures",
    )
    parser.add_argument("--no-exports", action="store_true", help="skip the downloads")
    parser.add_argument("--no-write", action="store_true", help="print only, write no file")
    return parser.parse_args(argv)


# --- the data -------------------------------------------------------------------------------


def _count(model, *where) -> int:
    from registry.extensions import db

    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _is_fixture() -> bool:
    from registry.extensions import db
    from registry.models import Initiative

    found = select(Initiative.id).where(Initiative.title.startswith(FIXTURE_MARK)).limit(1)
    return db.session.scalar(found) is not None


def prepare(app, n: int, seed: int, rebuild: bool, dev: bool, sdg: str) -> list[str]:
    """The schema at head with the frameworks and a registry of ``n`` stakeholders; returns
    how they got there."""
    import registry.generate
    from registry.extensions import db
    from registry.frameworks.nua import import_nua
    from registry.frameworks.services import import_sdg
    from registry.models import Framework, Initiative, Stakeholder

    generate_registry = getattr(registry.generate, "generate_registry", None)
    if not dev and generate_registry is None:
        sys.exit(
            "registry.generate has no generate_registry yet: merge the generator, or run "
            "with --dev-fixture to try the harness (its figures mean nothing)"
        )
    with app.app_context():
        if (
            not rebuild
            and at_head()
            and (
                _count(Stakeholder) == n
                and _count(Initiative) > 0
                and _count(Framework) > 0
                and _is_fixture() == dev
            )
        ):
            what = "the dev fixture" if dev else "a generated registry"
            return [f"reused {what} of {n:,} stakeholders already in the database"]
        reset_schema()
        started = time.perf_counter()
        sdg_summary = import_sdg(sdg)
        nua_summary = import_nua()
        db.session.commit()
        lines = [
            f"frameworks imported in {time.perf_counter() - started:.1f} s: {sdg_summary}; "
            f"{nua_summary}"
        ]
        started = time.perf_counter()
        if dev:
            registry.generate.generate_stakeholders(n, seed=seed)
            db.session.commit()
            made = dev_fixture(seed)
            how = f"DEV FIXTURE (not for figures): generate_stakeholders({n:,}) and SQL inserts"
        else:
            made = generate_registry(n, seed=seed)
            how = f"generate_registry({n:,}, seed={seed})"
        db.session.commit()
        took = time.perf_counter() - started
        made_text = ", ".join(f"{key} {value:,}" for key, value in made.items())
        lines.append(f"{how} in {took:.1f} s: {made_text}")
        if db.engine.dialect.name == "postgresql":
            # What autovacuum would soon do: statistics, and a visibility map for index-only
            # scans, on every table the pages read.
            started = time.perf_counter()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
            lines.append(f"VACUUM ANALYZE in {time.perf_counter() - started:.1f} s")
    return lines


def dev_fixture(seed: int) -> dict[str, int]:
    """A few hundred initiatives (the first with 250 active partners), engagements and
    commitments (every light) over the generated stakeholders, by SQL inserts, then the
    maintained counts recounted. Only for trying the harness before the generator exists."""
    from registry import counts
    from registry.commitments.progress import today
    from registry.extensions import db
    from registry.generate import vocabulary
    from registry.models import (
        Commitment,
        Engagement,
        EngagementParticipant,
        FrameworkItem,
        Initiative,
        InitiativeCountry,
        Partnership,
        Stakeholder,
        Status,
    )
    from registry.models.commitments import commitment_alignment
    from registry.models.engagements import EngagementKind, ParticipantRole
    from registry.models.initiatives import (
        InitiativeKind,
        InitiativeStatus,
        PartnershipRole,
        PartnershipStatus,
        initiative_alignment,
    )

    rng = random.Random(f"dev-fixture-{seed}")  # noqa: S311 - reproducible, nothing secret
    words = vocabulary()
    stakeholders = db.session.scalars(
        select(Stakeholder.id).where(Stakeholder.status == Status.APPROVED).order_by(Stakeholder.id)
    ).all()
    items = db.session.scalars(select(FrameworkItem.id).order_by(FrameworkItem.id)).all()
    on = today()

    def title(kind: str) -> str:
        picked = [words[min(int(rng.paretovariate(1.0)) - 1, len(words) - 1)] for _ in range(3)]
        return f"{FIXTURE_MARK} {kind}: " + " ".join(w.capitalize() for w in picked)

    def added(table, rows: list[dict]) -> list[int]:
        stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(db.session.execute(stmt, rows).scalars())

    initiatives = added(
        Initiative.__table__,
        [
            {
                "title": title("initiative"),
                "kind": rng.choice(list(InitiativeKind)),
                "status": InitiativeStatus.ACTIVE if i % 5 else InitiativeStatus.COMPLETED,
                "summary": " ".join(rng.choices(words[:400], k=30)),
                "lead_stakeholder_id": rng.choice(stakeholders),
                "starts_on": on - timedelta(days=rng.randrange(3000)),
                "is_demo": True,
            }
            for i in range(300)
        ],
    )
    db.session.execute(
        insert(InitiativeCountry.__table__),
        [
            {"initiative_id": i, "code": rng.choice(("KE", "KE", "UG", "TZ", "BR"))}
            for i in initiatives
        ],
    )
    partnerships = []
    for index, initiative in enumerate(initiatives):
        size = 250 if index == 0 else rng.randrange(13)
        for stakeholder in rng.sample(stakeholders, size):
            partnerships.append(
                {
                    "initiative_id": initiative,
                    "stakeholder_id": stakeholder,
                    "role": rng.choice(list(PartnershipRole)),
                    "status": PartnershipStatus.ACTIVE,
                }
            )
    db.session.execute(insert(Partnership.__table__), partnerships)
    if items:
        db.session.execute(
            insert(initiative_alignment),
            [
                {"initiative_id": i, "item_id": item}
                for i in initiatives
                for item in rng.sample(items, 2)
            ],
        )
    engagements = []
    for _ in range(200):
        start = datetime(2019, 1, 1, tzinfo=UTC) + timedelta(days=rng.randrange(3100))
        engagements.append(
            {
                "title": title("engagement"),
                "kind": rng.choice(list(EngagementKind)),
                "start_utc": start,
                "end_utc": start + timedelta(hours=3),
                "time_zone": "Africa/Nairobi",
                "year": start.year,
                "country": rng.choice(("KE", "UG", None)),
                "is_demo": True,
            }
        )
    engagement_ids = added(Engagement.__table__, engagements)
    db.session.execute(
        insert(EngagementParticipant.__table__),
        [
            {"engagement_id": e, "stakeholder_id": s, "role": rng.choice(list(ParticipantRole))}
            for e in engagement_ids
            for s in rng.sample(stakeholders, rng.randrange(16))
        ],
    )
    commitments = []
    for i in range(800):
        # Last activity spread so that each light has rows: within a year (on track), one to
        # two years ago (overdue), older (inactive); a fifth completed.
        last = on - timedelta(days=rng.choice((rng.randrange(360), rng.randrange(380, 720))))
        if i % 7 == 0:
            last = on - timedelta(days=rng.randrange(760, 1500))
        approved = i % 10 != 0
        commitments.append(
            {
                "stakeholder_id": rng.choice(stakeholders),
                "initiative_id": rng.choice(initiatives) if i % 2 else None,
                "engagement_id": rng.choice(engagement_ids) if i % 3 == 0 else None,
                "title": title("commitment"),
                "description": " ".join(rng.choices(words[:600], k=25)),
                "starts_on": last - timedelta(days=200),
                "ends_on": last + timedelta(days=900),
                "status": Status.APPROVED if approved else Status.DRAFT,
                "approved_at": datetime.combine(last, datetime.min.time(), UTC)
                if approved
                else None,
                "last_activity_on": last,
                "completed_on": last if i % 5 == 1 else None,
                "progress": 100 if i % 5 == 1 else rng.randrange(100),
                "is_demo": True,
            }
        )
    commitment_ids = added(Commitment.__table__, commitments)
    if items:
        db.session.execute(
            insert(commitment_alignment),
            [{"commitment_id": c, "item_id": rng.choice(items)} for c in commitment_ids],
        )
    counts.recount_all()
    return {
        "initiatives": len(initiatives),
        "partnerships": len(partnerships),
        "engagements": len(engagement_ids),
        "commitments": len(commitment_ids),
    }


def registry_rows(app) -> str:
    from registry.extensions import db
    from registry.models import (
        Commitment,
        Deliverable,
        Engagement,
        FrameworkItem,
        Initiative,
        Partnership,
        ProgressReport,
        Stakeholder,
        Status,
    )
    from registry.models.initiatives import PartnershipStatus

    with app.app_context():
        found = [
            f"{_count(Stakeholder):,} stakeholders "
            f"({_count(Stakeholder, Stakeholder.status == Status.APPROVED):,} approved)",
            f"{_count(Initiative):,} initiatives",
            f"{_count(Partnership, Partnership.status == PartnershipStatus.ACTIVE):,} "
            "active partnerships",
            f"{_count(Commitment):,} commitments "
            f"({_count(Commitment, Commitment.status == Status.APPROVED):,} approved)",
            f"{_count(Deliverable):,} deliverables",
            f"{_count(ProgressReport):,} progress reports",
            f"{_count(Engagement):,} engagements",
            f"{_count(FrameworkItem):,} framework items",
        ]
        db.session.remove()
    return "rows: " + ", ".join(found)


# --- what to ask for ------------------------------------------------------------------------


@dataclass
class Case:
    what: str
    paths: list[str]  # one per request, cycled
    bare: str  # the floor's page
    target_ms: float  # p95
    note: str = ""


@dataclass
class Result:
    case: Case
    times: list[float]
    bare: list[float]
    statements: int = 0

    def p(self, share: float) -> float:
        return pct(self.times, share) * 1000

    @property
    def bare_p50(self) -> float:
        return statistics.median(self.bare) * 1000

    @property
    def met(self) -> bool:
        return self.p(0.95) <= self.case.target_ms


def _typo(word: str) -> str:
    """``word`` with one letter changed (its middle one, to the next letter of the same
    kind), as a hurried typist would."""
    middle = len(word) // 2
    vowels, letter = "aeiou", word[middle]
    if letter in vowels:
        changed = vowels[(vowels.index(letter) + 1) % len(vowels)]
    else:
        consonants = "bcdfghjklmnprstvz"
        changed = consonants[(consonants.find(letter) + 1) % len(consonants)]
    return word[:middle] + changed + word[middle + 1 :]


def _search_note(app, args: dict[str, str]) -> str:
    """How many results the search gives and whether it was corrected (in process)."""
    from registry.search import engine

    with app.test_request_context("/search", query_string=args):
        filters, _unknown, _cut = engine.Filters.from_args(args)
        result = engine.search(filters, 1)
        found = f"{'more than ' if result.capped else ''}{result.total:,} results"
        if result.corrected:
            return f"{found} for “{result.searched_for}”, corrected"
        if result.suggestion:
            return f"{found}, “did you mean {result.suggestion}?”"
        if result.similar:
            return f"{found}, similar titles"
        return found


def sample(app) -> dict:
    """The words searched for, stakeholder ids, the initiative with most active partners."""
    from registry.commitments.progress import Light, light_where
    from registry.extensions import db
    from registry.generate import vocabulary
    from registry.models import Commitment, Partnership, Stakeholder, Status
    from registry.models.initiatives import PartnershipStatus

    with app.app_context():
        total = db.session.scalar(select(func.max(Stakeholder.id)))
        rng = random.Random(7)  # noqa: S311 - a reproducible sample, nothing secret
        ids = sorted(rng.sample(range(1, total + 1), min(400, total)))
        rows = db.session.execute(
            select(Stakeholder.id, Stakeholder.name).where(
                Stakeholder.status == Status.APPROVED, Stakeholder.id.in_(ids)
            )
        ).all()
        biggest = db.session.execute(
            select(Partnership.initiative_id, func.count())
            .where(Partnership.status == PartnershipStatus.ACTIVE)
            .group_by(Partnership.initiative_id)
            .order_by(func.count().desc(), Partnership.initiative_id)
            .limit(1)
        ).first()
        lights = {light: _count(Commitment, light_where(Light(light))) for light in LIGHTS}
        country = db.session.scalar(
            select(Stakeholder.country)
            .where(Stakeholder.status == Status.APPROVED, Stakeholder.country.is_not(None))
            .group_by(Stakeholder.country)
            .order_by(func.count().desc())
            .limit(1)
        )
        db.session.remove()
    rank = {word: index for index, word in enumerate(vocabulary())}
    known = set(rank)
    names = [name.lower().split() for _id, name in rows]
    words = {w for name in names for w in name}
    rare = max(words, key=lambda w: (rank.get(w, -1), w))
    # Two common words of one name, the other way round: word order is forgiven.
    two = next(
        (
            f"{name[j]} {name[i]}"
            for name in names
            for i in range(len(name))
            for j in range(i + 1, len(name))
            if rank.get(name[i], 9999) < 150
            and rank.get(name[j], 9999) < 150
            and name[i] != name[j]
        ),
        " ".join(vocabulary()[1:3]),
    )
    # A rare-ish name word (rank 300-1500, six letters or more), one letter changed, that is
    # no word of the vocabulary itself.
    typo_of = sorted(
        (w for w in words if 300 <= rank.get(w, -1) <= 1500 and len(w) >= 6),
        key=lambda w: (rank[w], w),
    )
    typo_pairs = [(w, _typo(w)) for w in typo_of if _typo(w) not in known]
    word, typo = typo_pairs[0] if typo_pairs else (rare, _typo(rare))
    if biggest is None:
        sys.exit("no initiative has an active partner: the registry was not generated")
    return {
        "ids": [row_id for row_id, _name in rows],
        "rare": rare,
        "common": vocabulary()[0],
        "two": two,
        "typo": typo,
        "typo_of": word,
        "initiative": biggest[0],
        "partners": biggest[1],
        "lights": lights,
        "country": country or "KE",
    }


def _next_link(client: Client, path: str) -> str | None:
    import json

    status, body, _took = client.get(path)
    if status != 200:
        sys.exit(f"{path} answered {status}")
    following = json.loads(body)["links"].get("next")
    if not following:
        return None
    parts = urlsplit(following)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def deep_api_page(client: Client, start: str, steps: int) -> tuple[str, int]:
    """The page reached from ``start`` by following links.next ``steps`` times (or the last
    one), and its number."""
    path, page = start, 1
    while page <= steps:
        following = _next_link(client, path)
        if following is None:
            break
        path, page = following, page + 1
    return path, page


def cases(app, client: Client, found: dict, args) -> list[Case]:
    def search(kind: str, q: str, extra: str = "", **facets: str) -> Case:
        args = {"q": q, **facets}
        note = _search_note(app, args)
        chosen = "".join(f" & {name}={value}" for name, value in facets.items())
        label = f"search, {kind}: q={q}{chosen}{extra} ({note})"
        return Case(label, ["/search?" + urlencode(args)], "/list", SEARCH_MS)

    planned = [
        search("rare word", found["rare"]),
        search("common word", found["common"]),
        search("common word, a facet chosen", found["common"], country=found["country"]),
        search("two words", found["two"]),
        search("typo", found["typo"], f" (of {found['typo_of']})"),
        Case(
            "stakeholder page (400 ids)",
            [f"/stakeholders/{i}" for i in found["ids"]],
            "/detail",
            LIST_MS,
        ),
        Case("initiative list", ["/initiatives/"], "/list?noun=initiatives", LIST_MS),
        Case(
            f"initiative page, {found['partners']:,} active partners",
            [f"/initiatives/{found['initiative']}"],
            f"/initiative?id={found['initiative']}",
            LIST_MS,
        ),
        Case("commitment list", ["/commitments/"], "/list?noun=commitments", LIST_MS),
    ]
    for light in LIGHTS:
        planned.append(
            Case(
                f"commitment list, light={light} ({found['lights'][light]:,})",
                ["/commitments/?" + urlencode({"light": light})],
                "/list?noun=commitments",
                LIST_MS,
            )
        )
    planned.append(Case("coverage /coverage/", ["/coverage/"], "/list", LIST_MS))
    for noun in NOUNS:
        floor = f"/api-list?noun={noun}"
        planned.append(Case(f"API {noun}, first page", [f"/api/v1/{noun}"], floor, API_MS))
        # Engagements list the upcoming ones unless asked for the past, where most of them are.
        start = f"/api/v1/{noun}" + ("?view=past" if noun == "engagements" else "")
        path, page = deep_api_page(client, start, args.deep)
        label = f"API {noun}{', view=past' if noun == 'engagements' else ''}"
        planned.append(Case(f"{label}, page {page} by links.next", [path], floor, API_MS))
    return planned


# --- measuring ------------------------------------------------------------------------------


def measure(case: Case, client: Client, bare: Client, args) -> Result:
    def app_get(i: int) -> float:
        path = case.paths[i % len(case.paths)]
        status, _body, took = client.get(path)
        if status != 200:
            sys.exit(f"{case.what}: {path} answered {status}")
        return took

    def bare_get(i: int) -> float:
        # The detail floor asks for the same stakeholder as the page it is paired with.
        path = case.bare
        if path == "/detail":
            path = f"/detail?id={case.paths[i % len(case.paths)].rsplit('/', 1)[1]}"
        status, _body, took = bare.get(path)
        if status != 200:
            sys.exit(f"floor {path} answered {status}")
        return took

    times, floor = pairs(app_get, bare_get, args.warmup, args.requests)
    return Result(case, times, floor)


def cold_coverage(app) -> tuple[float, int]:
    """The coverage page's first request in a fresh process (its whole-registry figures are
    kept per worker under the content version): time and statements, in process."""
    client = app.test_client()
    with sql_meter(app) as meter:
        started = time.perf_counter()
        response = client.get("/coverage/")
        took = time.perf_counter() - started
    if response.status_code != 200:
        sys.exit(f"/coverage/ answered {response.status_code} in process")
    return took * 1000, meter["count"]


WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def wrk(port: int, paths: list[str], args, tmp: Path) -> dict:
    """Requests per second (and latency percentiles) from wrk in its own process."""
    script = tmp / f"paths-{port}.lua"
    script.write_text(WRK_SCRIPT % ", ".join(f'"{p}"' for p in paths))
    command = [
        "wrk",
        "-t2",
        f"-c{args.connections}",
        f"-d{args.seconds:g}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(script),
        f"http://127.0.0.1:{port}",
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    out = done.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if bad:
        sys.exit(f"wrk on {paths[0]}: {bad.group(1)} answers were not 2xx/3xx\n{out}")
    latency = {
        share: _ms(value)
        for share, value in re.findall(r"^\s*(50|99)%\s+([\d.]+[a-z]+)\s*$", out, re.MULTILINE)
    }
    if len(latency) < 2:
        print(f"wrk's latency distribution was not read:\n{out}", flush=True)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": rps,
        "p50": latency.get("50"),
        "p99": latency.get("99"),
        "errors": errors.group(1) if errors else "",
    }


def thread_client(port: int, paths: list[str], args, _tmp: Path) -> dict:
    """The fall-back when wrk is missing: client threads in this process (labelled so)."""
    rps = throughput(port, paths, args.seconds, args.connections)
    return {"rps": rps, "p50": None, "p99": None, "errors": ""}


# --- reporting ------------------------------------------------------------------------------


def _or_unknown(ms: float | None) -> str:
    return "?" if ms is None else f"{ms:.1f}"


def _met(ok: bool) -> str:
    return "yes" if ok else "NO"


def table(results: list[Result]) -> list[str]:
    width = max(len(r.case.what) for r in results)
    floor_width = max(len(r.case.bare) for r in results)
    lines = [
        f"| {'what':<{width}} | p50 ms | p95 ms | p99 ms | {'floor':<{floor_width}} "
        "| floor p50 | x floor | SQL/req | target | met |",
        f"| {'-' * width} | -----: | -----: | -----: | {'-' * floor_width} | --------: "
        "| ------: | ------: | ------ | --- |",
    ]
    for r in results:
        lines.append(
            f"| {r.case.what:<{width}} | {r.p(0.5):6.1f} | {r.p(0.95):6.1f} | {r.p(0.99):6.1f} "
            f"| {r.case.bare:<{floor_width}} | {r.bare_p50:9.1f} | {r.p(0.5) / r.bare_p50:7.1f} "
            f"| {r.statements:7} | p95 ≤ {r.case.target_ms:g} | {_met(r.met):>3} |"
        )
    return lines


def export_lines(downloads: list[dict]) -> list[str]:
    floor = downloads[0]
    lines = [
        f"{floor['what']}: {floor['rows']:,} rows in {floor['seconds']:.2f} s, "
        f"{floor['rows_per_s']:,.0f} rows/s, peak RSS +{floor['rss_growth_mb']:.1f} MB"
    ]
    for d in downloads[1:]:
        share = d["rows_per_s"] / floor["rows_per_s"]
        if d["what"].endswith(".csv"):
            target = (
                f"target ≥ {CSV_SHARE:.0%} of the floor and RSS ≤ {CSV_RSS_MB} MB: "
                f"{_met(share >= CSV_SHARE and d['rss_growth_mb'] <= CSV_RSS_MB)}"
            )
        else:
            target = f"target ≥ {XLSX_ROWS_S:,} rows/s: {_met(d['rows_per_s'] >= XLSX_ROWS_S)}"
        lines.append(
            f"{d['what']}: {d['rows']:,} rows in {d['seconds']:.2f} s, "
            f"{d['rows_per_s']:,.0f} rows/s ({share:.0%} of the floor), {d['mb']:.1f} MB, "
            f"peak RSS +{d['rss_growth_mb']:.1f} MB; {target}"
        )
    return lines


def run_exports(app, url: str) -> list[dict]:
    """A full CSV and XLSX download of the stakeholders in process, after the bare floor."""
    from registry.exports.columns import STAKEHOLDERS

    app.config.update(RATELIMIT_ENABLED=False, PAGE_CACHE_URL="", EXPORT_SLOTS_URL="")
    sql, public = exports.floor_sql(app, STAKEHOLDERS)
    client = app.test_client()
    downloads = [
        exports.timed("bare: cursor + csv, the app's SQL", public, lambda: exports.bare(url, sql))
    ]
    for fmt in ("csv", "xlsx"):
        path = f"/stakeholders/export.{fmt}"
        downloads.append(
            exports.timed(f"app: {path}", public, lambda p=path: exports.app_download(client, p))
        )
    return downloads


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    started, load_before = time.perf_counter(), load_average()
    with tempfile.TemporaryDirectory(prefix="bench-od-") as tmp, ExitStack() as stack:
        if args.sqlite:
            url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        else:
            url = args.database_url
            ensure_database(url)
        app = make_app(url)
        how = prepare(app, args.stakeholders, args.seed, args.rebuild, args.dev_fixture, args.sdg)
        print("\n".join(how), flush=True)
        found = sample(app)
        coverage_cold = cold_coverage(app)
        env = {
            "PAGE_CACHE_URL": "",
            "REDIS_URL": "",
            "DATABASE_URL": url,
            "SECRET_KEY": os.environ["SECRET_KEY"],
            "RATELIMIT_ENABLED": "false",
            "BARE_DATABASE_URL": url,
        }
        server = stack.enter_context(gunicorn("wsgi:app", APP_PORT, env))
        stack.enter_context(gunicorn("bench.bare:app", BARE_PORT, env))
        client, bare = Client(APP_PORT), Client(BARE_PORT)
        planned = cases(app, client, found, args)
        rss_before = workers_rss_mb(server)
        results = []
        for case in planned:
            result = measure(case, client, bare, args)
            result.statements = count_statements(app, case.paths[0])
            print(
                f"  {case.what}: p50 {result.p(0.5):.1f} ms, p95 {result.p(0.95):.1f} ms, "
                f"floor {result.bare_p50:.1f} ms, {result.statements} statements",
                flush=True,
            )
            results.append(result)
        rss_after = workers_rss_mb(server)
        downloads = [] if args.no_exports else run_exports(app, url)
        load = wrk if shutil.which("wrk") else thread_client
        tool = (
            f"wrk -t2 -c{args.connections} -d{args.seconds:g}s in its own process"
            if load is wrk
            else f"wrk NOT INSTALLED: {args.connections} client threads in this process for "
            f"{args.seconds:g} s instead"
        )
        ids = found["ids"]
        initiative = found["initiative"]
        loads = [
            (
                "stakeholder page (400 ids)",
                [f"/stakeholders/{i}" for i in ids],
                [f"/detail?id={i}" for i in ids],
            ),
            (
                f"initiative page ({found['partners']:,} partners)",
                [f"/initiatives/{initiative}"],
                [f"/initiative?id={initiative}"],
            ),
            ("API /api/v1/stakeholders", ["/api/v1/stakeholders"], ["/api-list?noun=stakeholders"]),
        ]
        rates = []
        for what, app_paths, bare_paths in loads:
            mine = load(APP_PORT, app_paths, args, Path(tmp))
            floor = load(BARE_PORT, bare_paths, args, Path(tmp))
            rates.append((what, bare_paths[0].split("?")[0], mine, floor))
            print(f"  throughput {what}: {mine['rps']:,.0f} against {floor['rps']:,.0f} req/s")
        rss_end = workers_rss_mb(server)
        header = [
            f"# open_data, {args.stakeholders:,} stakeholders, "
            f"{datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
            "",
            registry_rows(app),
            *machine(app, ("stakeholder", "initiative", "partnership", "commitment", "engagement")),
            *how,
            "page cache: off: every request renders its page",
            f"requests: {args.warmup} warm-up, then {args.requests} timed per page over HTTP to "
            "gunicorn -w 2 (sync), each followed by one to the bare floor named in its line "
            "(bench/bare.py, same gunicorn settings, one query per page)",
        ]
        if args.dev_fixture:
            header.insert(2, "DEV FIXTURE: a harness check, not a measurement of the registry")
    report = [
        *header,
        "",
        *table(results),
        "",
        f"coverage, first request in a fresh process (nothing kept yet, in process): "
        f"{coverage_cold[0]:.0f} ms, {coverage_cold[1]} statements",
        "",
        *(export_lines(downloads) if downloads else ["downloads: skipped (--no-exports)"]),
        "",
        f"throughput, {tool}, each beside its bare page:",
    ]
    for what, floor_page, mine, floor in rates:
        share = mine["rps"] / floor["rps"]
        latency = (
            f"; p50/p99 {_or_unknown(mine['p50'])}/{_or_unknown(mine['p99'])} ms against "
            f"{_or_unknown(floor['p50'])}/{_or_unknown(floor['p99'])} ms"
            if load is wrk
            else ""
        )
        errors = f"; socket errors: {mine['errors']}" if mine["errors"] else ""
        report.append(
            f"- {what}: {mine['rps']:,.0f} req/s against {floor_page}'s {floor['rps']:,.0f} "
            f"({share:.0%}, target ≥ {THROUGHPUT_SHARE:.0%}: {_met(share >= THROUGHPUT_SHARE)})"
            f"{latency}{errors}"
        )
    report += [
        "",
        f"registry workers' RSS: {rss_before:.1f} MB before the timed requests, "
        f"{rss_after:.1f} MB after them, {rss_end:.1f} MB after the throughput runs",
        f"whole run: {time.perf_counter() - started:.0f} s; "
        f"load average (1 min) {load_before} at the start, {load_average()} at the end",
    ]
    print("\n".join(report))
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        suffix = ("-sqlite" if args.sqlite else "") + ("-dev-fixture" if args.dev_fixture else "")
        path = RESULTS / f"open_data-{args.stakeholders}{suffix}.txt"
        path.write_text("\n".join(report) + "\n")
        print(f"written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
