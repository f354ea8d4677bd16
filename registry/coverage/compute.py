"""Whole-of-society coverage: which sectors, constituencies and GAP partner constituent groups
are present among the stakeholders taking part in something, and which are missing
(DOMAIN.md, "Whole-of-society coverage").

*Taking part* means, for each scope:

* an **initiative**: its active partnerships (``Partnership.status == active``);
* an **engagement**: its participants, in any role;
* an **SDG goal**: the makers of approved commitments aligned to the goal or to one of its
  targets, plus the active partners of initiatives aligned to it
  (``initiative_partners_for_goal``: the hook where initiative alignment joins in);
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
    """The approved stakeholders among ``ids`` (a select of stakeholder ids)."""
    return select(Stakeholder.id).where(
        Stakeholder.status == Status.APPROVED, Stakeholder.id.in_(ids)
    )


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
    """Approved stakeholders (of ``country``) that take part in anything: three index probes
    per stakeholder rather than a union of every partnership, participation and pledge."""
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
    stmt = select(Stakeholder.id).where(Stakeholder.status == Status.APPROVED, taking_part)
    if country:
        stmt = stmt.where(Stakeholder.country == country)
    return stmt


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
    """Initiatives working towards the goal: today, those with an approved commitment aligned
    to it. HOOK for initiative alignment (branch ``align``): union the initiatives aligned to
    ``items`` directly here, and every page that filters by goal follows."""
    return select(Commitment.initiative_id).where(
        Commitment.status == Status.APPROVED,
        Commitment.initiative_id.is_not(None),
        Commitment.id.in_(aligned_commitments(items)),
    )


def initiative_partners_for_goal(items: Select) -> Select | None:
    """Active partners of initiatives aligned to the goal. HOOK for initiative alignment
    (branch ``align``): return ``active_partners(Partnership.initiative_id.in_(select
    initiative_alignment.initiative_id where item_id in items))``. None until then: an
    initiative that only has a commitment aligned to the goal brings its commitment's maker,
    not all its partners."""
    return None


def goal_members(code: str, country: str | None = None) -> Select:
    items = goal_items(code)
    ids = commitment_makers(Commitment.id.in_(aligned_commitments(items)))
    partners = initiative_partners_for_goal(items)
    if partners is not None:
        ids = union(ids, partners)
    stmt = approved(ids)
    if country:
        stmt = stmt.where(Stakeholder.country == country)
    return stmt


# --- what they are ------------------------------------------------------------------------------


def term_pairs(dimension: str, members: Select) -> Select:
    """(stakeholder_id, code) for each member and each term of ``dimension`` it counts under."""
    link = stakeholder_constituency.c
    if dimension == SECTOR:
        return select(
            Stakeholder.id.label("stakeholder_id"), Stakeholder.sector_code.label("code")
        ).where(Stakeholder.id.in_(members))
    if dimension == CONSTITUENCY:
        return select(
            link.stakeholder_id.label("stakeholder_id"), link.constituency_code.label("code")
        ).where(link.stakeholder_id.in_(members))
    by_sector = (
        select(Stakeholder.id.label("stakeholder_id"), GapMapping.gap_group_code.label("code"))
        .join(GapMapping, GapMapping.sector_code == Stakeholder.sector_code)
        .where(Stakeholder.id.in_(members))
    )
    by_constituency = (
        select(link.stakeholder_id, GapMapping.gap_group_code)
        .join(GapMapping, GapMapping.constituency_code == link.constituency_code)
        .where(link.stakeholder_id.in_(members))
    )
    return union(by_sector, by_constituency)  # UNION: a stakeholder counts once per group


def summary(members: Select) -> Coverage:
    """The coverage of one scope, from ``members`` (a select of approved stakeholder ids): one
    grouped statement."""
    members_cte = members.cte("members")
    ids = select(members_cte.c.id)
    branches = [
        select(literal("total", String), literal("", String), func.count()).select_from(members_cte)
    ]
    for dimension in DIMENSIONS:
        pairs = term_pairs(dimension, ids).subquery()
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
