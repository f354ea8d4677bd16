"""The migrations build the schema the models describe, on SQLite and PostgreSQL alike."""

import os

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, make_url, select, text
from sqlalchemy.exc import IntegrityError

from registry import create_app
from registry.database import include_object
from registry.extensions import db
from registry.models import Merge, Revision, RevisionStatus
from tests.conftest import test_config


def test_no_pending_autogenerate_diff(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "render_as_batch": True, "include_object": include_object},
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_migrations_created_every_table(app):
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
    assert {t.name for t in db.metadata.sorted_tables} <= tables
    assert "alembic_version" in tables


# --- data migrations ------------------------------------------------------------------------

BEFORE_GENERIC_REVISIONS = "fdab997f0bb0"


@pytest.fixture
def scratch_app(tmp_path):
    """An app on a database of its own, empty, for walking the migrations step by step."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        app = create_app(test_config(f"sqlite:///{tmp_path / 'scratch.db'}"))
        yield app
        with app.app_context():
            db.engine.dispose()
        return
    name = f"registry_scratch_{os.getpid()}"
    admin = url.replace("+psycopg", "")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    app = create_app(test_config(make_url(url).set(database=name).render_as_string(False)))
    try:
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _rows(sql: str) -> list[tuple]:
    return [tuple(row) for row in db.session.execute(text(sql))]


def test_stakeholder_revisions_move_to_the_generic_table_and_back(scratch_app):
    """Proposals made before entry types keep their ids, data and decisions; merge records
    point at them under the new key; new proposals get fresh ids; downgrading restores it."""
    with scratch_app.app_context():
        upgrade(revision=BEFORE_GENERIC_REVISIONS)
        statements = [
            "INSERT INTO sector (code, name, position, version) "
            "VALUES ('civil_society', 'Civil society', 1, '2026-01-01')",
            'INSERT INTO "user" (id, email, name, password_hash, role, active, created_at) '
            "VALUES (1, 'a@example.org', 'A', 'x', 'admin', true, '2026-11-01T00:00:00+00:00')",
            "INSERT INTO stakeholder (id, name, sector_code, scale, description, status, "
            "is_demo, created_at, updated_at, version) VALUES (7, 'Kept', 'civil_society', "
            "'local', '', 'approved', false, '2026-11-01T00:00:00+00:00', "
            "'2026-11-01T00:00:00+00:00', 3)",
            "INSERT INTO stakeholder_revision (id, stakeholder_id, data, base_version, status, "
            "author_id, created_at, updated_at, decided_at, decided_by_id, comment, version) "
            "VALUES (41, 7, '{\"city\": \"Nakuru\"}', 2, 'approved', 1, "
            "'2026-11-02T00:00:00+00:00', '2026-11-02T00:00:00+00:00', "
            "'2026-11-03T00:00:00+00:00', 1, 'fine', 1)",
            "INSERT INTO stakeholder_revision (id, stakeholder_id, data, base_version, status, "
            "author_id, created_at, updated_at, comment, version) "
            "VALUES (42, 7, '{\"name\": \"Kept Ltd\"}', 3, 'pending', 1, "
            "'2026-11-04T00:00:00+00:00', '2026-11-04T00:00:00+00:00', '', 2)",
            "INSERT INTO merge (id, source_id, target_id, source_status, moved, actor_id, "
            "created_at) VALUES (1, 7, 7, 'approved', "
            '\'{"stakeholder_revision.stakeholder_id": {"moved": [41]}}\', 1, '
            "'2026-11-05T00:00:00+00:00')",
        ]
        for statement in statements:
            db.session.execute(text(statement))
        db.session.commit()

        upgrade()

        assert _rows(
            "SELECT id, entry_type, entry_id, status, base_version, comment, version "
            "FROM revision ORDER BY id"
        ) == [
            (41, "stakeholder", 7, "approved", 2, "fine", 1),
            (42, "stakeholder", 7, "pending", 3, "", 2),
        ]
        [merge] = db.session.scalars(select(Merge))
        assert merge.moved == {"revision.entry_id": {"moved": [41]}}
        # The pending one is still the only pending one: a second is refused by the index.
        revision = db.session.get(Revision, 42)
        assert revision.data == {"name": "Kept Ltd"}
        assert revision.decided_by is None
        assert db.session.get(Revision, 41).decided_by.email == "a@example.org"
        fresh = Revision(entry_type="stakeholder", entry_id=7, data={}, base_version=3)
        fresh.status = RevisionStatus.REJECTED
        db.session.add(fresh)
        db.session.commit()
        assert fresh.id == 43
        db.session.remove()

        downgrade(revision=BEFORE_GENERIC_REVISIONS)

        assert _rows(
            "SELECT id, stakeholder_id, status, base_version FROM stakeholder_revision ORDER BY id"
        ) == [(41, 7, "approved", 2), (42, 7, "pending", 3), (43, 7, "rejected", 3)]
        assert _rows("SELECT moved FROM merge")[0][0] in (
            {"stakeholder_revision.stakeholder_id": {"moved": [41]}},
            '{"stakeholder_revision.stakeholder_id": {"moved": [41]}}',
        )
        db.session.remove()


def test_identifier_keys_are_filled_and_unique_whatever_the_case(scratch_app):
    with scratch_app.app_context():
        upgrade(revision="b1de81e39e51")
        db.session.execute(
            text(
                "INSERT INTO sector (code, name, position, version) "
                "VALUES ('civil_society', 'Civil society', 1, '2026-01-01')"
            )
        )
        for number, identifier in [(1, "XM-DAC-41120"), (2, None)]:
            db.session.execute(
                text(
                    "INSERT INTO stakeholder (id, name, sector_code, scale, description, "
                    "status, is_demo, created_at, updated_at, version, org_identifier) VALUES "
                    "(:id, :name, 'civil_society', 'local', '', 'approved', false, "
                    "'2026-11-01T00:00:00+00:00', '2026-11-01T00:00:00+00:00', 1, :identifier)"
                ),
                {"id": number, "name": f"S{number}", "identifier": identifier},
            )
        db.session.commit()

        upgrade()

        assert _rows("SELECT id, org_identifier_key FROM stakeholder ORDER BY id") == [
            (1, "xm-dac-41120"),
            (2, None),
        ]
        with pytest.raises(IntegrityError):
            db.session.execute(
                text("UPDATE stakeholder SET org_identifier_key = 'xm-dac-41120' WHERE id = 2")
            )
        db.session.rollback()
        db.session.remove()


def test_sort_keys_and_maintained_counts_are_filled_from_the_rows(scratch_app):
    from registry import countries, counts
    from registry.stakeholders.queries import LISTING
    from registry.taxonomy import SECTOR_RANKS, sync_taxonomy

    with scratch_app.app_context():
        upgrade(revision="9171b147f181")
        sync_taxonomy()
        rows = [
            (1, "Kenya Women Network", "grassroots", "KE", "national", "approved"),
            (2, "Paris Youth Forum", "academia", "FR", "local", "approved"),
            (3, "No Country Trust", "grassroots", None, "local", "approved"),
            (4, "Pending Group", "media", "KE", "local", "submitted"),
        ]
        for number, name, sector, country, scale, status in rows:
            db.session.execute(
                text(
                    "INSERT INTO stakeholder (id, name, sector_code, country, scale, description, "
                    "status, is_demo, created_at, updated_at, version) VALUES "
                    "(:id, :name, :sector, :country, :scale, '', :status, false, "
                    "'2026-11-01T00:00:00+00:00', '2026-11-01T00:00:00+00:00', 1)"
                ),
                {
                    "id": number,
                    "name": name,
                    "sector": sector,
                    "country": country,
                    "scale": scale,
                    "status": status,
                },
            )
        db.session.execute(
            text(
                "INSERT INTO stakeholder_constituency (stakeholder_id, constituency_code) "
                "VALUES (1, 'women'), (1, 'urban_poor'), (4, 'women')"
            )
        )
        db.session.commit()

        upgrade()

        ranks = _rows("SELECT id, country_rank, sector_rank FROM stakeholder ORDER BY id")
        assert ranks == [
            (n, countries.rank(country), SECTOR_RANKS[sector])
            for n, _name, sector, country, _scale, _status in rows
        ]
        stored = counts.stored(LISTING)
        assert stored == counts.computed(LISTING)
        assert stored[""] == {"": 3}
        assert stored["country|constituency:women"] == {"KE": 1}
        assert stored["word"]["trust"] == 1
        db.session.remove()
