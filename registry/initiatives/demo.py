"""The demo registry's initiatives and their partners (DOMAIN.md, "Demo data"; the seeds),
entered through the app's own services by the demo officer, as staff would enter them.

Partners are named as in ``registry.demo_data.STAKEHOLDERS``. Where a seed gives no date,
the start is the year the programme is publicly known to have begun, on 1 January. Framework
items are named by (framework, code), as seed 003 reports the work against the resolutions'
paragraphs; those not imported (the SDGs come from ../shared/data/sdg) are left out.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from registry.extensions import db
from registry.frameworks import picker
from registry.initiatives import services
from registry.models import (
    Initiative,
    InitiativeKind,
    InitiativeStatus,
    PartnershipBasis,
    PartnershipRole,
    Stakeholder,
    User,
)

UN_HABITAT = "United Nations Human Settlements Programme"

INITIATIVES = [
    {
        "title": "National Urban Policy Programme",
        "kind": InitiativeKind.PROGRAMME,
        "summary": (
            "UN-Habitat, the OECD and Cities Alliance support national governments in "
            "developing, implementing and monitoring national urban policies, and convene the "
            "International Conferences on National Urban Policy."
        ),
        "lead": UN_HABITAT,
        "starts_on": date(2016, 1, 1),
        "countries": [],
        "alignment": [("HSP/HA.2/RES.8", "OP2"), ("sdg", "11.a")],
        "partners": [
            ("Organisation for Economic Co-operation and Development", PartnershipRole.CO_LEAD,
             PartnershipBasis.MOU),
            ("Cities Alliance", PartnershipRole.IMPLEMENTING, PartnershipBasis.AGREEMENT),
            ("Korea Research Institute for Human Settlements", PartnershipRole.TECHNICAL,
             PartnershipBasis.INFORMAL),
        ],
    },
    {
        "title": "Local2030 Coalition",
        "kind": InitiativeKind.COALITION,
        "summary": (
            "A UN-wide coalition for localizing the SDGs, offering capacity building to local "
            "and regional governments."
        ),
        "lead": "United Nations Department of Economic and Social Affairs",
        "starts_on": date(2017, 7, 1),
        "countries": [],
        "alignment": [
            ("HSP/HA.2/RES.6", "OP2(b)"), ("HSP/HA.2/RES.6", "OP2(f)"), ("HSP/HA.2/RES.6", "OP9"),
            ("sdg", "17.17"),
        ],
        "partners": [
            ("United Cities and Local Governments", PartnershipRole.CO_LEAD,
             PartnershipBasis.LETTER),
            (UN_HABITAT, PartnershipRole.IMPLEMENTING, PartnershipBasis.INFORMAL),
        ],
    },
    {
        "title": "Urban-Rural Linkages",
        "kind": InitiativeKind.PROGRAMME,
        "summary": (
            "Guiding principles and a framework for action to advance integrated territorial "
            "development, with an international forum hosted by Songyang County."
        ),
        "lead": UN_HABITAT,
        "starts_on": date(2019, 1, 1),
        "countries": ["CN", "KE"],
        "alignment": [
            ("HSP/HA.1/RES.5", "OP1"), ("HSP/HA.1/RES.5", "OP3"), ("HSP/HA.1/RES.5", "OP4"),
            ("sdg", "11.a"),
        ],
        "partners": [
            ("University of Nairobi Center for Urban-Rural Linkages in Africa",
             PartnershipRole.TECHNICAL, PartnershipBasis.MOU),
            ("Songyang County", PartnershipRole.PARTICIPANT, PartnershipBasis.LETTER),
        ],
    },
    {
        "title": "SDG Cities",
        "kind": InitiativeKind.PROGRAMME,
        "summary": "A flagship programme helping cities plan, finance and monitor the SDGs.",
        "lead": UN_HABITAT,
        "starts_on": date(2022, 1, 1),
        "countries": ["KE"],
        "cities": "Nakuru",
        "alignment": [("HSP/HA.2/RES.6", "OP2(a)"), ("HSP/HA.2/RES.6", "OP2(d)"), ("sdg", "11.3")],
        "partners": [
            ("Nakuru City County Government (demo)", PartnershipRole.IMPLEMENTING,
             PartnershipBasis.AGREEMENT),
            ("Nakuru Youth Action Network (demo)", PartnershipRole.PARTICIPANT,
             PartnershipBasis.INFORMAL),
        ],
    },
    {
        "title": "Safer Cities",
        "kind": InitiativeKind.PROGRAMME,
        "summary": "Urban safety and crime prevention with local governments and communities.",
        "lead": UN_HABITAT,
        "starts_on": date(1996, 1, 1),
        "countries": [],
        "alignment": [
            ("HSP/HA.1/RES.2", "OP3"), ("HSP/HA.1/RES.2", "OP5"), ("HSP/HA.1/RES.2", "OP7"),
            ("sdg", "11.7"),
        ],
        "partners": [
            ("United Nations Office on Drugs and Crime", PartnershipRole.TECHNICAL,
             PartnershipBasis.INFORMAL),
        ],
    },
    {
        "title": "Global Urban Monitoring Framework",
        "kind": InitiativeKind.KNOWLEDGE_PLATFORM,
        "summary": "A harmonized framework for monitoring the urban SDGs and the New Urban Agenda.",
        "lead": UN_HABITAT,
        "starts_on": date(2020, 1, 1),
        "countries": [],
        "alignment": [("HSP/HA.2/RES.6", "OP4(a)"), ("sdg", "11.3"), ("sdg", "17.18")],
        "partners": [],
    },
    {
        "title": "RISE UP flagship programme",
        "kind": InitiativeKind.PROGRAMME,
        "summary": "Resilient settlements for the urban poor: mobilizing resources for adaptation.",
        "lead": UN_HABITAT,
        "starts_on": date(2020, 1, 1),
        "countries": ["KE"],
        "alignment": [("HSP/HA.2/RES.5", "OP4"), ("sdg", "13.1")],
        "partners": [
            ("Nakuru Informal Settlements Federation (demo)", PartnershipRole.PARTICIPANT,
             PartnershipBasis.INFORMAL),
        ],
    },
    {
        "title": "Our City Plans",
        "kind": InitiativeKind.KNOWLEDGE_PLATFORM,
        "summary": "An open toolbox for inclusive, integrated urban planning.",
        "lead": UN_HABITAT,
        "starts_on": date(2021, 1, 1),
        "countries": [],
        "alignment": [("HSP/HA.2/RES.8", "OP1"), ("HSP/HA.2/RES.8", "OP6"), ("sdg", "11.3")],
        "partners": [],
    },
    {
        "title": "World Cleanup Day",
        "kind": InitiativeKind.CAMPAIGN,
        "summary": "A yearly day of action, on 20 September, to clean up waste in cities.",
        "lead": None,
        "starts_on": date(2018, 9, 15),
        "countries": ["KE"],
        "alignment": [
            ("HSP/HA.2/RES.3", "OP1"), ("HSP/HA.2/RES.3", "OP2"), ("HSP/HA.2/RES.3", "OP6"),
            ("sdg", "11.6"),
        ],
        "partners": [
            ("Nakuru Community Development Organization (demo)", PartnershipRole.IMPLEMENTING,
             PartnershipBasis.INFORMAL),
            ("Nakuru Women's Savings and Housing Group (demo)", PartnershipRole.PARTICIPANT,
             PartnershipBasis.INFORMAL),
        ],
    },
]  # fmt: skip


def seed_initiatives(stakeholders: dict[str, Stakeholder], officer: User) -> int:
    """The demo initiatives not yet there, with their partners and alignment; how many were
    added. One already there is aligned if it is not yet (a registry seeded before alignment)."""
    titles = [entry["title"] for entry in INITIATIVES]
    existing = {
        initiative.title: initiative
        for initiative in db.session.scalars(
            select(Initiative).where(Initiative.title.in_(titles), Initiative.is_demo)
        )
    }
    added = 0
    for entry in INITIATIVES:
        if entry["title"] in existing:
            initiative = existing[entry["title"]]
            if not initiative.alignment:
                services.set_alignment(initiative, picker.ids_by_code(entry["alignment"]), officer)
            continue
        lead = stakeholders.get(entry["lead"]) if entry["lead"] else None
        initiative = services.create_initiative(
            {
                "title": entry["title"],
                "kind": entry["kind"],
                "status": InitiativeStatus.ACTIVE,
                "summary": entry["summary"],
                "lead_stakeholder_id": lead.id if lead else None,
                "countries": entry["countries"],
                "cities": entry.get("cities"),
                "starts_on": entry["starts_on"],
                "alignment": picker.ids_by_code(entry["alignment"]),
            },
            officer,
        )
        initiative.is_demo = True
        for name, role, basis in entry["partners"]:
            services.add_partner(
                initiative,
                stakeholders[name],
                {"role": role, "basis": basis, "starts_on": entry["starts_on"]},
                officer,
            )
        added += 1
    return added
