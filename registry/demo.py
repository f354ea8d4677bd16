"""``flask seed-demo``: the small, realistic registry of DOMAIN.md, for newcomers and demos."""

from __future__ import annotations

from datetime import date, time, timedelta

from flask import current_app
from sqlalchemy import select

from registry import audit
from registry.commitments.demo import COMMITMENTS, seed_commitments
from registry.demo_data import COMMUNITY_DEMO_MEMBER_OF, ENGAGEMENTS, RESOLUTIONS, STAKEHOLDERS
from registry.engagements import services as engagement_services
from registry.engagements import times
from registry.extensions import db
from registry.frameworks import demo as frameworks_demo
from registry.frameworks import picker
from registry.frameworks.services import import_resolution
from registry.initiatives.demo import INITIATIVES, seed_initiatives
from registry.models import (
    Constituency,
    Engagement,
    EngagementKind,
    Initiative,
    Membership,
    OutcomeKind,
    ParticipantRole,
    Role,
    Scale,
    Stakeholder,
    Status,
    User,
)
from registry.models._base import utcnow
from registry.passwords import hash_password
from registry.taxonomy import sync_taxonomy

# The README lists these; they exist only where seed-demo ran, never in production.
DEMO_ACCOUNTS = [
    ("admin@demo.example", "Demo Administrator", Role.ADMIN, "demo-admin-pass"),
    ("officer@demo.example", "Demo Partnership Officer", Role.OFFICER, "demo-officer-pass"),
    ("community@demo.example", "Demo Community Member", Role.COMMUNITY, "demo-community-pass"),
]


DEMO_OFFICER = "officer@demo.example"  # enters the demo initiatives, as staff would


class DemoRefused(RuntimeError):
    """The demo registry is never loaded into production."""


def seed_demo() -> str:
    """Load the demo registry; running it again changes nothing. The caller commits."""
    if current_app.config["REGISTRY_ENV"] == "production":
        raise DemoRefused("seed-demo refuses to run when REGISTRY_ENV=production.")
    sync_taxonomy()
    stakeholders, added = _stakeholders()
    paragraphs = sum(
        import_resolution(r["code"], r["year"], r["title"], r["paragraphs"])[0] for r in RESOLUTIONS
    )
    accounts = _accounts(stakeholders[COMMUNITY_DEMO_MEMBER_OF])
    engagements = _engagements(stakeholders)
    db.session.flush()
    officer = db.session.scalar(select(User).where(User.email == DEMO_OFFICER))
    initiatives = seed_initiatives(stakeholders, officer)
    _link_engagements(officer)
    _align_engagements(officer)
    db.session.flush()
    commitments = seed_commitments(stakeholders, officer)
    db.session.flush()
    # Seed 003's briefing, line by line, through the services.
    statuses = frameworks_demo.seed_statuses(officer, date.today())
    return (
        f"Demo registry: {len(stakeholders)} stakeholders ({added} added), "
        f"{len(INITIATIVES)} initiatives ({initiatives} added), "
        f"{len(RESOLUTIONS)} resolutions ({paragraphs} paragraphs added), "
        f"{len(DEMO_ACCOUNTS)} demo accounts ({accounts} added), "
        f"{len(ENGAGEMENTS)} engagements ({engagements} added), "
        f"{len(COMMITMENTS)} commitments ({commitments} added), "
        f"{frameworks_demo.line_count()} implementation lines ({statuses} added)."
    )


def _stakeholders() -> tuple[dict[str, Stakeholder], int]:
    constituencies = {c.code: c for c in db.session.scalars(select(Constituency))}
    names = [entry["name"] for entry in STAKEHOLDERS]
    existing = {
        s.name: s
        for s in db.session.scalars(
            select(Stakeholder).where(Stakeholder.name.in_(names), Stakeholder.is_demo.is_(True))
        )
    }
    # Spread the approval dates so "newest" on the home page reads like a living registry.
    start = utcnow() - timedelta(days=len(STAKEHOLDERS))
    added = 0
    for day, entry in enumerate(STAKEHOLDERS):
        if entry["name"] in existing:
            continue
        stakeholder = Stakeholder(
            name=entry["name"],
            acronym=entry["acronym"],
            sector_code=entry["sector"],
            country=entry["country"],
            city=entry["city"],
            scale=Scale(entry["scale"]),
            website=entry["website"],
            description=entry["description"],
            constituencies=[constituencies[code] for code in entry["constituencies"]],
            status=Status.APPROVED,
            approved_at=start + timedelta(days=day),
            is_demo=True,
        )
        db.session.add(stakeholder)
        audit.record(
            "stakeholder.created", stakeholder, after={"name": stakeholder.name}, actor=None
        )
        existing[stakeholder.name] = stakeholder
        added += 1
    return existing, added


def _accounts(community_org: Stakeholder) -> int:
    added = 0
    for email, name, role, password in DEMO_ACCOUNTS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(
                email=email,
                name=name,
                role=role,
                password_hash=hash_password(password),
                email_verified_at=utcnow(),  # demo addresses receive no mail
            )
            db.session.add(user)
            audit.record(
                "user.registered", user, after={"email": email, "role": role.value}, actor=None
            )
            added += 1
        if role == Role.COMMUNITY and not any(
            m.stakeholder_id == community_org.id for m in user.memberships
        ):
            db.session.add(Membership(user=user, stakeholder=community_org))
    return added


