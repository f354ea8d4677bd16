"""Search everything: the public stakeholders, initiatives, commitments, engagements and
framework items in one ranked list, with facet counts and the matched words marked.

**Indexes kept by the database.** PostgreSQL: each searched table has a stored generated
``search_vector`` (a weighted ``tsvector``: names and titles A, places and long titles B,
descriptions C) with a GIN index; the 'english' configuration, so that "networks" finds
"Network" and "youth network" finds "Nakuru Youth Networks" (names in other languages still
match word for word; stemming rarely joins two unrelated words). The models do not map the
column: nothing writes it, queries name it (``registry.database`` keeps it out of the model
comparison). SQLite: an FTS5 external-content table per noun (``search_<table>``) over the
same columns, kept current by AFTER INSERT/UPDATE/DELETE triggers, with an ``fts5vocab``
table over it. Both are made by the migration ``5e4c1b7d9a20``. (A later migration that
rebuilds one of these tables on SQLite, batch mode's copy-and-move, drops its triggers and
must make them again; ``tests/test_search.py`` checks that the index follows every change.)

**Queries.** PostgreSQL takes what was typed through ``websearch_to_tsquery`` (quotes,
``or``, ``-word``; it never raises on unbalanced input). SQLite's MATCH syntax raises on bad
input, so user text never becomes FTS5 syntax: each word is quoted as an FTS5 string (inner
quotes doubled), words of three letters or more match as prefixes, with an English plural's
singular as an alternative (``("city"* OR "cities"*)``: the unstemmed index's way to forgive
word forms), and all must match. Word order never matters.

**Ranking, bounded.** Each kind reads at most ``MATCH_CAP`` public rows whose *title* has
every word (a GIN expression index on the title's words; an FTS5 column filter), then at
most ``MATCH_CAP`` matching anywhere (in index order, not ranked: ranking every match of a
common word costs hundreds of ms at a million rows, PERFORMANCE-NOTES.md lesson 1), so a
common word's best matches are never cut by the cap. They are scored: ``ts_rank_cd`` on
PostgreSQL, ``bm25`` with column weights on SQLite. Scores of different tables are only
roughly comparable, so above them sits a tier: every word found in the name or title ranks
first, so a name match always ranks above a description match (PostgreSQL:
``ts_filter(vector, '{a}')``; SQLite: the title read, or the same test in Python, tokenized
as FTS5 does). The merged list is sorted in Python and only its first ``RESULT_CAP`` are
offered, ``PER_PAGE`` a page: deeper pages are not offered (a search that needs them needs
another word or a filter). Counts are exact up to the caps and said to be "more than" past
them.

**Facets** (type, sector, country, SDG goal) are counted in Python over the same bounded
candidates, after every chosen filter (which the SQL applies, so a filter is never cut by
the cap): each number is how many results adding that choice leaves. Sector and country of
a commitment are its stakeholder's; an initiative's countries and a commitment's goals come
from their link tables in one more statement.

**Typos.** When fewer than ``FEW`` results come back, each query word that no public row
has is corrected. PostgreSQL: from the stakeholder names' vocabulary (the maintained word
counts, trigram-indexed, as ``registry.stakeholders.similar`` does), then for words still
unknown from the titles of rows with a similar word (trigram ``%>`` on the GIN-indexed
names and titles, ``FALLBACK_CAP`` per kind), all under a statement timeout. SQLite: the
FTS5 vocabulary gives terms with the same first letter and a length within two, at most
``VOCAB_CAP`` per table, scored by edit distance in Python. The corrected query is run at
once when nothing matched (and the page says so), or offered ("Did you mean …?") beside a
few results; on PostgreSQL the similar titles themselves are shown when even that finds
nothing. A draft's words never surface: a correction is shown only with public results.

**Highlights** are made for the page's rows only, never for candidates: ``ts_headline`` on
PostgreSQL, the same words found in Python on SQLite. Either way the text is escaped first
and only the marks become HTML.

Statements per search: one for the candidates, one for their link-table facets, one for the
page's rows; the typo path adds at most eight (its time limit's savepoint and settings
included). None grows with the number of results.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any
from urllib.parse import urlencode

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from rapidfuzz.distance import Levenshtein
from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    String,
    Text,
    any_,
    bindparam,
    case,
    cast,
    column,
    exists,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    table,
    union_all,
    values,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.orm import aliased

from registry import countries
from registry.database import within_time
from registry.extensions import db
from registry.lists import WORDS
from registry.models import (
    Commitment,
    Engagement,
    FacetCount,
    Framework,
    FrameworkItem,
    Initiative,
    InitiativeCountry,
    Stakeholder,
    Status,
)
from registry.models.commitments import commitment_alignment
from registry.taxonomy import SECTOR_CODES
from registry.text import clean

MAX_QUERY = 200  # characters searched; a longer query is cut, and the page says so
MAX_WORDS = 10  # words of a query used on SQLite (all must match) and for corrections
MATCH_CAP = 500  # rows read per kind and read (title, anywhere), at most: 5,000 in all
RESULT_CAP = 200  # of the merged ranked list, the results offered in pages
PER_PAGE = 20
MAX_PAGE = RESULT_CAP // PER_PAGE
FEW = 3  # fewer results than this: look for a spelling correction
FALLBACK_CAP = 10  # PostgreSQL: titles with a similar word, per kind
WORD_SIMILARITY = "0.45"  # pg_trgm.word_similarity_threshold ("nakru" in "Nakuru …": 0.5)
VOCABULARY_SIMILARITY = 0.4  # as registry.stakeholders.similar corrects a typed name's words
CLOSE = 0.7  # a known word this similar (normalized Levenshtein) corrects a typed one
MIN_CORRECTED = 4  # shorter words are not corrected (too many near neighbours)
VOCAB_CAP = 2_000  # SQLite: vocabulary terms scored per table and word, at most
TIMEOUT_MS = 300  # the typo path is dropped, not waited for, past this (PostgreSQL)
PREFIX_FROM = 3  # SQLite: words this long or longer match as prefixes
SDG = "sdg"
ENGLISH = literal_column("'english'::regconfig")
START, STOP = "\ue000", "\ue001"  # marks around matched words, private-use characters
TITLE_MARKS = f'StartSel="{START}", StopSel="{STOP}", HighlightAll=true'
BODY_MARKS = (
    f'StartSel="{START}", StopSel="{STOP}", MaxWords=30, MinWords=12, ShortWord=2, '
    'MaxFragments=2, FragmentDelimiter=" … "'
)
SNIPPET_WORDS = 30  # SQLite: words of context around the first match
SNIPPET_BEFORE = 8


# --- what is searched ---------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """A searched noun: its table, the columns its index covers (as the migration made
    them), which of them form the title, and their weights for SQLite's bm25."""

    key: str
    label: Any
    model: type
    columns: tuple[str, ...]
    titles: int  # the first this many columns are the title (weight A)
    weights: tuple[float, ...]
    trigram: Any  # the title column with a trigram index (PostgreSQL's typo fallback)
    # PostgreSQL: the title's words, exactly as the migration's expression index has them.
    title_sql: str

    @property
    def fts(self) -> str:
        return f"search_{self.model.__tablename__}"

    def vector(self) -> ColumnElement:
        return literal_column(f"{self.model.__tablename__}.search_vector", TSVECTOR)

    def title_vector(self) -> ColumnElement:
        """The title's words: ``ix_<table>_title_search`` (a GIN expression index)."""
        return literal_column(f"to_tsvector('english'::regconfig, {self.title_sql})", TSVECTOR)

    def title_filter(self) -> str:
        """SQLite: the FTS5 column filter of the title's columns."""
        return "{" + " ".join(self.columns[: self.titles]) + "}"


