"""The demo registry's commitments (seed 003's implementation briefing, seed 001's roundtable),
written, published and reported on through the app's own services, as staff and members
would. Dates are counted back from today, so the demo always shows the same mix of lights:
some on track, one overdue with a slipped deliverable, one inactive, one completed (with a
verified report), and one waiting for review.

Organizations, initiatives and engagements are named as in ``registry.demo_data`` and
``registry.initiatives.demo``; framework items by (framework, code), and left out where the
framework was not imported (the SDGs come from ../shared/data/sdg).
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from registry.commitments import progress, services
from registry.extensions import db
from registry.models import (
    Commitment,
    Engagement,
    Framework,
    FrameworkItem,
    Initiative,
    Stakeholder,
    Status,
    User,
)

UN_HABITAT = "United Nations Human Settlements Programme"
ROUNDTABLE_2 = "Roundtable 2: Working together to build sustainable cities and communities"
COMMUNITY_AUTHOR = "community@demo.example"

# Months are counted from today: negative into the past, positive into the future.
# fmt: off
COMMITMENTS: list[dict[str, Any]] = [
    {
        # Seed 003, HSP/HA.2/RES.6: a corporate capacity-building offer on SDG localization,
        # in line with the Local2030 Coalition (with UNDESA and UCLG), piloted in 5 countries.
        "by": UN_HABITAT,
        "title": "A capacity-building offer on SDG localization, piloted in five countries",
        "description": (
            "With UNDESA and UCLG, in line with the Local2030 Coalition, UN-Habitat builds a "
            "corporate capacity-building offer on SDG localization for local and regional "
            "governments, pilots it in five countries, then scales the pilots up to national "
            "programmes."
        ),
        "initiative": "Local2030 Coalition",
        "period": (-30, 12),
        "published": -30,
        "deliverables": [
            ("Countries piloting the offer", "countries with a completed pilot", 0, 5,
             "countries", -16),
            ("Local2030 Knowledge and Scientific Network launched", "network launched", 0, 1,
             "network", -6),
        ],
        "resources": [
            ("staff", None, None, "The SDG Localization and Local Governments team"),
            ("technical", None, None, "Training modules developed with UNDESA and UCLG"),
        ],
        "alignment": [
            ("HSP/HA.2/RES.6", "OP2(b)"),
            ("HSP/HA.2/RES.6", "OP2(c)"),
            ("HSP/HA.2/RES.6", "OP2(f)"),
            ("sdg", "17.17"),
        ],
        "reports": [
            (-20, "The offer was piloted in three countries.", {0: (3, None)}, None, False),
            (-14, "Pilots completed in five countries; the SDG Localization Marker was endorsed "
                  "within the Joint SDG Fund.", {0: (5, -14)},
             "https://unhabitat.org/topic/sdg-localization", True),
        ],
    },
    {
        # Seed 003, HSP/HA.2/RES.6 OP4(a): 80 new cities applied the Global Urban Monitoring
        # Framework, and 42 reached out for support to collect data and report.
        "by": UN_HABITAT,
        "title": "80 cities apply the Global Urban Monitoring Framework",
        "description": (
            "Cities apply the Global Urban Monitoring Framework to measure progress on the SDGs "
            "and the New Urban Agenda; those that ask for it get support to collect data and "
            "report on progress."
        ),
        "initiative": "Global Urban Monitoring Framework",
        "period": (-26, 18),
        "published": -26,
        "deliverables": [
            ("New cities applying the framework", "cities applying the framework", 0, 80,
             "cities", -2),
            ("Cities supported to collect data and report", "cities supported", 0, 42,
             "cities", 10),
        ],
        "resources": [
            ("technical", None, None, "Data collection and reporting support by the urban "
             "observatories team"),
            ("financial", 1_200_000, "USD", "Programme budget for city support"),
        ],
        "alignment": [("HSP/HA.2/RES.6", "OP4(a)"), ("sdg", "11.3"), ("sdg", "17.18")],
        "reports": [
            (-18, "45 cities apply the framework.", {0: (45, None), 1: (12, None)}, None, False),
            (-3, "80 new cities have applied the framework; 42 have reached out for support.",
             {0: (80, -3), 1: (30, None)}, "https://unhabitat.org/urban-monitoring", False),
        ],
    },
    {
        # Seed 003, HSP/HA.2/RES.3: World Cleanup Day on 20 September; a Nakuru organization
        # pledged its clean-ups at Roundtable 2 (seed 001). Invented for the demo.
        "by": "Nakuru Community Development Organization (demo)",
        "title": "Clean-ups in Nakuru's informal settlements on World Cleanup Day (demo)",
        "description": (
            "(demo) Every 20 September, volunteers clean up the informal settlements of "
            "Nakuru with the county, which lends a truck and takes the waste to the landfill."
        ),
        "initiative": "World Cleanup Day",
        "engagement": ROUNDTABLE_2,
        "period": (-28, 1),
        "published": -28,
        "deliverables": [
            ("Neighbourhood clean-ups on 20 September", "clean-ups held", 0, 12, "clean-ups",
             -3),
            ("Waste collected", "tonnes taken to the landfill", 0, 5, "tonnes", -3),
        ],
        "resources": [
            ("in_kind", None, None, "Gloves, bags and a county truck"),
            ("staff", None, None, "40 volunteers"),
        ],
        "alignment": [("HSP/HA.2/RES.3", "OP6"), ("sdg", "11.6")],
        "reports": [
            (-15, "(demo) Eight clean-ups on World Cleanup Day.", {0: (8, None), 1: (3.5, None)},
             None, False),
            (-2, "(demo) Twelve clean-ups; 6.5 tonnes of waste collected.",
             {0: (12, -3), 1: (6.5, -3)}, "https://example.org/nakuru-cleanup-photos", True),
        ],
    },
    {
        # Seed 003, HSP/HA.1/RES.5: twelve African countries supported in integrating
        # urban-rural linkages into national policies; a Center in Nairobi; case studies.
        "by": UN_HABITAT,
        "title": "Twelve African countries integrate urban-rural linkages into national policies",
        "description": (
            "Research and policy reviews lead to support for twelve African countries in "
            "integrating urban-rural linkages into their national policies and strategies, "
            "with a Center for Urban-Rural Linkages in Africa and compendiums of case studies."
        ),
        "initiative": "Urban-Rural Linkages",
        "period": (-40, 8),
        "published": -40,
        "deliverables": [
            ("African countries supported", "countries with urban-rural linkages in national "
             "policies", 0, 12, "countries", -26),
            ("Center for Urban-Rural Linkages in Africa established", "centre established", 0,
             1, "centre", -28),
            ("Case study compendiums published", "compendiums", 0, 3, "compendiums", 6),
        ],
        "resources": [("technical", None, None, "Policy reviews and the international forum")],
        "alignment": [("HSP/HA.1/RES.5", "OP1"), ("HSP/HA.1/RES.5", "OP3"), ("sdg", "11.a")],
        "reports": [
            (-30, "Policy reviews in Cameroon, Kenya, Nigeria, Senegal and Zimbabwe.",
             {0: (8, None), 1: (1, -31)}, None, False),
            (-26, "Twelve countries supported; the first compendium is out.",
             {0: (12, -26), 2: (1, None)}, None, False),
        ],
    },
    {
        # Seed 003, HSP/HA.2/RES.5 OP4 and OP7: resources mobilized under RISE UP for Ghana and
        # Côte d'Ivoire, Sri Lanka, Mongolia and Lao PDR; a GCF accreditation task force.
        "by": UN_HABITAT,
        "title": "RISE UP: resources mobilized for resilient settlements",
        "description": (
            "Resources are mobilized under the RISE UP flagship programme for climate "
            "resilience in the most vulnerable settlements, and UN-Habitat seeks accreditation "
            "with the Green Climate Fund."
        ),
        "initiative": "RISE UP flagship programme",
        "period": (-20, 16),
        "published": -20,
        "deliverables": [
            ("Countries with resources mobilized", "countries", 0, 6, "countries", 12),
            ("Green Climate Fund accreditation: Stage 1 submitted", "submission", 0, 1,
             "submission", -8),
        ],
        "resources": [
            ("financial", 50_000_000, "USD", "GCF accreditation window sought"),
            ("staff", None, None, "A GCF Accreditation Task Force"),
        ],
        "alignment": [("HSP/HA.2/RES.5", "OP4"), ("HSP/HA.2/RES.5", "OP7"), ("sdg", "13.1")],
        "reports": [
            (-5, "Resources mobilized for Ghana and Côte d'Ivoire, Sri Lanka, Mongolia and Lao "
                 "PDR.", {0: (5, None)}, None, False),
        ],
    },
    {
        # Seed 001's roundtable decided quarterly planning meetings (the demo's own outcome).
        "by": "Nakuru City County Government (demo)",
        "title": "Quarterly recovery planning with informal settlement organizations (demo)",
        "description": (
            "(demo) The county meets community organizations every quarter to plan recovery "
            "measures for informal settlements together, as agreed at Roundtable 2."
        ),
        "engagement": ROUNDTABLE_2,
        "period": (-34, 4),
        "published": -34,
        "deliverables": [
            ("Quarterly planning meetings held", "meetings", 0, 12, "meetings", 4),
        ],
        "resources": [("staff", None, None, "The county's urban planning department")],
        "alignment": [("HSP/HA.2/RES.2", "OP3(d)"), ("sdg", "11.3")],
        "reports": [
            (-16, "(demo) Seven meetings held so far.", {0: (7, None)}, None, False),
        ],
    },
    {
        "by": "Nakuru Women's Savings and Housing Group (demo)",
        "title": "50 women-led households move into improved housing (demo)",
        "description": (
            "(demo) The savings group's members pool savings and a county land allocation to "
            "build or upgrade the homes of 50 women-led households."
        ),
        "engagement": ROUNDTABLE_2,
        "period": (-24, 18),
        "published": -24,
        "deliverables": [
            ("Households in improved housing", "households", 0, 50, "households", 18),
            ("Savings pooled", "KES saved by members", 0, 2_000_000, "KES", 12),
        ],
        "resources": [
            ("financial", 2_000_000, "KES", "Members' savings"),
            ("in_kind", None, None, "Land allocated by the county"),
        ],
        "alignment": [("sdg", "11.1"), ("HSP/HA.2/RES.2", "OP3(c)")],
        "reports": [
            (-9, "(demo) 14 households have moved in.", {0: (14, None), 1: (900_000, None)},
             None, False),
            (-1, "(demo) 22 households have moved in.", {0: (22, None), 1: (1_300_000, None)},
             None, False),
        ],
    },
    {
        # Written by the demo community account and waiting in the review queue.
        "by": "Nakuru Informal Settlements Federation (demo)",
        "author": COMMUNITY_AUTHOR,
        "status": Status.SUBMITTED,
        "title": "Community mapping of ten informal settlements (demo)",
        "description": (
            "(demo) Residents map households, water points and drains in ten informal "
            "settlements of Nakuru, so the county's plans start from what is there."
        ),
        "engagement": ROUNDTABLE_2,
        "period": (0, 14),
        "deliverables": [
            ("Settlements mapped", "settlements with a published map", 0, 10, "settlements", 12),
        ],
        "resources": [("staff", None, None, "Twenty trained resident mappers")],
        "alignment": [("HSP/HA.2/RES.2", "OP3(c)"), ("sdg", "11.1")],
        "reports": [],
    },
]
# fmt: on


def _on(months: int):
    return progress.today() + relativedelta(months=months)


def _items(pairs: list[tuple[str, str]]) -> list[int]:
    """The ids of the named framework items that exist (the SDGs may not be imported)."""
    found = []
    for framework_code, code in pairs:
        item_id = db.session.scalar(
            select(FrameworkItem.id)
            .join(Framework, Framework.id == FrameworkItem.framework_id)
            .where(Framework.code == framework_code, FrameworkItem.code == code)
        )
        if item_id is not None:
            found.append(item_id)
    return found


def _by_title(model: type, title: str | None) -> int | None:
    if title is None:
        return None
    return db.session.scalar(select(model.id).where(model.title == title))


def _values(entry: dict[str, Any]) -> dict[str, Any]:
    starts, ends = entry["period"]
    return {
        "title": entry["title"],
        "description": entry["description"],
        "initiative_id": _by_title(Initiative, entry.get("initiative")),
        "engagement_id": _by_title(Engagement, entry.get("engagement")),
        "starts_on": _on(starts).isoformat(),
        "ends_on": _on(ends).isoformat(),
        "deliverables": [
            {
                "title": title,
                "indicator": indicator,
                "baseline": float(baseline),
                "target": float(target),
                "unit": unit,
                "due_on": _on(due).isoformat(),
            }
            for title, indicator, baseline, target, unit, due in entry["deliverables"]
        ],
        "resources": [
            {
                "kind": kind,
                "amount": float(amount) if amount is not None else None,
                "currency": currency,
                "description": description,
            }
            for kind, amount, currency, description in entry["resources"]
        ],
        "alignment": _items(entry["alignment"]),
    }


def seed_commitments(stakeholders: dict[str, Stakeholder], officer: User) -> int:
    """The demo commitments not yet there, with their reports; how many were added."""
    titles = [entry["title"] for entry in COMMITMENTS]
    existing = set(
        db.session.scalars(
            select(Commitment.title).where(Commitment.title.in_(titles), Commitment.is_demo)
        )
    )
    added = 0
    for entry in COMMITMENTS:
        if entry["title"] in existing:
            continue
        author = officer
        if entry.get("author"):
            author = db.session.scalar(select(User).where(User.email == entry["author"]))
        commitment = services.create(stakeholders[entry["by"]], _values(entry), author)
        commitment.is_demo = True
        if entry.get("status") == Status.SUBMITTED:
            services.submit(commitment, author)
        else:
            services.publish(commitment, officer)
            published = datetime.combine(_on(entry["published"]), time(9), tzinfo=UTC)
            commitment.approved_at = published  # the demo's own history
            progress.refresh(commitment)
            _report(commitment, entry["reports"], officer)
        added += 1
    return added


def _report(commitment: Commitment, reports: list, officer: User) -> None:
    deliverables = commitment.deliverables
    for months, narrative, updates, evidence, verified in reports:
        on = _on(months)
        report = services.add_report(
            commitment,
            {
                "reported_on": on,
                "covers_to": on,
                "narrative": narrative,
                "evidence_url": evidence,
                "updates": [
                    {
                        "deliverable_id": deliverables[index].id,
                        "achieved": achieved,
                        "done_on": _on(done) if done is not None else None,
                    }
                    for index, (achieved, done) in updates.items()
                ],
            },
            officer,
        )
        if verified:
            services.verify_report(report, officer)
