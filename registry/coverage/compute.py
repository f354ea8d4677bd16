"""Whole-of-society coverage: which sectors, constituencies and GAP partner constituent groups
are present among the stakeholders taking part in something, and which are missing
(DOMAIN.md, "Whole-of-society coverage").

*Taking part* means, for each scope:

* an **initiative**: its active partnerships (``Partnership.status == active``);
* an **engagement**: its participants, in any role;
* an **SDG goal**: the makers of approved commitments aligned to the goal or to one of its
  targets, plus the active partners of initiatives aligned to it;
* the **whole registry**: any of these three anywhere — an active partner of any initiative, a
  participant in any engagement, or the maker of an approved commitment;
* a **country**: the same as the whole registry, among stakeholders whose own country is it
  (where the organization is, not where its work is).

Only approved stakeholders count, everywhere: a draft or archived organization is not public,
so it cannot fill a gap on a public page.

A stakeholder counts once per scope: under its sector, under each constituency it speaks for,
and under each GAP group its sector or one of its constituencies maps to
(``registry.taxonomy``). Every summary is one grouped statement, whatever the number of
initiatives, partnerships or commitments.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    ColumnElement,
    FromClause,
    Select,
    String,
    exists,
    func,
    literal,
    or_,
    select,
    union,
    union_all,
)

from registry.extensions import db
from registry.models import (
    Commitment,
    EngagementParticipant,
    Framework,
    FrameworkItem,
    GapMapping,
    Partnership,
    PartnershipStatus,
    Stakeholder,
    Status,
)
from registry.models.commitments import commitment_alignment
from registry.models.initiatives import initiative_alignment
from registry.models.stakeholders import stakeholder_constituency
from registry.taxonomy import CONSTITUENCIES, GAP_GROUPS, N_, SECTORS

SDG = "sdg"
SECTOR, CONSTITUENCY, GAP = "sector", "constituency", "gap"
DIMENSIONS = (SECTOR, CONSTITUENCY, GAP)
TERMS: dict[str, list[tuple[str, str]]] = {
    SECTOR: SECTORS,
    CONSTITUENCY: CONSTITUENCIES,
    GAP: GAP_GROUPS,
}
DIMENSION_LABELS = {
    SECTOR: _l("Sectors"),
    CONSTITUENCY: _l("Constituencies"),
    GAP: _l("GAP partner constituent groups"),
}
# The matrix's heading and its table's caption, whole sentences for the translators.
MATRIX_TITLES = {
    SECTOR: _l("Initiatives by sector"),
    CONSTITUENCY: _l("Initiatives by constituency"),
    GAP: _l("Initiatives by GAP partner constituent group"),
}
MATRIX_CAPTIONS = {
    SECTOR: _l("Active partners of each initiative by sector"),
    CONSTITUENCY: _l("Active partners of each initiative by constituency they speak for"),
    GAP: _l("Active partners of each initiative by GAP partner constituent group"),
}

# The groups an initiative or engagement is flagged for when none of its partners is one.
# Chosen from DOMAIN.md ("an initiative with no grassroots organization, no women's or youth
# group, no local government is flagged") and seed 001's "no one left behind": local
# government, grassroots and community groups, women, youth, persons with disabilities and
# informal-settlement dwellers. Each is a (dimension, code) of the taxonomy, so "local
# government" is the GAP's "local and sub-national authorities" (a city or a region) and
# "grassroots" the GAP's group (a grassroots organization, or one that speaks for the urban
# poor or local communities).
KEY_GROUPS: list[tuple[str, str, str]] = [
    (GAP, "local_authorities", N_("No local government")),
    (GAP, "grassroots", N_("No grassroots or community organization")),
    (GAP, "women", N_("No women's group")),
    (GAP, "children_youth", N_("No youth group")),
    (GAP, "persons_with_disabilities", N_("No organization of persons with disabilities")),
    (CONSTITUENCY, "urban_poor", N_("No group of informal settlement dwellers")),
]


@dataclass(frozen=True)
class Term:
    """One sector, constituency or GAP group and how many stakeholders taking part are it."""

    code: str
    name: str  # the English source name (translated where shown)
    count: int

    @property
    def present(self) -> bool:
        return self.count > 0


@dataclass
class Coverage:
    """What one scope covers: every term of each dimension in the taxonomy's order."""

    total: int  # stakeholders taking part
    terms: dict[str, list[Term]]
    flags: list[str] = field(default_factory=list)  # KEY_GROUPS missing, English source text

    def present(self, dimension: str) -> list[Term]:
        return [t for t in self.terms[dimension] if t.present]

    def missing(self, dimension: str) -> list[Term]:
        return [t for t in self.terms[dimension] if not t.present]

    def count(self, dimension: str, code: str) -> int:
        return next((t.count for t in self.terms[dimension] if t.code == code), 0)