KINDS = (
    Kind(
        "stakeholder",
        _l("Stakeholder"),
        Stakeholder,
        ("name", "acronym", "city", "description"),
        2,
        (10.0, 10.0, 4.0, 1.0),
        Stakeholder.name,
        "coalesce(stakeholder.name, '') || ' ' || coalesce(stakeholder.acronym, '')",
    ),
    Kind(
        "initiative",
        _l("Initiative"),
        Initiative,
        ("title", "cities", "summary"),
        1,
        (10.0, 4.0, 1.0),
        Initiative.title,
        "coalesce(initiative.title, '')",
    ),
    Kind(
        "commitment",
        _l("Commitment"),
        Commitment,
        ("title", "description"),
        1,
        (10.0, 1.0),
        Commitment.title,
        "coalesce(commitment.title, '')",
    ),
    Kind(
        "engagement",
        _l("Engagement"),
        Engagement,
        ("title", "venue", "city", "summary"),
        1,
        (10.0, 4.0, 4.0, 1.0),
        Engagement.title,
        "coalesce(engagement.title, '')",
    ),
    Kind(
        "framework_item",
        _l("Framework item"),
        FrameworkItem,
        ("code", "short_title", "title"),
        2,
        (10.0, 10.0, 4.0),
        FrameworkItem.title,
        "coalesce(framework_item.code, '') || ' ' || coalesce(framework_item.short_title, '')",
    ),
)
BY_KEY = {kind.key: kind for kind in KINDS}
ORDER = {kind.key: n for n, kind in enumerate(KINDS)}
GOAL = re.compile(r"[0-9]{1,2}")
FACETS = ("type", "sector", "country", "goal")


