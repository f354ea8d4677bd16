"""A whole synthetic registry (``flask generate registry N``): N stakeholders, and around them
the initiatives they work on together, their partnerships, the engagements where they meet,
the commitments they make with deliverables, resources and progress reports, and the
alignment of all of it to the framework items loaded (SDG targets, resolution paragraphs).

Proportions per stakeholder (``PROPORTIONS``; at 1M stakeholders, about 6.3M other rows):

* 0.2 initiatives, each in 1-5 countries and aligned to 0-3 items, with ~6 partners on
  average, heavy-tailed: most have 2-8, one in ten 9-30, a few hundreds. The first initiative
  is a global coalition with ``GIANT_PARTNERS`` partners (270 active) from ``GIANT_FROM``
  stakeholders on, so an initiative page with 200 partners exists at every benchmark size.
  Partnerships are active (84%), ended, proposed, declined or withdrawn; the lead partner is
  the initiative's lead. Only approved stakeholders are partners (as the services demand).
* 0.1 engagements (half of them past, a year ahead at most), each with an organizer, 0-2
  co-hosts, 0-3 speakers and 0-6 participants, 0-4 outcomes once over, 0-2 aligned items, and
  one in seven serving an initiative.
* 0.4 commitments, 90% approved, by approved stakeholders: one in four within an initiative
  its stakeholder is an active partner of, one in ten announced at an engagement it took part
  in. Each has 1-4 deliverables, 1-2 resources, 1-3 aligned items, and (approved ones) 0-3
  progress reports with their deliverable updates. The derived columns (progress, last
  activity, completion, next due date) are what ``registry.commitments.progress.refresh``
  would compute, and the lights are spread: on track, overdue, inactive and completed all
  occur, some with no report at all, some with a slipped deliverable.

Dates are counted back from ``as_of`` (today unless given), since the traffic light is read
against the clock: the same seed on the same ``as_of`` gives the same rows. With no
framework items in the database, alignment is skipped (and the summary says so).

No audit entries, no revisions: the rows are flagged ``is_demo`` and made by nobody.
"""

from __future__ import annotations

import queue
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import UTC, date, datetime
from time import perf_counter

from sqlalchemy import Connection, select, text

from registry import counts
from registry.extensions import db
from registry.frameworks.picker import ALIGNABLE_KINDS
from registry.generate import bulk, commitments, engagements, initiatives
from registry.generate.common import Ids, Run, Sink
from registry.generate.stakeholders import (
    COLUMNS,
    LINK_COLUMNS,
    _batches,
    _random,
    _rows,
    refuse_production,
    vocabulary,
)
from registry.generate.stakeholders import TABLES as STAKEHOLDER_TABLES
from registry.models import FrameworkItem, Stakeholder
from registry.models.stakeholders import stakeholder_constituency
from registry.taxonomy import sync_taxonomy

PROPORTIONS = {"initiative": 0.2, "engagement": 0.1, "commitment": 0.4}  # per stakeholder
GIANT_FROM = 10_000  # from this many stakeholders on, the first initiative is a giant
GIANT_PARTNERS = 300  # its partners; every tenth has ended, so 270 are active
# Every table a run writes, in the order it writes them (the keys of the summary).
TABLES = STAKEHOLDER_TABLES + initiatives.TABLES + engagements.TABLES + commitments.TABLES
# From this many stakeholders on, the indexes and foreign keys are dropped for the load and
# made again after it; below, keeping them current row by row costs less than remaking them.
REBUILD_FROM = 5_000
QUEUED_BATCHES = 8  # batches made ahead of the writer at most (memory stays flat)
STAKEHOLDER_BATCH = 10_000


def _items(conn: Connection) -> tuple[int, ...]:
    """A draw table of the framework items an entry may be aligned to: SDG 11's targets (the
    urban goal) weigh most, then the others with a Zipf spread. Empty without frameworks."""
    stmt = (
        select(FrameworkItem.id, FrameworkItem.code)
        .where(FrameworkItem.kind.in_(ALIGNABLE_KINDS), FrameworkItem.archived_at.is_(None))
        .order_by(FrameworkItem.id)
    )
    rows = list(conn.execute(stmt))
    if not rows:
        return ()
    urban = [item for item, code in rows if code.startswith("11.")]
    others = [item for item, code in rows if not code.startswith("11.")]
    _random("registry-items").shuffle(others)
    ordered = urban + others
    weights = [1 / rank for rank in range(1, len(ordered) + 1)]
    table: list[int] = []
    for item, weight in zip(ordered, weights, strict=True):
        table.extend([item] * max(1, round(2_000 * weight / sum(weights))))
    return tuple(table)