# --- who takes part -----------------------------------------------------------------------------


def approved(ids: Select) -> Select:
    """The approved stakeholders among ``ids`` (a select of stakeholder ids), as the rows a
    summary counts: ``stakeholder_id`` and ``sector_code``."""
    return _rows(Stakeholder.id.in_(ids))


def _rows(*where: ColumnElement[bool]) -> Select:
    return select(
        Stakeholder.id.label("stakeholder_id"), Stakeholder.sector_code.label("sector_code")
    ).where(Stakeholder.status == Status.APPROVED, *where)


def active_partners(*where: ColumnElement[bool]) -> Select:
    return select(Partnership.stakeholder_id).where(
        Partnership.status == PartnershipStatus.ACTIVE, *where
    )


def initiative_members(initiative_id: int) -> Select:
    return approved(active_partners(Partnership.initiative_id == initiative_id))


def engagement_members(engagement_id: int) -> Select:
    return approved(
        select(EngagementParticipant.stakeholder_id).where(
            EngagementParticipant.engagement_id == engagement_id
        )
    )


def commitment_makers(*where: ColumnElement[bool]) -> Select:
    return select(Commitment.stakeholder_id).where(Commitment.status == Status.APPROVED, *where)


def registry_members(country: str | None = None) -> Select:
    """Approved stakeholders taking part in anything. For the whole registry, the union of
    the active partnerships, the participations and the approved commitments' makers (one
    hash of each table's stakeholder ids); for one country, three index probes per
    organization of that country instead, which reads only that country's rows."""
    if country is None:
        return approved(
            union(
                active_partners(),
                select(EngagementParticipant.stakeholder_id),
                commitment_makers(),
            )
        )
    taking_part = or_(
        exists().where(
            Partnership.stakeholder_id == Stakeholder.id,
            Partnership.status == PartnershipStatus.ACTIVE,
        ),
        exists().where(EngagementParticipant.stakeholder_id == Stakeholder.id),
        exists().where(
            Commitment.stakeholder_id == Stakeholder.id, Commitment.status == Status.APPROVED
        ),
    )
    return _rows(Stakeholder.country == country, taking_part)


def goal_items(code: str) -> Select:
    """The SDG goal's item and its targets' ids."""
    sdg_items = (
        select(FrameworkItem.id)
        .join(Framework, Framework.id == FrameworkItem.framework_id)
        .where(Framework.code == SDG)
    )
    goal = sdg_items.where(FrameworkItem.code == code, FrameworkItem.kind == "goal")
    return sdg_items.where(or_(FrameworkItem.id.in_(goal), FrameworkItem.parent_id.in_(goal)))


def aligned_commitments(items: Select) -> Select:
    return select(commitment_alignment.c.commitment_id).where(
        commitment_alignment.c.item_id.in_(items)
    )


def initiatives_for_goal(items: Select) -> Select:
    """Initiatives working towards the goal: those aligned to it or to one of its targets,
    and those with an approved commitment aligned to it."""
    aligned = select(initiative_alignment.c.initiative_id).where(
        initiative_alignment.c.item_id.in_(items)
    )
    through_commitments = select(Commitment.initiative_id).where(
        Commitment.status == Status.APPROVED,
        Commitment.initiative_id.is_not(None),
        Commitment.id.in_(aligned_commitments(items)),
    )
    return union(aligned, through_commitments)