# --- what was asked -----------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """The query and the chosen facet values, validated: an unknown value is no filter."""

    q: str = ""
    type: str = ""
    sector: str = ""
    country: str = ""
    goal: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> tuple[Filters, list[tuple[str, str]], bool]:
        """(the filters, the (name, value) pairs left out as unknown, whether the query was
        cut to MAX_QUERY characters)."""
        raw = clean(args.get("q"))
        q = " ".join(raw[:MAX_QUERY].split())
        chosen = {name: clean(args.get(name), 40) for name in FACETS}
        valid = {
            "type": chosen["type"] in BY_KEY,
            "sector": chosen["sector"] in SECTOR_CODES,
            "country": chosen["country"].upper() in countries.names(),
            "goal": bool(GOAL.fullmatch(chosen["goal"])) and 1 <= int(chosen["goal"]) <= 17,
        }
        unknown = [(n, chosen[n]) for n in FACETS if chosen[n] and not valid[n]]
        kept = {n: chosen[n] if valid[n] else "" for n in FACETS}
        kept["country"] = kept["country"].upper()
        return cls(q=q, **kept), unknown, len(raw) > MAX_QUERY

    @property
    def active(self) -> list[str]:
        return [name for name in FACETS if getattr(self, name)]

    def args(self, **changes: str) -> dict[str, str]:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return {key: value for key, value in values.items() if value}

    def href(self, base: str, **changes: str) -> str:
        args = self.args(**changes)
        return f"{base}?{urlencode(args)}" if args else base


# --- candidates ---------------------------------------------------------------------------


@dataclass
class Candidate:
    kind: str
    id: int
    score: float
    tier: int
    sector: str | None
    countries: list[str] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple:
        return (-self.tier, -self.score, ORDER[self.kind], self.id)


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _goal_items(code: str):
    """The SDG goal's item and its targets' (what a commitment aligned to the goal names)."""
    goal = (
        select(FrameworkItem.id)
        .join(Framework, Framework.id == FrameworkItem.framework_id)
        .where(Framework.code == SDG, FrameworkItem.code == code, FrameworkItem.kind == "goal")
    )
    return select(FrameworkItem.id).where(
        or_(FrameworkItem.id.in_(goal), FrameworkItem.parent_id.in_(goal))
    )


def _item_goal(item, framework) -> tuple[Any, Any, ColumnElement]:
    """(parent, grandparent, the SDG goal's code of ``item``): a goal is its own, a target's
    is its parent's, an indicator's its grandparent's; items of other frameworks have none."""
    parent = aliased(FrameworkItem, name="parent_item")
    grand = aliased(FrameworkItem, name="grand_item")
    goal = case(
        (framework.code == SDG, func.coalesce(grand.code, parent.code, item.code)), else_=None
    )
    return parent, grand, goal


def public(kind: Kind) -> list[ColumnElement[bool]]:
    """The rows of ``kind`` anyone may see: approved stakeholders and commitments, every
    initiative and engagement (staff publish them), framework items in use."""
    if kind.model is Stakeholder:
        return [Stakeholder.status == Status.APPROVED]
    if kind.model is Commitment:
        return [Commitment.status == Status.APPROVED]
    if kind.model is FrameworkItem:
        return [FrameworkItem.archived_at.is_(None)]
    return []


def _shaped(kind: Kind, filters: Filters, columns: list[Any]):
    """The kind's statement of ``columns`` (prefix) with its facet columns (sector, country,
    goal), public rows only, under the chosen filters; None when a filter excludes the kind
    (an initiative has no sector, a stakeholder no goal)."""
    if filters.type and filters.type != kind.key:
        return None
    model = kind.model
    where = public(kind)
    sector = country = goal = null()
    stmt = None
    if model is Stakeholder:
        sector, country = Stakeholder.sector_code, Stakeholder.country
        if filters.sector:
            where.append(Stakeholder.sector_code == filters.sector)
        if filters.country:
            where.append(Stakeholder.country == filters.country)
        if filters.goal:
            return None
    elif model is Commitment:
        owner = aliased(Stakeholder, name="owner")
        sector, country = owner.sector_code, owner.country
        if filters.sector:
            where.append(owner.sector_code == filters.sector)
        if filters.country:
            where.append(owner.country == filters.country)
        if filters.goal:
            where.append(
                exists().where(
                    commitment_alignment.c.commitment_id == Commitment.id,
                    commitment_alignment.c.item_id.in_(_goal_items(filters.goal)),
                )
            )
        stmt = lambda s: s.join(owner, owner.id == Commitment.stakeholder_id)  # noqa: E731
    elif model is Initiative:
        if filters.sector or filters.goal:
            return None
        if filters.country:
            where.append(
                exists().where(
                    InitiativeCountry.initiative_id == Initiative.id,
                    InitiativeCountry.code == filters.country,
                )
            )
    elif model is Engagement:
        country = Engagement.country
        if filters.sector or filters.goal:
            return None
        if filters.country:
            where.append(Engagement.country == filters.country)
    else:
        if filters.sector or filters.country:
            return None
        framework = aliased(Framework, name="item_framework")
        parent, grand, goal = _item_goal(FrameworkItem, framework)
        if filters.goal:
            where.append(goal == filters.goal)

        def stmt(s):
            return (
                s.join(framework, framework.id == FrameworkItem.framework_id)
                .outerjoin(parent, parent.id == FrameworkItem.parent_id)
                .outerjoin(grand, grand.id == parent.parent_id)
            )

    base = select(
        *columns,
        cast(sector, String).label("sector"),
        cast(country, String).label("country"),
        cast(goal, String).label("goal"),
    ).select_from(model)
    if stmt is not None:
        base = stmt(base)
    return base.where(*where)


