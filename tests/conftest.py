"""Fixtures: the app on SQLite or on PostgreSQL (``TEST_DATABASE_URL``), clients, accounts.

The schema is built once per run by the real migrations; every test then starts from empty
tables (the taxonomy excepted), so tests never see each other's rows.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import date, time
from itertools import count
from typing import Any, NamedTuple

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import func, select, text

from registry import create_app
from registry.engagements import services as engagement_services
from registry.engagements import times
from registry.extensions import db
from registry.models import (
    AuditEvent,
    EngagementKind,
    Initiative,
    InitiativeKind,
    Membership,
    ParticipantRole,
    Partnership,
    PartnershipRole,
    Role,
    Sector,
    Stakeholder,
    Status,
    TokenScope,
    User,
)
from registry.models._base import utcnow
from registry.passwords import hash_password
from registry.taxonomy import sync_taxonomy
from tests import entry_models

KEEP_TABLES = {"sector", "constituency", "gap_group", "gap_mapping", "alembic_version"}
PASSWORD = "correct horse battery"

# Cheap argon2 settings: the hashes are real, only the cost is lowered for speed.
FAST_HASHING = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 64, "ARGON2_PARALLELISM": 1}


def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Dialect-specific tests belong to one of the two runs: deselect them in the other,
    rather than skip, so a skip in the output always means something is missing."""
    wrong = "sqlite_only" if os.environ.get("TEST_DATABASE_URL") else "postgres_only"
    deselected = [item for item in items if item.get_closest_marker(wrong)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker(wrong)]


def test_config(url: str, **extra) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "PUBLIC_URL": "http://registry.test",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "MAIL_SERVER": "",  # mail goes to the log unless a test starts an SMTP server
        "PAGE_CACHE_URL": "",  # tests/test_http_cache.py turns it on
        **FAST_HASHING,
        **extra,
    }


test_config.__test__ = False  # a helper, not a test


def reset_schema(app: Flask) -> None:
    """Start the run from an empty database, then build it with the migrations."""
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        # Models that exist only in the test schema (a second reviewable entry type).
        db.metadata.create_all(db.engine, tables=entry_models.TABLES)
        sync_taxonomy()
        db.session.commit()


def empty_tables() -> None:
    tables = [t for t in db.metadata.sorted_tables if t.name not in KEEP_TABLES]
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(tables):
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = create_app(test_config(database_url(tmp_path_factory)))
    reset_schema(app)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_database(request: pytest.FixtureRequest) -> Iterator[None]:
    """Empty the tables after each test that used the database."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.rollback()
        empty_tables()


@pytest.fixture
def app_ctx(app: Flask) -> Iterator[None]:
    with app.app_context():
        yield


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


_serial = count(1)


@pytest.fixture
def make_user(app: Flask):
    """Create an account directly in the database (committed)."""

    def make(role: Role = Role.COMMUNITY, email: str | None = None, **fields) -> User:
        n = next(_serial)
        with app.app_context():
            user = User(
                email=email or f"user{n}@example.org",
                name=fields.pop("name", f"Test User {n}"),
                password_hash=hash_password(fields.pop("password", PASSWORD)),
                role=role,
                email_verified_at=fields.pop("email_verified_at", utcnow()),
                **fields,
            )
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return make


@pytest.fixture
def make_stakeholder(app: Flask):
    """Create a stakeholder directly in the database (committed)."""

    def make(name: str | None = None, status: Status = Status.APPROVED, **fields) -> Stakeholder:
        n = next(_serial)
        with app.app_context():
            stakeholder = Stakeholder(
                name=name or f"Stakeholder {n}",
                sector_code=fields.pop("sector_code", "civil_society"),
                status=status,
                approved_at=utcnow() if status == Status.APPROVED else None,
                **fields,
            )
            db.session.add(stakeholder)
            db.session.commit()
            db.session.refresh(stakeholder)
            db.session.expunge(stakeholder)
            return stakeholder

    return make


@pytest.fixture
def user_count(app: Flask):
    def count() -> int:
        with app.app_context():
            return db.session.scalar(select(func.count()).select_from(User))

    return count


def stored_user(app: Flask, email: str) -> User | None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None:
            db.session.expunge(user)
        return user


def log_in(client: FlaskClient, user: User, password: str = PASSWORD):
    """Log in through the real login form."""
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 303, response.get_data(as_text=True)
    return response


WHO = re.compile(r'<span class="who">(.*?) <span class="role-badge">')


def logged_in_as(html: str) -> str | None:
    """The name the page's header says is logged in, or None when it offers to log in."""
    match = WHO.search(html)
    return match.group(1) if match else None