def initiative_partners_for_goal(items: Select) -> Select:
    """Active partners of the initiatives aligned to the goal or to one of its targets (an
    initiative that only has a commitment aligned to the goal brings its commitment's maker,
    not all its partners)."""
    return active_partners(
        Partnership.initiative_id.in_(
            select(initiative_alignment.c.initiative_id).where(
                initiative_alignment.c.item_id.in_(items)
            )
        )
    )


def goal_members(code: str, country: str | None = None) -> Select:
    items = goal_items(code)
    ids = commitment_makers(Commitment.id.in_(aligned_commitments(items)))
    stmt = approved(union(ids, initiative_partners_for_goal(items)))
    return stmt.where(Stakeholder.country == country) if country else stmt


# --- what they are ------------------------------------------------------------------------------


def term_rows(dimension: str, rows: FromClause, *keys: str) -> Select:
    """(``keys``..., stakeholder_id, code) for each of ``rows`` (which have ``stakeholder_id``
    and ``sector_code``) and each term of ``dimension`` it counts under."""
    link = stakeholder_constituency.c
    carried = [rows.c[key] for key in keys]
    who = rows.c.stakeholder_id
    if dimension == SECTOR:
        return select(*carried, who, rows.c.sector_code.label("code"))
    if dimension == CONSTITUENCY:
        return (
            select(*carried, who, link.constituency_code.label("code"))
            .select_from(rows)
            .join(stakeholder_constituency, link.stakeholder_id == who)
        )
    by_sector = (
        select(*carried, who, GapMapping.gap_group_code.label("code"))
        .select_from(rows)
        .join(GapMapping, GapMapping.sector_code == rows.c.sector_code)
    )
    by_constituency = (
        select(*carried, who, GapMapping.gap_group_code.label("code"))
        .select_from(rows)
        .join(stakeholder_constituency, link.stakeholder_id == who)
        .join(GapMapping, GapMapping.constituency_code == link.constituency_code)
    )
    return union(by_sector, by_constituency)  # UNION: a stakeholder counts once per group


def summary(members: Select) -> Coverage:
    """The coverage of one scope, from ``members`` (``approved``'s rows): one grouped
    statement."""
    rows = members.cte("members")
    branches = [
        select(literal("total", String), literal("", String), func.count()).select_from(rows)
    ]
    for dimension in DIMENSIONS:
        pairs = term_rows(dimension, rows).subquery(f"{dimension}_pairs")
        branches.append(
            select(literal(dimension, String), pairs.c.code, func.count()).group_by(pairs.c.code)
        )
    counts: dict[str, dict[str, int]] = {}
    for dimension, code, n in db.session.execute(union_all(*branches)):
        counts.setdefault(dimension, {})[code] = n
    return build(counts)


def build(counts: dict[str, dict[str, int]]) -> Coverage:
    """A ``Coverage`` from counts by dimension and code (codes the taxonomy lacks dropped)."""
    terms = {
        dimension: [
            Term(code, name, counts.get(dimension, {}).get(code, 0))
            for code, name in TERMS[dimension]
        ]
        for dimension in DIMENSIONS
    }
    coverage = Coverage(total=counts.get("total", {}).get("", 0), terms=terms)
    coverage.flags = [
        message for dimension, code, message in KEY_GROUPS if not coverage.count(dimension, code)
    ]
    return coverage


# --- the scopes ---------------------------------------------------------------------------------


def of_initiative(initiative_id: int) -> Coverage:
    return summary(initiative_members(initiative_id))


def of_engagement(engagement_id: int) -> Coverage:
    return summary(engagement_members(engagement_id))


def of_registry(country: str | None = None) -> Coverage:
    return summary(registry_members(country))


def of_goal(code: str, country: str | None = None) -> Coverage:
    return summary(goal_members(code, country))


def goal_exists(code: str) -> bool:
    """Whether the registry has SDG goal ``code``: one statement."""
    stmt = (
        select(FrameworkItem.id)
        .join(Framework, Framework.id == FrameworkItem.framework_id)
        .where(Framework.code == SDG, FrameworkItem.kind == "goal", FrameworkItem.code == code)
    )
    return db.session.scalar(stmt) is not None