# Engagement -> the initiatives it served (seed 000: the second conference was "the first
# official event of the National Urban Policy Programme").
ENGAGEMENT_INITIATIVES = {
    "National Urban Policy: Towards Smarter and Greener Cities": [
        "National Urban Policy Programme"
    ],
    "National Urban Policies: Implementing the SDGs and the New Urban Agenda": [
        "National Urban Policy Programme"
    ],
    "International Forum on Urban-Rural Linkages, first session": ["Urban-Rural Linkages"],
    "International Forum on Urban-Rural Linkages, second session": ["Urban-Rural Linkages"],
    "International Forum on Urban-Rural Linkages, third session": ["Urban-Rural Linkages"],
    "Roundtable 3 (demo): Following up on the partnerships of Roundtable 2": ["SDG Cities"],
}

# Engagement -> the framework items it advanced (framework code, item code); those not
# imported are left out. Roundtable 2 (seed 001) brought the whole of society together for
# SDG 11; the forums on urban-rural linkages followed HSP/HA.1/RES.5.
ENGAGEMENT_ALIGNMENT = {
    "Roundtable 2: Working together to build sustainable cities and communities": [
        ("sdg", "11.3"), ("sdg", "17.17"),
    ],
    "Roundtable 3 (demo): Following up on the partnerships of Roundtable 2": [
        ("HSP/HA.2/RES.6", "OP2(d)"), ("sdg", "17.17"),
    ],
    "National Urban Policy: Towards Smarter and Greener Cities": [("sdg", "11.a")],
    "National Urban Policies: Implementing the SDGs and the New Urban Agenda": [("sdg", "11.a")],
    "First International Forum on Urban Policy for the SDGs": [("sdg", "11.a"), ("sdg", "11.3")],
    "International Forum on Urban-Rural Linkages, first session": [
        ("HSP/HA.1/RES.5", "OP1"), ("sdg", "11.a"),
    ],
    "International Forum on Urban-Rural Linkages, second session": [
        ("HSP/HA.1/RES.5", "OP3"), ("sdg", "11.a"),
    ],
    "International Forum on Urban-Rural Linkages, third session": [
        ("HSP/HA.1/RES.5", "OP3"), ("HSP/HA.1/RES.5", "OP4"), ("sdg", "11.a"),
    ],
}  # fmt: skip


def _link_engagements(officer: User) -> None:
    """List the initiatives each demo engagement served (a link already there stays)."""
    db.session.flush()
    engagements = {
        e.title: e
        for e in db.session.scalars(
            select(Engagement).where(
                Engagement.title.in_(ENGAGEMENT_INITIATIVES), Engagement.is_demo
            )
        )
    }
    wanted = {title for titles in ENGAGEMENT_INITIATIVES.values() for title in titles}
    initiatives = {
        i.title: i
        for i in db.session.scalars(
            select(Initiative).where(Initiative.title.in_(wanted), Initiative.is_demo)
        )
    }
    for title, served in ENGAGEMENT_INITIATIVES.items():
        for initiative_title in served:
            if title in engagements and initiative_title in initiatives:
                engagement_services.link_initiative(
                    engagements[title], initiatives[initiative_title], officer
                )


def _align_engagements(officer: User) -> None:
    """Align each demo engagement to what it advanced, through the service (audited); one
    already aligned is left as it is."""
    engagements = db.session.scalars(
        select(Engagement).where(Engagement.title.in_(ENGAGEMENT_ALIGNMENT), Engagement.is_demo)
    )
    for engagement in engagements:
        if not engagement.alignment:
            wanted = picker.ids_by_code(ENGAGEMENT_ALIGNMENT[engagement.title])
            engagement_services.set_alignment(engagement, wanted, officer)


def _engagements(stakeholders: dict[str, Stakeholder]) -> int:
    """The demo engagements with their participants and outcomes, through the same services
    (and audit trail) as staff use; one already there, by title, is left as it is."""
    db.session.flush()  # the stakeholders' ids
    titles = [entry["title"] for entry in ENGAGEMENTS]
    existing = set(
        db.session.scalars(
            select(Engagement.title).where(Engagement.title.in_(titles), Engagement.is_demo)
        )
    )
    added = 0
    for entry in ENGAGEMENTS:
        if entry["title"] in existing:
            continue
        zone = entry["time_zone"]
        (start_day, start_at), (end_day, end_at) = entry["start"], entry["end"]
        attendance = entry["attendance"]
        data = {
            "title": entry["title"],
            "kind": EngagementKind(entry["kind"]),
            "summary": entry["summary"],
            "start_utc": times.to_utc(
                date.fromisoformat(start_day), time.fromisoformat(start_at), zone
            ),
            "end_utc": times.to_utc(date.fromisoformat(end_day), time.fromisoformat(end_at), zone),
            "time_zone": zone,
            "venue": entry["venue"],
            "city": entry["city"],
            "country": entry["country"],
            "online_url": entry["online_url"],
            "series": entry["series"],
            "attendance_people": attendance.get("people"),
            "attendance_countries": attendance.get("countries"),
            "attendance_organizations": attendance.get("organizations"),
            "attendance_note": attendance.get("note"),
            "cancelled": False,
        }
        engagement = engagement_services.create_engagement(data, None, is_demo=True)
        for name, role in entry["participants"]:
            engagement_services.add_participant(
                engagement, stakeholders[name].id, ParticipantRole(role), None
            )
        for kind, text in entry["outcomes"]:
            engagement_services.add_outcome(engagement, OutcomeKind(kind), text, None)
        added += 1
    return added