def planned(stakeholders: int) -> dict[str, int]:
    """How many of each entry a run of ``stakeholders`` makes (the progress bar's length)."""
    return {"stakeholder": stakeholders} | {
        key: round(stakeholders * share) for key, share in PROPORTIONS.items()
    }


def _make(run: Run, first: int, stakeholders: int, seed: int, giant: int) -> None:
    """Make every row of the run, in order, handing them to ``run.sink``; the stakeholders'
    ids from ``first``."""
    plan = planned(stakeholders)
    for rows, links in _batches(_rows(stakeholders, first, seed), STAKEHOLDER_BATCH):
        run.approved.extend(row[0] for row in rows if row[9] == "approved")
        run.write(Stakeholder.__table__, list(COLUMNS), rows)
        run.write(stakeholder_constituency, list(LINK_COLUMNS), links)
        run.made(len(rows))
    if not run.approved:
        return
    initiatives.make(run, plan["initiative"], giant)
    engagements.make(run, plan["engagement"])
    commitments.make(run, plan["commitment"])


class _Stopped(Exception):
    """The writer failed: the maker stops."""


def _made_ahead(make: Callable[[Callable], None]) -> Iterator[tuple]:
    """The rows ``make`` hands out, made on a second thread while this one writes: the
    database turns one batch into rows and index entries while Python makes the next (two
    cores, both busy). At most ``QUEUED_BATCHES`` wait; an error on either side stops both."""
    handed: queue.Queue = queue.Queue(maxsize=QUEUED_BATCHES)
    stop = threading.Event()
    done = object()

    def put(item) -> None:
        while not stop.is_set():
            try:
                handed.put(item, timeout=0.1)
                return
            except queue.Full:
                continue
        raise _Stopped

    def maker() -> None:
        try:
            try:
                make(lambda table, names, rows: put((table, names, rows)))
            except _Stopped:
                return
            except BaseException as exc:  # handed to the writer's thread, raised there
                put(exc)
                return
            put(done)
        except _Stopped:
            return

    thread = threading.Thread(target=maker, name="generate-registry", daemon=True)
    thread.start()
    try:
        while (item := handed.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()


def generate_registry(
    stakeholders: int,
    seed: int = 0,
    *,
    as_of: date | None = None,
    giant: int | None = None,
    progress: Callable[[int], None] | None = None,
    timings: dict[str, float] | None = None,
) -> dict[str, int]:
    """Add a synthetic registry around ``stakeholders`` new stakeholders, in the caller's
    transaction (the caller commits); return the rows written per table.

    ``as_of``: the day the lights are read against (today). ``giant``: the partners of the
    first initiative (``GIANT_PARTNERS`` from ``GIANT_FROM`` stakeholders on, else none
    beyond the heavy tail). ``progress(n)`` hears of every n entries made; ``timings`` (if
    given) gets the seconds spent writing rows, building indexes and recounting."""
    refuse_production()
    if stakeholders <= 0:
        return {}
    sync_taxonomy()  # the rows refer to sector and constituency codes
    conn = db.session.connection()
    if giant is None:
        giant = GIANT_PARTNERS if stakeholders >= GIANT_FROM else 0
    ids = {
        table.name: Ids(conn, table)
        for table in TABLES
        if "id" in table.c and table is not Stakeholder.__table__
    }
    first = bulk.first_id(conn, Stakeholder.__table__, stakeholders)  # reserved up front
    run = Run(
        rng=_random(f"registry-{seed}"),
        as_of=as_of or datetime.now(UTC).date(),
        items=_items(conn),
        ids=ids,
        sink=lambda _table, _names, _rows: None,
    )
    vocabulary()  # made once, before the threads start

    def make(sink: Sink) -> None:
        run.sink = sink
        _make(run, first, stakeholders, seed, giant)

    written: Counter[str] = Counter()
    clock = timings if timings is not None else {}
    started = perf_counter()
    rebuilt = TABLES if stakeholders >= REBUILD_FROM else ()
    with bulk.without_indexes(conn, rebuilt):
        with closing(_made_ahead(make)) as made:
            for table, names, rows in made:
                if table is None:
                    if progress:
                        progress(len(rows))
                else:
                    written[table.name] += bulk.write(conn, table, names, rows)
        clock["rows"] = perf_counter() - started
    clock["indexes"] = perf_counter() - started - clock["rows"]
    for counter in ids.values():
        counter.close(conn)
    # The rows went in around the ORM: the maintained counts are recounted, once each.
    for key in counts.counted_lists():
        counts.recount(counts.listing_for(key))
    if bulk.postgresql(conn):
        conn.execute(text("ANALYZE facet_count"))
    clock["counts"] = perf_counter() - started - clock["rows"] - clock["indexes"]
    return {table.name: written[table.name] for table in TABLES}