@pytest.fixture
def login(client: FlaskClient):
    def do(user: User, password: str = PASSWORD):
        return log_in(client, user, password)

    return do


@pytest.fixture
def as_role(client: FlaskClient, make_user, make_stakeholder, make_membership):
    """A client logged in as one of: anonymous, member, non_member, officer, admin."""

    def become(role: str) -> tuple[FlaskClient, User | None]:
        if role == "anonymous":
            return client, None
        if role in {"member", "non_member"}:
            user = make_user(Role.COMMUNITY)
            if role == "member":
                make_membership(user, make_stakeholder())
        else:
            user = make_user(Role(role))
        log_in(client, user)
        return client, user

    return become


# --- accounts: the ``_user`` fixtures only create one; ``logged_in_`` ones also log it in --------


@pytest.fixture
def admin_user(make_user) -> User:
    """An administrator account, Ada Admin (ada@hq.example), not logged in."""
    return make_user(Role.ADMIN, name="Ada Admin", email="ada@hq.example")


@pytest.fixture
def logged_in_admin(client: FlaskClient, admin_user: User) -> User:
    """``admin_user``, logged in on ``client`` through the login form; returns the account."""
    log_in(client, admin_user)
    return admin_user


@pytest.fixture
def member_user(make_user) -> User:
    """A community account, Mercy Member (mercy@kwsc.example), not logged in."""
    return make_user(Role.COMMUNITY, name="Mercy Member", email="mercy@kwsc.example")


@pytest.fixture
def make_membership(app: Flask):
    """Make ``user`` act for ``stakeholder`` (committed); returns the membership's id."""

    def make(user: User, stakeholder: Stakeholder) -> int:
        with app.app_context():
            membership = Membership(user_id=user.id, stakeholder_id=stakeholder.id)
            db.session.add(membership)
            db.session.commit()
            return membership.id

    return make


# --- entries that ``member_user`` acts for ----------------------------------------------------


@pytest.fixture
def draft(make_stakeholder, make_membership, member_user: User) -> Stakeholder:
    """A draft, Nakuru Disability Forum (grassroots, Nakuru, KE), that ``member_user`` acts for."""
    stakeholder = make_stakeholder(
        name="Nakuru Disability Forum",
        status=Status.DRAFT,
        sector_code="grassroots",
        country="KE",
        city="Nakuru",
    )
    make_membership(member_user, stakeholder)
    return stakeholder


@pytest.fixture
def approved(make_stakeholder, make_membership, member_user: User) -> Stakeholder:
    """A public entry, Nakuru Youth Action Network (Nakuru), that ``member_user`` acts for."""
    stakeholder = make_stakeholder(
        name="Nakuru Youth Action Network", sector_code="civil_society", city="Nakuru"
    )
    make_membership(member_user, stakeholder)
    return stakeholder


# --- initiatives and engagements, as staff record them ------------------------------------------


@pytest.fixture
def make_initiative(app):
    def make(title: str = "National Urban Policy Programme", **fields) -> Initiative:
        with app.app_context():
            initiative = Initiative(
                title=title,
                kind=fields.pop("kind", InitiativeKind.PROGRAMME),
                starts_on=fields.pop("starts_on", date(2015, 1, 1)),
                **fields,
            )
            db.session.add(initiative)
            db.session.commit()
            db.session.refresh(initiative)
            db.session.expunge(initiative)
            return initiative

    return make


