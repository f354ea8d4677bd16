"""The registry's classifications, as data with a version date (DOMAIN.md).

A stakeholder has one *sector* (what kind of body it is) and zero or more *constituencies*
(whom it speaks for). Together they map onto the 16 Partner Constituent Groups of the
General Assembly of Partners (GAP), so the registry can report in the GAP's terms.

Codes are stable keys that other rows refer to; names are English source strings, marked
with ``N_`` for extraction and translated where they are shown.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from registry.extensions import db
from registry.models import Constituency, GapGroup, GapMapping, Sector

VERSION = date(2026, 11, 24)


def N_(text: str) -> str:  # the conventional gettext no-op marker
    return text


SECTORS: list[tuple[str, str]] = [
    ("national_government", N_("National government")),
    ("subnational_government", N_("Sub-national or regional government")),
    ("local_government", N_("Local government or city")),
    ("parliament", N_("Parliament")),
    ("un_system", N_("UN system or intergovernmental organization")),
    ("development_finance", N_("Development finance institution")),
    ("civil_society", N_("Civil society organization or NGO")),
    ("grassroots", N_("Grassroots or community-based organization")),
    ("academia", N_("Research and academia")),
    ("business", N_("Business and industry")),
    ("philanthropy", N_("Foundation or philanthropy")),
    ("professional", N_("Professional association")),
    ("trade_union", N_("Trade union or workers' organization")),
    ("media", N_("Media")),
    ("network", N_("Network or alliance of cities or organizations")),
    ("other", N_("Other")),
]

CONSTITUENCIES: list[tuple[str, str]] = [
    ("women", N_("Women")),
    ("children_youth", N_("Children and youth")),
    ("older_persons", N_("Older persons")),
    ("persons_with_disabilities", N_("Persons with disabilities")),
    ("indigenous_peoples", N_("Indigenous peoples")),
    ("displaced", N_("Refugees, migrants and displaced persons")),
    ("urban_poor", N_("Informal settlement dwellers and the urban poor")),
    ("minorities", N_("Minority communities")),
    ("rural", N_("Farmers and rural communities")),
    ("workers", N_("Workers")),
    ("prisoners", N_("Prisoners")),
    ("local_communities", N_("Local communities")),
]

GAP_GROUPS: list[tuple[str, str]] = [
    ("business", N_("Business and industries")),
    ("children_youth", N_("Children and youth")),
    ("civil_society", N_("Civil society organizations")),
    ("farmers", N_("Farmers")),
    ("philanthropy", N_("Foundations and philanthropies")),
    ("grassroots", N_("Grass roots organizations")),
    ("indigenous", N_("Indigenous people")),
    ("local_authorities", N_("Local and sub-national authorities")),
    ("media", N_("Media")),
    ("older_persons", N_("Older persons")),
    ("parliamentarians", N_("Parliamentarians")),
    ("persons_with_disabilities", N_("Persons with disabilities")),
    ("professionals", N_("Professionals")),
    ("trade_unions", N_("Trade unions and workers")),
    ("academia", N_("Research and academia")),
    ("women", N_("Women")),
]

# Which GAP group a sector counts towards. National governments, the UN system, development
# finance, networks and "other" are not GAP partner groups (member states and the UN take part
# in their own right), so they map to none.
SECTOR_TO_GAP: dict[str, str] = {
    "subnational_government": "local_authorities",
    "local_government": "local_authorities",
    "parliament": "parliamentarians",
    "civil_society": "civil_society",
    "grassroots": "grassroots",
    "academia": "academia",
    "business": "business",
    "philanthropy": "philanthropy",
    "professional": "professionals",
    "trade_union": "trade_unions",
    "media": "media",
}

# Which GAP group speaking for a constituency counts towards.
CONSTITUENCY_TO_GAP: dict[str, str] = {
    "women": "women",
    "children_youth": "children_youth",
    "older_persons": "older_persons",
    "persons_with_disabilities": "persons_with_disabilities",
    "indigenous_peoples": "indigenous",
    "urban_poor": "grassroots",
    "local_communities": "grassroots",
    "rural": "farmers",
    "workers": "trade_unions",
}

SECTOR_CODES = frozenset(code for code, _ in SECTORS)
# A sector's place in the taxonomy: the stored sort key of a list sorted by sector.
SECTOR_RANKS = {code: rank for rank, (code, _) in enumerate(SECTORS)}
CONSTITUENCY_CODES = frozenset(code for code, _ in CONSTITUENCIES)


def sync_taxonomy() -> bool:
    """Write the constants above into their tables; return whether anything changed.

    Idempotent. Codes are never deleted (rows refer to them); names, order and the version
    date follow the constants, and the mapping is made to match them exactly.
    """
    changed = False
    for model, rows in ((Sector, SECTORS), (Constituency, CONSTITUENCIES), (GapGroup, GAP_GROUPS)):
        existing = {row.code: row for row in db.session.scalars(select(model))}
        for position, (code, name) in enumerate(rows, start=1):
            row = existing.get(code)
            if row is None:
                db.session.add(model(code=code, name=name, position=position, version=VERSION))
                changed = True
            elif (row.name, row.position, row.version) != (name, position, VERSION):
                row.name, row.position, row.version = name, position, VERSION
                changed = True
    db.session.flush()

    wanted = {(s, None, g) for s, g in SECTOR_TO_GAP.items()} | {
        (None, c, g) for c, g in CONSTITUENCY_TO_GAP.items()
    }
    have = {
        (m.sector_code, m.constituency_code, m.gap_group_code): m
        for m in db.session.scalars(select(GapMapping))
    }
    for key, mapping in have.items():
        if key not in wanted:
            db.session.delete(mapping)
            changed = True
        elif mapping.version != VERSION:
            mapping.version = VERSION
            changed = True
    for sector_code, constituency_code, gap_code in wanted - have.keys():
        db.session.add(
            GapMapping(
                sector_code=sector_code,
                constituency_code=constituency_code,
                gap_group_code=gap_code,
                version=VERSION,
            )
        )
        changed = True
    db.session.flush()
    return changed


class Labels:
    """Sector and constituency names in one language, by code (``labels()``)."""

    def __init__(self, translate) -> None:
        self.sector = {code: translate(name) for code, name in SECTORS}
        self.constituency = {code: translate(name) for code, name in CONSTITUENCIES}


_LABELS: dict[str, Labels] = {}


def labels() -> Labels:
    """The taxonomy's names in the page's language, translated once per language per process
    (a list page shows them ~100 times; each gettext call finds its catalogue again)."""
    from flask_babel import get_locale, gettext

    locale = str(get_locale() or "")
    found = _LABELS.get(locale)
    if found is None:
        found = _LABELS[locale] = Labels(gettext)
    return found
