"""Fixtures: the app on SQLite or on PostgreSQL (``TEST_DATABASE_URL``), clients, accounts.

The schema is built once per run by the real migrations; every test then starts from empty
tables (the taxonomy excepted), so tests never see each other's rows.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from itertools import count

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from registry import create_app
from registry.extensions import db
from registry.models import Role, Sector, Stakeholder, Status, User
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


def log_in(client: FlaskClient, user: User, password: str = PASSWORD):
    """Log in through the real login form."""
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 303, response.get_data(as_text=True)
    return response


@pytest.fixture
def login(client: FlaskClient):
    def do(user: User, password: str = PASSWORD):
        return log_in(client, user, password)

    return do


@pytest.fixture
def as_role(client: FlaskClient, make_user, make_stakeholder):
    """A client logged in as one of: anonymous, member, non_member, officer, admin."""

    def become(role: str) -> tuple[FlaskClient, User | None]:
        if role == "anonymous":
            return client, None
        if role in {"member", "non_member"}:
            user = make_user(Role.COMMUNITY)
            if role == "member":
                stakeholder = make_stakeholder()
                with client.application.app_context():
                    from registry.models import Membership

                    db.session.add(Membership(user_id=user.id, stakeholder_id=stakeholder.id))
                    db.session.commit()
        else:
            user = make_user(Role(role))
        log_in(client, user)
        return client, user

    return become


def sector_names(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(db.select(Sector.name)))


@pytest.fixture
def smtp_server(app, monkeypatch):
    """A real SMTP server on loopback (aiosmtpd); the app sends to it. Yields the inbox."""
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