@pytest.fixture
def make_partnership(app):
    def make(initiative, stakeholder, **fields) -> int:
        with app.app_context():
            partnership = Partnership(
                initiative_id=initiative.id,
                stakeholder_id=stakeholder.id,
                role=fields.pop("role", PartnershipRole.IMPLEMENTING),
                **fields,
            )
            db.session.add(partnership)
            db.session.commit()
            return partnership.id

    return make


@pytest.fixture
def make_engagement(app):
    """Record an engagement through the service (committed); returns its id."""

    def make(
        title: str = "A workshop",
        *,
        day: date = date(2020, 10, 31),
        start: time = time(12, 45),
        end: time = time(14, 45),
        zone: str = "Africa/Nairobi",
        end_day: date | None = None,
        participants: list[tuple[int, ParticipantRole]] = (),
        **fields,
    ) -> int:
        data = {
            "title": title,
            "kind": fields.pop("kind", EngagementKind.ROUNDTABLE),
            "summary": "",
            "start_utc": times.to_utc(day, start, zone),
            "end_utc": times.to_utc(end_day or day, end, zone),
            "time_zone": zone,
            "venue": None,
            "city": fields.pop("city", "Nakuru"),
            "country": fields.pop("country", "KE"),
            "online_url": None,
            "series": None,
            "attendance_people": None,
            "attendance_countries": None,
            "attendance_organizations": None,
            "attendance_note": None,
            "cancelled": False,
            **fields,
        }
        with app.app_context():
            engagement = engagement_services.create_engagement(data, None)
            for stakeholder_id, role in participants:
                engagement_services.add_participant(engagement, stakeholder_id, role, None)
            db.session.commit()
            return engagement.id

    return make


# --- reading the database back ----------------------------------------------------------------


@pytest.fixture
def fetch(app: Flask):
    """``fetch(Model, id, *relationships)``: the row as stored now, detached (None if gone)."""

    def get(model, row_id: int, *load: str) -> Any:
        with app.app_context():
            row = db.session.get(model, row_id)
            if row is not None:
                for relationship in load:  # read now: a detached row cannot load them later
                    getattr(row, relationship)
            db.session.expunge_all()
            return row

    return get


class AuditRow(NamedTuple):
    """One audit event as plain values: it equals the plain tuple of the same five."""

    actor_id: int | None
    entry_type: str
    entry_id: int | None
    before: dict | None
    after: dict | None


@pytest.fixture
def audit_rows(app: Flask):
    """``audit_rows(action)``: that action's audit events, oldest first, as ``AuditRow`` tuples."""

    def rows(action: str) -> list[AuditRow]:
        with app.app_context():
            events = db.session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
            return [
                AuditRow(e.actor_id, e.entry_type, e.entry_id, e.before, e.after) for e in events
            ]

    return rows


def sector_names(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(db.select(Sector.name)))


@pytest.fixture
def smtp_server(app, monkeypatch):
    """A real SMTP server on loopback (aiosmtpd); the app sends to it. Yields the inbox."""
    yield from smtp_inbox(app, monkeypatch)


def smtp_inbox(app, monkeypatch):
    """Start an SMTP server on loopback for ``app``; yield the list of messages it receives."""
    import socket
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller

    inbox = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            message = message_from_bytes(envelope.content, policy=policy.default)
            inbox.append(message)
            return "250 OK"

    with socket.socket() as probe:  # a free port: aiosmtpd cannot be given port 0
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    try:
        yield inbox
    finally:
        controller.stop()


# --- commitments ---------------------------------------------------------------------------------