def _title_text(kind: Kind) -> ColumnElement:
    parts = [func.coalesce(getattr(kind.model, name), "") for name in kind.columns[: kind.titles]]
    text = parts[0]
    for part in parts[1:]:
        text = text.op("||")(" ").op("||")(part)
    return text


def _union(branches: list) -> list:
    """Rows of the branches (each a bounded statement) in one statement."""
    if not branches:
        return []
    wrapped = [select(b.subquery().c) for b in branches]  # a LIMIT inside each, on SQLite too
    stmt = wrapped[0] if len(wrapped) == 1 else union_all(*wrapped)
    return db.session.execute(stmt).all()  # one fetchall: a tenth of fetching row by row


def _full_text(filters: Filters, q: str, words: list[str]) -> tuple[list[Candidate], bool]:
    """The matching public rows of each kind, scored, with their facet values: one
    statement. Per kind, at most MATCH_CAP rows whose title has every word (so that the best
    are never left out by the cap) and at most MATCH_CAP rows matching anywhere. Also
    whether some kind had more."""
    postgres = _postgres()
    if not postgres and not words:
        return [], False
    branches = []
    for kind in KINDS:
        for part in (TITLE, ANYWHERE):
            stmt = (_postgres_branch if postgres else _sqlite_branch)(kind, filters, q, words, part)
            if stmt is not None:
                branches.append(stmt.limit(MATCH_CAP + 1))
    return _candidates(_union(branches), words, postgres)


TITLE, ANYWHERE = 0, 1  # the two reads of a kind: title matches first, then any match


def _postgres_branch(kind: Kind, filters: Filters, q: str, words: list[str], part: int):
    vector = kind.vector()
    query = func.websearch_to_tsquery(ENGLISH, q)
    if part == TITLE:
        tier = literal(1, Integer)
        match = kind.title_vector().op("@@")(query)
    else:
        weighted_a = func.ts_filter(vector, literal_column("'{a}'::\"char\"[]"))
        tier = cast(weighted_a.op("@@")(query), Integer)
        match = vector.op("@@")(query)
    columns = [
        literal(kind.key, String).label("kind"),
        literal(part, Integer).label("part"),
        kind.model.id.label("id"),
        cast(func.ts_rank_cd(vector, query), Float).label("score"),
        tier.label("tier"),
        cast(null(), Text).label("title"),
    ]
    stmt = _shaped(kind, filters, columns)
    return None if stmt is None else stmt.where(match)


def _sqlite_branch(kind: Kind, filters: Filters, q: str, words: list[str], part: int):
    fts = table(kind.fts)
    matched = literal_column(kind.fts)
    expression = fts_query(words)
    if part == TITLE:
        expression = f"{kind.title_filter()} : ({expression})"
    columns = [
        literal(kind.key, String).label("kind"),
        literal(part, Integer).label("part"),
        kind.model.id.label("id"),
        cast(-func.bm25(matched, *kind.weights), Float).label("score"),
        literal(1 if part == TITLE else 0, Integer).label("tier"),
        _title_text(kind).label("title"),
    ]
    stmt = _shaped(kind, filters, columns)
    if stmt is None:
        return None
    # The unary plus keeps SQLite from probing the FTS table once per base row (an index on
    # status or country looked cheaper to it: 24 s for a common word at 100k rows); so the
    # MATCH runs once and each match finds its row by primary key.
    probe = literal_column(f"+{kind.fts}.rowid", Integer)
    return stmt.join(fts, probe == kind.model.id).where(matched.match(expression))


def _candidates(rows, words: list[str], postgres: bool) -> tuple[list[Candidate], bool]:
    """The candidates, each once (the best tier it was read with), and whether a kind had
    more than MATCH_CAP of either read."""
    read: dict[tuple[str, int], int] = {}
    found: dict[tuple[str, int], Candidate] = {}
    # Up to 10 reads of MATCH_CAP rows each: plain tuples and dict look-ups keep this loop
    # a small part of a common word's search.
    for kind, part, id_, score, tier, title, sector, country, goal in rows:
        n = read[kind, part] = read.get((kind, part), 0) + 1
        if n > MATCH_CAP:
            continue
        if not (postgres or tier):
            tier = int(_all_in(words, title or ""))
        known = found.get((kind, id_))
        if known is not None:
            if tier and tier > known.tier:
                known.tier = tier
            continue
        candidate = Candidate(kind, id_, score or 0.0, tier or 0, sector)
        if country:
            candidate.countries.append(country)
        if goal:
            candidate.goals.append(goal)
        found[kind, id_] = candidate
    return list(found.values()), any(n > MATCH_CAP for n in read.values())


