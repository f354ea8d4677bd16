"""What the parts of ``generate registry`` share: the run's state (its random numbers, its
clock, the ids it hands out, the stakeholders and items it links to) and small makers of
dates and words."""

from __future__ import annotations

import random
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, Table, text

from registry.generate import bulk
from registry.generate.stakeholders import _description_table, _name_table, _random

BATCH = 5_000  # entries made and written at a time (with their dependent rows)
FIRST_DAY = date(2016, 10, 20)  # Habitat III: nothing is older
CORPUS_WORDS = 200_000


def columns(names: str) -> list[str]:
    return names.split()


def tables(*models: Any) -> tuple[Table, ...]:
    return tuple(getattr(model, "__table__", model) for model in models)


class Ids:
    """The next ids of one table, from after its largest row. The sequence is moved past the
    rows at the end (``close``): a registry is generated before the app takes writes."""

    def __init__(self, conn: Connection, table: Table) -> None:
        self.table = table
        self.first = self.next = bulk.first_id(conn, table, 0)

    def take(self) -> int:
        value = self.next
        self.next += 1
        return value

    def close(self, conn: Connection) -> None:
        if self.next > self.first and bulk.postgresql(conn):
            conn.execute(
                text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :value)"),
                {"table": self.table.name, "value": self.next - 1},
            )


Sink = Callable[[Table | None, list[str], list[tuple]], None]


@dataclass
class Run:
    """One run's state. The makers hand their rows to ``sink`` (the writer, on the thread
    holding the connection) and never touch the database themselves."""

    rng: random.Random
    as_of: date
    items: tuple[int, ...]  # a draw table of the alignable framework items (empty if none)
    ids: dict[str, Ids]
    sink: Sink
    approved: array = field(default_factory=lambda: array("q"))  # the run's approved ids
    # (stakeholder, initiative) of some active partnerships; (stakeholder, engagement) of
    # some participations: what a commitment may name.
    partner_pairs: list[tuple[int, int]] = field(default_factory=list)
    participant_pairs: list[tuple[int, int]] = field(default_factory=list)
    initiatives: tuple[int, int] = (0, 0)  # the run's first initiative id, and how many

    def write(self, table: Table, names: list[str], rows: list[tuple]) -> None:
        self.sink(table, names, rows)

    def made(self, entries: int) -> None:
        """``entries`` more entries made (the progress bar's unit)."""
        self.sink(None, [], [()] * entries)

    def stakeholders(self, k: int) -> list[int]:
        """``k`` distinct approved stakeholders (fewer if the run has fewer)."""
        approved, pick = self.approved, self.rng.randrange
        k = min(k, len(approved))
        chosen: dict[int, None] = {}
        while len(chosen) < k:
            chosen[approved[pick(len(approved))]] = None
        return list(chosen)

    def aligned(self, k: int) -> list[int]:
        """Up to ``k`` distinct framework items, the popular ones more often."""
        if not self.items or k <= 0:
            return []
        chosen: dict[int, None] = {}
        for _ in range(k * 3):  # a popular item drawn twice is simply one fewer
            chosen[self.rng.choice(self.items)] = None
            if len(chosen) == k:
                break
        return list(chosen)

    def words(self, k: int) -> str:
        """``k`` capitalised name words (a title's)."""
        return " ".join(w.capitalize() for w in self.rng.choices(_name_table(), k=k))

    def text(self, low: int, high: int) -> str:
        """A sentence of ``low`` to ``high`` words: a slice of one long seeded text, several
        times cheaper than drawing each word (and the prose of a registry repeats itself)."""
        corpus = _corpus()
        start = self.rng.randrange(len(corpus) - high)
        return " ".join(corpus[start : start + self.rng.randint(low, high)]).capitalize() + "."


@cache
def _corpus() -> tuple[str, ...]:
    return tuple(_random("registry-corpus").choices(_description_table(), k=CORPUS_WORDS))


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


day = date.fromordinal  # dates are counted in ordinals, made into dates when written