@pytest.fixture
def framework_items(app) -> dict[str, int]:
    """A small piece of the frameworks (committed): SDG goal 11 with targets 11.1 and 11.3,
    goal 6 with target 6.2, resolution HSP/HA.2/RES.6 with OP2 and OP9, and an archived
    target 11.9; their ids by code."""
    from registry.models import Framework, FrameworkItem

    with app.app_context():
        sdg = Framework(code="sdg", kind="agenda", title="2030 Agenda", year=2015)
        resolution = Framework(
            code="HSP/HA.2/RES.6", kind="resolution", title="Urban planning", year=2023
        )
        db.session.add_all([sdg, resolution])
        db.session.flush()
        ids: dict[str, int] = {}

        def item(framework, code, kind, title, parent=None, **fields):
            row = FrameworkItem(
                framework_id=framework.id,
                code=code,
                kind=kind,
                title=title,
                position=len(ids),
                parent_id=ids.get(parent),
                **fields,
            )
            db.session.add(row)
            db.session.flush()
            ids[code] = row.id
            return row

        item(sdg, "11", "goal", "Make cities inclusive, safe, resilient and sustainable")
        item(sdg, "11.1", "target", "By 2030, ensure access for all to adequate housing", "11")
        item(sdg, "11.3", "target", "By 2030, enhance inclusive and sustainable urbanization", "11")
        item(sdg, "11.9", "target", "A target no longer in use", "11", archived_at=utcnow())
        item(sdg, "6", "goal", "Ensure availability of water and sanitation for all")
        item(sdg, "6.2", "target", "By 2030, achieve access to adequate sanitation", "6")
        item(resolution, "OP2", "paragraph", "Requests the Executive Director to support cities")
        item(resolution, "OP9", "paragraph", "Invites member states to report on progress")
        db.session.commit()
        return ids


def smart_values(framework_items: dict[str, int], **values) -> dict:
    """A complete (SMART) commitment's values, as a form hands them to the services."""
    return {
        "title": "80 cities apply the Global Urban Monitoring Framework",
        "description": "We train city officers to apply the framework and report on it, "
        "with the national statistics offices, in five regions.",
        "initiative_id": None,
        "engagement_id": None,
        "starts_on": "2026-01-01",
        "ends_on": "2028-12-31",
        "deliverables": [
            {
                "title": "Cities applying the framework",
                "indicator": "cities reporting",
                "baseline": 10.0,
                "target": 80.0,
                "unit": "cities",
                "due_on": "2028-06-30",
            }
        ],
        "resources": [
            {"kind": "financial", "amount": 250000.0, "currency": "USD", "description": None}
        ],
        "alignment": [framework_items["11.3"]],
        **values,
    }


@pytest.fixture
def make_commitment(app, framework_items):
    """Write a commitment through the services (committed), published unless ``status`` says
    otherwise; returns its id."""
    from registry.commitments import services as commitment_services

    def make(stakeholder, author=None, status: Status = Status.APPROVED, **values) -> int:
        with app.app_context():
            actor = db.session.get(User, author.id) if author is not None else None
            if actor is None:
                actor = db.session.scalar(select(User).where(User.role == Role.ADMIN))
            if actor is None:
                actor = User(
                    email=f"officer{next(_serial)}@hq.example",
                    name="Olu Officer",
                    password_hash="x",
                    role=Role.OFFICER,
                )
                db.session.add(actor)
                db.session.flush()
            owner = db.session.get(Stakeholder, stakeholder.id)
            commitment = commitment_services.create(
                owner, smart_values(framework_items, **values), actor
            )
            if status == Status.APPROVED:
                commitment_services.publish(commitment, actor)
            elif status == Status.SUBMITTED:
                commitment_services.submit(commitment, actor)
            db.session.commit()
            return commitment.id

    return make


# --- personal API tokens ------------------------------------------------------------------------


@pytest.fixture
def make_token(app):
    """``make_token(user, scope="write", expiry="90")``: a token made through the service
    (committed); returns (token id, secret)."""
    from registry.api import tokens

    def make(user: User, scope: str = "write", expiry: str = "90", name: str = "Script"):
        with app.app_context():
            owner = db.session.get(User, user.id)
            token, secret = tokens.create(owner, name, TokenScope(scope), expiry)
            db.session.commit()
            return token.id, secret

    return make


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}