def _among(column_: ColumnElement, ids: list[int]) -> ColumnElement[bool]:
    """``column_ IN ids``; on PostgreSQL one array parameter (``= ANY``) rather than up to
    a thousand bound values, each compiled, sent and parsed: at 1M rows that was three
    quarters of the facet statement's time."""
    if _postgres():
        return column_ == any_(bindparam(None, ids, type_=ARRAY(Integer)))
    return column_.in_(ids)


def _link_facets(found: list[Candidate]) -> None:
    """An initiative's countries and a commitment's SDG goals, for the candidates that have
    them: one statement over at most MATCH_CAP ids of each."""
    initiatives = [c.id for c in found if c.kind == "initiative"]
    commitments = [c.id for c in found if c.kind == "commitment"]
    branches = []
    if initiatives:
        branches.append(
            select(
                literal("initiative", String).label("kind"),
                InitiativeCountry.initiative_id.label("id"),
                literal("country", String).label("facet"),
                cast(InitiativeCountry.code, String).label("value"),
            ).where(_among(InitiativeCountry.initiative_id, initiatives))
        )
    if commitments:
        item = aliased(FrameworkItem, name="aligned_item")
        framework = aliased(Framework, name="aligned_framework")
        parent, grand, goal = _item_goal(item, framework)
        branches.append(
            select(
                literal("commitment", String).label("kind"),
                commitment_alignment.c.commitment_id.label("id"),
                literal("goal", String).label("facet"),
                cast(goal, String).label("value"),
            )
            .select_from(commitment_alignment)
            .join(item, item.id == commitment_alignment.c.item_id)
            .join(framework, framework.id == item.framework_id)
            .outerjoin(parent, parent.id == item.parent_id)
            .outerjoin(grand, grand.id == parent.parent_id)
            .where(_among(commitment_alignment.c.commitment_id, commitments), framework.code == SDG)
            .distinct()
        )
    by_key = {(c.kind, c.id): c for c in found}
    for row in _union(branches):
        candidate = by_key.get((row.kind, row.id))
        if candidate is None or row.value is None:
            continue
        values = candidate.countries if row.facet == "country" else candidate.goals
        if row.value not in values:
            values.append(row.value)


# --- SQLite's query and tokens --------------------------------------------------------------

_TOKEN = re.compile(r"[^\W_]+")


