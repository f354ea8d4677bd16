"""Synthetic stakeholders for the benchmarks (``flask generate stakeholders N``).

The rows look like a registry grown over ten years: mostly approved entries, names of 2-5
words drawn from a 5,000-word vocabulary with a Zipf-like spread (a few words are in a third
of the names, most in a handful), one country holding about 40% of the entries, the sectors
and constituencies spread as a real registry's would be. Everything is made here, from
seeded random numbers: no data files, no downloads, and the same seed gives the same rows.

Rows are written in bulk, around the ORM: COPY on PostgreSQL, ``executemany`` on SQLite.
They are flagged ``is_demo`` and carry no audit entries; the generator refuses production.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from functools import cache
from itertools import accumulate

from flask import current_app
from sqlalchemy import Connection, text

from registry import countries, counts
from registry.extensions import db
from registry.generate import bulk
from registry.models import Scale, Stakeholder, Status
from registry.models.stakeholders import stakeholder_constituency
from registry.taxonomy import SECTOR_RANKS, sync_taxonomy

VOCABULARY_SIZE = 5_000
DOMINANT_COUNTRY = "KE"  # about 40% of the entries, as one host country dominates a registry
DOMINANT_SHARE = 0.40
NO_COUNTRY_SHARE = 0.01
# Approval dates run from Habitat III (Quito) to a fixed end, so a seed always gives the same
# dates whatever day it runs on.
FIRST_APPROVAL = datetime(2016, 10, 20, tzinfo=UTC)
LAST_APPROVAL = datetime(2026, 11, 1, tzinfo=UTC)

# Written in this order (the tests and the benchmark read them back by these names).
COLUMNS = (
    "id",
    "name",
    "acronym",
    "sector_code",
    "country",
    "city",
    "scale",
    "website",
    "description",
    "status",
    "is_demo",
    "created_at",
    "updated_at",
    "approved_at",
    "version",
    "country_rank",
    "sector_rank",
)

LINK_COLUMNS = ("stakeholder_id", "constituency_code")
TABLES = (Stakeholder.__table__, stakeholder_constituency)

# Relative weights: civil society and grassroots bodies are most of any such registry.
SECTOR_WEIGHTS = {
    "civil_society": 22,
    "grassroots": 18,
    "local_government": 10,
    "academia": 9,
    "business": 9,
    "network": 4,
    "professional": 4,
    "subnational_government": 4,
    "other": 4,
    "national_government": 3,
    "philanthropy": 3,
    "trade_union": 3,
    "media": 3,
    "development_finance": 1.5,
    "un_system": 1.5,
    "parliament": 1,
}
CONSTITUENCY_WEIGHTS = {
    "women": 15,
    "children_youth": 15,
    "local_communities": 14,
    "urban_poor": 10,
    "persons_with_disabilities": 7,
    "rural": 7,
    "older_persons": 6,
    "indigenous_peoples": 6,
    "displaced": 6,
    "workers": 6,
    "minorities": 5,
    "prisoners": 1,
}
CONSTITUENCY_COUNT_WEIGHTS = {0: 35, 1: 35, 2: 20, 3: 10}
NAME_LENGTH_WEIGHTS = {2: 30, 3: 35, 4: 25, 5: 10}
SCALE_WEIGHTS = {Scale.LOCAL: 45, Scale.NATIONAL: 30, Scale.REGIONAL: 15, Scale.GLOBAL: 10}
STATUS_WEIGHTS = {
    Status.APPROVED: 94,
    Status.SUBMITTED: 2,
    Status.DRAFT: 1.5,
    Status.ARCHIVED: 1,
    Status.CHANGES_REQUESTED: 0.5,
    Status.REJECTED: 0.5,
    Status.WITHDRAWN: 0.5,
}

# The most frequent name words are real ones, so a common-word search reads naturally; the
# long tail is made of pronounceable invented words.
HEAD_WORDS = (  # noqa: SIM905 - a word list reads best as words
    "community urban network foundation association development council city women youth "
    "alliance institute centre housing sustainable local national action initiative forum "
    "partnership social climate resilience planning water people green future habitat "
    "coalition federation union trust society research settlements land rights justice "
    "inclusive regional municipal metropolitan neighbourhood environment health education "
    "innovation finance solidarity cooperative collective studio observatory agency committee "
    "movement platform project mission fund league commons citizens residents transport "
    "mobility energy food heritage culture safety public space markets waste sanitation "
    "informal street village river coast mountain"
).split()
DESCRIPTION_FILLERS = {"and": 30, "the": 30, "of": 25, "for": 15, "in": 15, "with": 10, "to": 10}

_ONSETS = "b c d f g h j k l m n p r s t v w y z br ch dr gr kh kl pr sh st th tr".split()  # noqa: SIM905
_VOWELS = "a e i o u a e i o u ai au ea ei ia io ou".split()  # noqa: SIM905
_CODAS = ["", "", "", "", "n", "r", "s", "l", "m", "k", "nd", "nt"]


class GenerateRefused(RuntimeError):
    """Synthetic rows are never written into production."""


def _random(seed: int | str) -> random.Random:
    # Seeded on purpose: the same seed must give the same registry. Nothing here is secret.
    return random.Random(seed)  # noqa: S311


def _invented_word(rng: random.Random, syllables: int) -> str:
    parts = [rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables)]
    return "".join(parts) + rng.choice(_CODAS)


@cache
def vocabulary() -> tuple[str, ...]:
    """The name vocabulary, most frequent first (the same in every run, whatever the seed)."""
    rng = _random("registry-vocabulary")
    words = list(dict.fromkeys(HEAD_WORDS))
    seen = set(words)
    while len(words) < VOCABULARY_SIZE:
        word = _invented_word(rng, rng.choice((2, 2, 3, 3, 4)))
        # A tail word containing a head word would make the common-word search match it too.
        if word not in seen and not any(head in word for head in HEAD_WORDS if len(head) > 3):
            seen.add(word)
            words.append(word)
    return tuple(words)


def _zipf(size: int, exponent: float = 1.0) -> list[float]:
    return list(accumulate(1 / (rank**exponent) for rank in range(1, size + 1)))


TABLE_SIZE = 200_000  # entries of a draw table: the rarest name word still appears ~4 times


def _table(keys: Sequence, weights: Sequence[float], size: int = TABLE_SIZE) -> tuple:
    """``keys`` repeated in proportion to ``weights`` (each at least once): a weighted draw is
    then one uniform pick, several times faster than ``choices`` with weights (which bisects
    for every draw; a million rows make some forty million draws)."""
    total = sum(weights)
    table: list = []
    for key, weight in zip(keys, weights, strict=True):
        table.extend([key] * max(1, round(size * weight / total)))
    return tuple(table)


@cache
def _mapping_table(items: tuple[tuple, ...]) -> tuple:
    keys, weights = zip(*items, strict=True)
    return _table(keys, weights, 1_000)


def _draws(mapping: dict) -> tuple:
    """The draw table of a small weighted mapping (key -> relative weight)."""
    return _mapping_table(tuple(mapping.items()))


def _increments(cumulative: list[float]) -> list[float]:
    return [b - a for a, b in zip([0.0, *cumulative[:-1]], cumulative, strict=True)]


@cache
def _country_table() -> tuple:
    """Country codes drawn one uniform pick: one country at 40%, the rest Zipf-like."""
    others = sorted(code for code in countries.names() if code != DOMINANT_COUNTRY)
    _random("registry-countries").shuffle(others)
    tail = _zipf(len(others), 0.7)
    scale = (1 - DOMINANT_SHARE - NO_COUNTRY_SHARE) / tail[-1]
    weights = [DOMINANT_SHARE, NO_COUNTRY_SHARE, *(w * scale for w in _increments(tail))]
    return _table((DOMINANT_COUNTRY, None, *others), weights)


@cache
def cities(country: str) -> tuple[tuple[str, ...], tuple]:
    """A small invented list of cities for ``country`` (the dominant one has more), and a
    draw table with Zipf weights: the capital holds the most entries."""
    rng = _random(f"registry-cities-{country}")
    size = 25 if country == DOMINANT_COUNTRY else rng.randint(2, 8)
    names: dict[str, None] = {}
    while len(names) < size:
        name = _invented_word(rng, rng.choice((2, 3))).capitalize()
        if rng.random() < 0.15:
            name = f"{rng.choice(('Port', 'New', 'San', 'Lake', 'North'))} {name}"
        names[name] = None
    return tuple(names), _table(tuple(names), _increments(_zipf(size, 1.2)), 1_000)


@cache
def _name_table() -> tuple[str, ...]:
    words = vocabulary()
    return _table(words, _increments(_zipf(len(words))))


def _name_and_acronym(rng: random.Random, table: tuple[str, ...], lengths: tuple):
    length = rng.choice(lengths)
    chosen: list[str] = []
    while len(chosen) < length:  # no word twice in one name
        for word in rng.choices(table, k=length - len(chosen)):
            if word not in chosen:
                chosen.append(word)
    name = " ".join(word.capitalize() for word in chosen)
    acronym = "".join(word[0] for word in chosen).upper() if rng.random() < 0.3 else None
    return chosen, name, acronym


@cache
def _description_table() -> tuple[str, ...]:
    words = vocabulary()
    # Fillers take about a third of the words, as function words do in real prose.
    share = sum(DESCRIPTION_FILLERS.values())
    zipf = _increments(_zipf(len(words)))
    scale = 2 * share / sum(zipf)
    weights = [*DESCRIPTION_FILLERS.values(), *(w * scale for w in zipf)]
    return _table((*DESCRIPTION_FILLERS, *words), weights)


def _description(rng: random.Random, table: tuple[str, ...]) -> str:
    return " ".join(rng.choices(table, k=rng.randint(20, 60))).capitalize() + "."


def _rows(n: int, first_id: int, seed: int) -> Iterator[tuple[tuple, list[tuple[int, str]]]]:
    """``n`` stakeholder rows (as tuples in COLUMNS order) with their constituency links."""
    rng = _random(seed)
    names, descriptions, country_table = _name_table(), _description_table(), _country_table()
    span = (LAST_APPROVAL - FIRST_APPROVAL).total_seconds()
    ranks = countries.ranks()
    lengths, sectors, scales = (
        _draws(NAME_LENGTH_WEIGHTS),
        _draws(SECTOR_WEIGHTS),
        _draws(SCALE_WEIGHTS),
    )
    statuses, counts = _draws(STATUS_WEIGHTS), _draws(CONSTITUENCY_COUNT_WEIGHTS)
    constituencies = _draws(CONSTITUENCY_WEIGHTS)
    choice = rng.choice
    for stakeholder_id in range(first_id, first_id + n):
        chosen, name, acronym = _name_and_acronym(rng, names, lengths)
        sector, scale, status = choice(sectors), choice(scales), choice(statuses)
        count = choice(counts)
        country = choice(country_table)
        city = None
        if country is not None and (scale in {Scale.LOCAL, Scale.REGIONAL} or rng.random() < 0.5):
            city = rng.choice(cities(country)[1])
        website = None
        if rng.random() < 0.5:
            website = f"https://www.{'-'.join(chosen[:2])}.{rng.choice(('org', 'net', 'info'))}"
        # More entries in later years: the registry grows.
        approved = FIRST_APPROVAL + timedelta(seconds=int(span * rng.random() ** 0.7))
        created = approved - timedelta(seconds=rng.randint(3_600, 90 * 86_400))
        approved_at = approved if status in {Status.APPROVED, Status.ARCHIVED} else None
        updated = approved if approved_at else created
        codes: list[str] = []
        while len(codes) < count:
            code = choice(constituencies)
            if code not in codes:
                codes.append(code)
        row = (
            stakeholder_id,
            name,
            acronym,
            sector,
            country,
            city,
            scale.value,
            website,
            _description(rng, descriptions),
            status.value,
            True,
            created,
            updated,
            approved_at,
            1,
            ranks.get(country or "", countries.NO_COUNTRY_RANK),
            SECTOR_RANKS[sector],
        )
        yield row, [(stakeholder_id, code) for code in codes]


def _batches(rows: Iterator, size: int) -> Iterator[tuple[list[tuple], list[tuple]]]:
    stakeholders: list[tuple] = []
    links: list[tuple] = []
    for row, row_links in rows:
        stakeholders.append(row)
        links.extend(row_links)
        if len(stakeholders) == size:
            yield stakeholders, links
            stakeholders, links = [], []
    if stakeholders:
        yield stakeholders, links


def write_stakeholders(
    conn: Connection, n: int, seed: int, batch: int = 10_000
) -> Iterator[tuple[list[tuple], list[tuple]]]:
    """Write ``n`` stakeholders and their constituency links in batches (the indexes are the
    caller's business), yielding each batch (stakeholder rows, links) once it is written."""
    first_id = bulk.first_id(conn, Stakeholder.__table__, n)
    for stakeholders, links in _batches(_rows(n, first_id, seed), batch):
        bulk.write(conn, Stakeholder.__table__, COLUMNS, stakeholders)
        bulk.write(conn, stakeholder_constituency, LINK_COLUMNS, links)
        yield stakeholders, links


def refuse_production() -> None:
    if current_app.config["REGISTRY_ENV"] == "production":
        raise GenerateRefused("generate refuses to run when REGISTRY_ENV=production.")


def generate_stakeholders(n: int, seed: int = 0, batch: int = 10_000) -> int:
    """Add ``n`` synthetic stakeholders (about 94% approved) with their constituencies, in
    the caller's transaction; return how many were added. The caller commits."""
    refuse_production()
    if n <= 0:
        return 0
    sync_taxonomy()  # the rows refer to sector and constituency codes
    conn = db.session.connection()
    # COPY into tables without their secondary indexes, then build each index once: keeping
    # eleven indexes current row by row made a million rows take minutes instead of seconds.
    with bulk.without_indexes(conn, TABLES):
        for _written in write_stakeholders(conn, n, seed, batch):
            pass
    # The rows went in around the ORM, so the maintained counts are recounted once.
    counts.recount(counts.listing_for("stakeholder"))
    if conn.dialect.name == "postgresql":
        conn.execute(text("ANALYZE facet_count"))  # or the vocabulary look-ups plan blind
    return n