def _fold(text: str) -> str:
    """Lower case without diacritics, as FTS5's unicode61 tokenizer (remove_diacritics 2)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def words_of(text: str) -> list[str]:
    """The distinct words of a query as the FTS5 index sees them, in order (MAX_WORDS)."""
    seen: dict[str, None] = {}
    for word in _TOKEN.findall(_fold(text)):
        seen.setdefault(word, None)
    return list(seen)[:MAX_WORDS]


def forms(word: str) -> list[str]:
    """The prefixes a query word matches as (SQLite): the word itself, and for an English
    plural its singular too ("boreholes" finds "Borehole", "cities" "City"), shortest
    first. A stemmer in the index would do this, but would put stems ("communiti") in the
    vocabulary that spelling suggestions are made from."""
    found = [word]
    if len(word) > 4 and word.endswith("ies"):
        found.append(word[:-3] + "y")
    elif len(word) > 4 and word.endswith("es"):
        found += [word[:-1], word[:-2]]
    elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        found.append(word[:-1])
    # A longer form is covered by a shorter one it starts with.
    kept = [f for f in found if not any(o != f and f.startswith(o) for o in found)]
    return sorted(set(kept), key=len)


def fts_query(words: Iterable[str]) -> str:
    """An FTS5 query that is never syntax: each word an FTS5 string, inner quotes doubled;
    words of PREFIX_FROM letters or more as prefixes (and their singular, ``forms``). All
    of them must match."""
    terms = []
    for word in words:
        if len(word) < PREFIX_FROM:
            terms.append(_quoted(word))
            continue
        alternatives = [_quoted(form) + "*" for form in forms(word)]
        terms.append(
            alternatives[0] if len(alternatives) == 1 else f"({' OR '.join(alternatives)})"
        )
    return " AND ".join(terms)


def _quoted(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _matches(word: str, token: str) -> bool:
    if len(word) < PREFIX_FROM:
        return token == word
    return any(token.startswith(form) for form in forms(word))


def _all_in(words: list[str], text: str) -> bool:
    tokens = _TOKEN.findall(_fold(text))
    return bool(words) and all(any(_matches(w, t) for t in tokens) for w in words)


# --- typos --------------------------------------------------------------------------------


def _max_edits(word: str) -> int:
    return 1 if len(word) <= 5 else 2


def _closest(word: str, known: Iterable[tuple[str, int]]) -> str | None:
    """The known word closest to ``word`` (fewest edits, then the most used), if close."""
    best: tuple[int, int, str] | None = None
    limit = _max_edits(word)
    for term, uses in known:
        distance = Levenshtein.distance(word, term, score_cutoff=limit)
        if distance > limit or Levenshtein.normalized_similarity(word, term) < CLOSE:
            continue
        key = (distance, -uses, term)
        if best is None or key < best:
            best = key
    return best[2] if best else None


def _sqlite_corrections(words: list[str]) -> dict[str, str]:
    """Each word that no indexed word starts with, and the closest word of the vocabularies
    (same first letter, length within two): one statement."""
    typed = [w for w in words if len(w) >= MIN_CORRECTED and not w.isdigit()]
    if not typed:
        return {}
    branches = []
    for n, word in enumerate(typed):
        shortest = forms(word)[0]  # known if the index has a word the query would match
        for kind in KINDS:
            vocab = table(f"{kind.fts}_vocab", column("term", String), column("doc", Integer))
            branches.append(
                select(
                    literal(n, Integer).label("n"),
                    literal(1, Integer).label("known"),
                    vocab.c.term,
                    vocab.c.doc,
                )
                .where(vocab.c.term >= shortest, vocab.c.term < shortest + "\U0010ffff")
                .limit(1)
            )
            branches.append(
                select(
                    literal(n, Integer).label("n"),
                    literal(0, Integer).label("known"),
                    vocab.c.term,
                    vocab.c.doc,
                )
                .where(
                    vocab.c.term >= word[0],
                    vocab.c.term < word[0] + "\U0010ffff",
                    func.length(vocab.c.term).between(len(word) - 2, len(word) + 2),
                )
                .limit(VOCAB_CAP)
            )
    known: set[int] = set()
    near: dict[int, Counter[str]] = {}
    for row in _union(branches):
        if row.known:
            known.add(row.n)
        else:
            near.setdefault(row.n, Counter())[row.term] += row.doc
    corrections = {}
    for n, word in enumerate(typed):
        if n in known:
            continue
        best = _closest(word, near.get(n, Counter()).items())
        if best:
            corrections[word] = best
    return corrections


def _trigram_rows(filters: Filters, typed: list[str]):
    """PostgreSQL: public rows whose title has a word like one of ``typed`` (trigrams, GIN:
    one index scan per word, OR-ed), the closest FALLBACK_CAP of each kind, with their facet
    values and titles."""
    branches = []
    for kind in KINDS:
        similarities = [func.word_similarity(word, kind.trigram) for word in typed]
        similarity = similarities[0] if len(similarities) == 1 else func.greatest(*similarities)
        columns = [
            literal(kind.key, String).label("kind"),
            literal(ANYWHERE, Integer).label("part"),
            kind.model.id.label("id"),
            cast(similarity, Float).label("score"),
            literal(0, Integer).label("tier"),
            cast(_title_text(kind), Text).label("title"),
        ]
        stmt = _shaped(kind, filters, columns)
        if stmt is None:
            continue
        branches.append(
            stmt.where(or_(*(kind.trigram.op("%>")(word) for word in typed)))
            .order_by(similarity.desc(), kind.model.id)
            .limit(FALLBACK_CAP)
        )
    return _union(branches)


def _known_words(words: list[str]) -> set[str]:
    """PostgreSQL: which of ``words`` some public row has (each a GIN index probe)."""
    checks = []
    for word in words:
        query = func.plainto_tsquery(ENGLISH, word)
        checks.append(
            or_(
                *(
                    exists(
                        select(literal(1))
                        .select_from(kind.model)
                        .where(kind.vector().op("@@")(query), *public(kind))
                    )
                    for kind in KINDS
                )
            )
        )
    if not checks:
        return set()
    found = db.session.execute(select(*checks)).one()
    return {word for word, known in zip(words, found, strict=True) if known}


def _vocabulary_words(words: list[str]) -> dict[str, str]:
    """PostgreSQL: for each word, the closest word of the stakeholder names' vocabulary (the
    maintained word counts, trigram-indexed: a few thousand rows, not the million names),
    as ``registry.stakeholders.similar`` corrects a typed name: one statement."""
    typed = values(column("typed", String), name="typed").data([(w,) for w in words])
    vocabulary = FacetCount.__table__.alias("vocabulary")
    known = func.lower(vocabulary.c.value)  # the expression ix_facet_count_word_trgm indexes
    score = func.similarity(known, typed.c.typed)
    best = (
        select(vocabulary.c.value, score.label("score"))
        .where(
            vocabulary.c.entry_type == "stakeholder",
            vocabulary.c.facet == literal_column(f"'{WORDS}'"),  # the partial index's literal
            vocabulary.c.n > 0,
            known.op("%")(typed.c.typed),
            score >= VOCABULARY_SIMILARITY,
        )
        .order_by(score.desc(), vocabulary.c.n.desc())
        .limit(1)
        .lateral("best")
    )
    stmt = select(typed.c.typed, best.c.value).select_from(typed).join(best, literal(True))
    return {word: value.lower() for word, value in db.session.execute(stmt)}


def _postgres_corrections(filters: Filters, q: str) -> tuple[dict[str, str], list]:
    """(each unknown word and its correction, rows with similar titles), under a statement
    timeout: nothing when it runs out. Only words no public row has are corrected: first
    from the names' vocabulary (cheap), then, for words still unknown, from the titles of
    rows with a similar word (trigrams; a typo of a common word reads thousands of titles,
    which the timeout bounds). Those rows are shown when nothing else is found."""

    def work() -> list:
        typed = [w for w in words_of(q) if len(w) >= PREFIX_FROM and not w.isdigit()]
        known = _known_words(typed) if typed else set()
        unknown = [w for w in typed if w not in known]
        correctable = [w for w in unknown if len(w) >= MIN_CORRECTED]
        corrected = _vocabulary_words(correctable) if correctable else {}
        left = [w for w in unknown if w not in corrected]
        if not left:
            return [corrected, [], []]
        db.session.execute(
            select(func.set_config("pg_trgm.word_similarity_threshold", WORD_SIMILARITY, True))
        )
        return [corrected, _trigram_rows(filters, left), left]

    done = within_time(work, TIMEOUT_MS)
    if not done:
        return {}, []
    corrections, rows, left = done
    vocabulary: Counter[str] = Counter()
    for row in rows:
        vocabulary.update(set(_TOKEN.findall(_fold(row.title or ""))))
    for word in left:
        best = _closest(word, vocabulary.items()) if len(word) >= MIN_CORRECTED else None
        if best:
            corrections[word] = best
    return {w: c for w, c in corrections.items() if c != w}, rows


def _corrected(q: str, corrections: Mapping[str, str]) -> str:
    """``q`` with each corrected word replaced, its quotes and operators kept."""
    if not corrections:
        return ""
    return _TOKEN.sub(lambda m: corrections.get(_fold(m.group()), m.group()), q)


# --- the result -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    kind: str
    id: int
    title: Markup
    context: Markup
    extra: str  # an acronym, a place, a stakeholder's name: a line of what it is
    framework: str | None  # a framework item's framework code and own code (its address)
    code: str | None
    countries: list[str]


@dataclass
class Result:
    filters: Filters
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    capped: bool = False  # more matched than were read: "more than"
    page: int = 1
    pages: int = 0
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    searched_for: str = ""  # the query whose results are shown (a correction, perhaps)
    suggestion: str = ""  # "Did you mean …?"
    similar: bool = False  # shown: rows with a similar title, nothing matched in full

    @property
    def corrected(self) -> bool:
        return bool(self.searched_for) and self.searched_for != self.filters.q


class BadPage(ValueError):
    """A page number past the results offered."""


def search(filters: Filters, page: int = 1) -> Result:
    """The page ``page`` of the results for ``filters`` (BadPage past the last page)."""
    result = Result(filters, page=page)
    if not filters.q:
        return result
    postgres = _postgres()
    q = filters.q
    words = words_of(q)
    found, capped = _full_text(filters, q, words)
    trigram_rows: list = []
    if len(found) < FEW:
        if postgres:
            corrections, trigram_rows = _postgres_corrections(filters, q)
        else:
            corrections = _sqlite_corrections(words)
        better = _corrected(q, corrections)
        if better and not found:
            retried, retried_capped = _full_text(filters, better, words_of(better))
            if retried:
                found, capped, q, words = retried, retried_capped, better, words_of(better)
        elif better:
            result.suggestion = better
        if not found and trigram_rows:
            found, capped = _candidates(trigram_rows, words, True)
            result.similar = True
    result.searched_for = q
    _link_facets(found)
    found.sort(key=lambda c: c.key)
    result.total, result.capped = len(found), capped
    result.facets = _facet_counts(found)
    offered = found[:RESULT_CAP]
    result.pages = -(-len(offered) // PER_PAGE)
    if page < 1 or (page > 1 and page > result.pages):
        raise BadPage(page)
    shown = offered[(page - 1) * PER_PAGE : page * PER_PAGE]
    result.hits = _hits(shown, q, words, postgres and not result.similar)
    return result


def _facet_counts(found: list[Candidate]) -> dict[str, list[tuple[str, int]]]:
    counted: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    for c in found:
        counted["type"][c.kind] += 1
        if c.sector:
            counted["sector"][c.sector] += 1
        counted["country"].update(c.countries)
        counted["goal"].update(c.goals)
    ordered = {
        "type": sorted(counted["type"].items(), key=lambda item: ORDER[item[0]]),
        "goal": sorted(counted["goal"].items(), key=lambda item: int(item[0])),
    }
    for name in ("sector", "country"):
        ordered[name] = sorted(counted[name].items(), key=lambda item: (-item[1], item[0]))
    return ordered


# --- the page's rows ------------------------------------------------------------------------


def _display(kind: Kind) -> tuple[Callable | None, Any, Any, Any, Any]:
    """(a join, the title, the context text, the extra line, the framework's code)."""
    model = kind.model
    if model is Stakeholder:
        return None, Stakeholder.name, Stakeholder.description, Stakeholder.acronym, null()
    if model is Initiative:
        return None, Initiative.title, Initiative.summary, Initiative.cities, null()
    if model is Commitment:
        owner = aliased(Stakeholder, name="page_owner")
        return (
            lambda s: s.join(owner, owner.id == Commitment.stakeholder_id),
            Commitment.title,
            Commitment.description,
            owner.name,
            null(),
        )
    if model is Engagement:
        place = func.coalesce(Engagement.city, Engagement.venue)
        return None, Engagement.title, Engagement.summary, place, null()
    framework = aliased(Framework, name="page_framework")
    # An item without a short title (a target, a paragraph) is named by its full text.
    title = FrameworkItem.code.op("||")(" ").op("||")(
        func.coalesce(FrameworkItem.short_title, FrameworkItem.title)
    )
    body = case((FrameworkItem.short_title.is_(None), ""), else_=FrameworkItem.title)
    return (
        lambda s: s.join(framework, framework.id == FrameworkItem.framework_id),
        title,
        body,
        framework.title,
        framework.code,
    )


def _hits(shown: list[Candidate], q: str, words: list[str], headline: bool) -> list[Hit]:
    """The page's rows with their title and a line of context, matched words marked: one
    statement (``ts_headline`` over these rows only, on PostgreSQL)."""
    ids: dict[str, list[int]] = {}
    for c in shown:
        ids.setdefault(c.kind, []).append(c.id)
    branches = []
    for key, kind_ids in ids.items():
        kind = BY_KEY[key]
        join, title, body, extra, framework = _display(kind)
        if headline:
            query = func.websearch_to_tsquery(ENGLISH, q)
            title = func.ts_headline(ENGLISH, title, query, TITLE_MARKS)
            body = func.ts_headline(ENGLISH, func.coalesce(body, ""), query, BODY_MARKS)
        stmt = select(
            literal(key, String).label("kind"),
            kind.model.id.label("id"),
            cast(title, Text).label("title"),
            cast(func.coalesce(body, ""), Text).label("body"),
            cast(extra, Text).label("extra"),
            cast(framework, Text).label("framework"),
            cast(FrameworkItem.code if kind.model is FrameworkItem else null(), Text).label("code"),
        ).select_from(kind.model)
        if join is not None:
            stmt = join(stmt)
        branches.append(stmt.where(kind.model.id.in_(kind_ids)))
    rows = {(row.kind, row.id): row for row in _union(branches)}
    hits = []
    for c in shown:
        row = rows.get((c.kind, c.id))
        if row is None:  # gone since the candidates were read
            continue
        if headline:
            title, context = marked(row.title or ""), marked(_squeezed(row.body or ""))
        else:
            title = highlight(row.title or "", words)
            context = highlight(snippet(row.body or "", words), words)
        hits.append(
            Hit(
                c.kind,
                c.id,
                title,
                context,
                row.extra or "",
                row.framework,
                row.code,
                sorted(c.countries),
            )
        )
    return hits


def _squeezed(text: str) -> str:
    return " ".join(text.split())


def marked(text: str) -> Markup:
    """Text with START/STOP marks (``ts_headline``'s) as HTML: everything escaped, each
    marked run in <mark>; stray or unbalanced marks are dropped."""
    opening, closing = Markup("<mark>"), Markup("</mark>")
    out: list[Markup] = []
    inside = False
    for piece in re.split(f"([{START}{STOP}])", text):
        if piece == START:
            if not inside:
                out.append(opening)
                inside = True
        elif piece == STOP:
            if inside:
                out.append(closing)
                inside = False
        else:
            out.append(escape(piece))
    if inside:
        out.append(closing)
    return Markup("").join(out)


def highlight(text: str, words: list[str]) -> Markup:
    """``text`` escaped, with each word that a query word matches in <mark> (SQLite: the
    same tokens and prefix rule as the FTS5 query)."""
    text = text.replace(START, "").replace(STOP, "")
    out: list[str] = []
    at = 0
    for match in _TOKEN.finditer(text):
        token = _fold(match.group())
        if any(_matches(w, token) for w in words):
            out.append(text[at : match.start()] + START + match.group() + STOP)
            at = match.end()
    out.append(text[at:])
    return marked("".join(out))


def snippet(text: str, words: list[str]) -> str:
    """About SNIPPET_WORDS words of ``text`` around the first matched word."""
    parts = text.split()
    first = 0
    for n, part in enumerate(parts):
        if any(_matches(w, _fold(t)) for t in _TOKEN.findall(part) for w in words):
            first = n
            break
    start = max(0, first - SNIPPET_BEFORE)
    shown = parts[start : start + SNIPPET_WORDS]
    line = " ".join(shown)
    if start > 0:
        line = "… " + line
    if start + SNIPPET_WORDS < len(parts):
        line += " …"
    return line
