"""Flask commands: create-admin, seed-demo, frameworks import-sdg, taxonomy sync."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from registry.demo import DEMO_ACCOUNTS
from registry.demo_data import COMMUNITY_DEMO_MEMBER_OF, RESOLUTIONS, STAKEHOLDERS
from registry.extensions import db
from registry.models import (
    AuditEvent,
    Framework,
    FrameworkItem,
    FrameworkItemText,
    GapMapping,
    ImportBatch,
    Role,
    Sector,
    Stakeholder,
    User,
)
from registry.models._base import utcnow
from registry.passwords import verify_password

SDG_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "sdg"


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class TestCreateAdmin:
    def test_asks_for_the_password_and_creates_an_admin(self, app, runner):
        result = runner.invoke(
            args=["create-admin", "Root@Example.org"], input="a long password\na long password\n"
        )
        assert result.exit_code == 0, result.output
        assert "a long password" not in result.output  # hidden input
        with app.app_context():
            user = db.session.scalar(select(User).where(User.email == "root@example.org"))
            assert user.role == Role.ADMIN
            assert verify_password(user.password_hash, "a long password")

    def test_the_password_is_never_an_argument(self, runner):
        result = runner.invoke(args=["create-admin", "a@example.org", "--password", "x"])
        assert result.exit_code != 0

    def test_refuses_a_short_password(self, app, runner):
        result = runner.invoke(args=["create-admin", "a@example.org"], input="short\nshort\n")
        assert result.exit_code == 1
        assert "between" in result.output
        assert count(app, User) == 0

    def test_refuses_an_existing_email(self, app, runner, make_user):
        make_user(email="taken@example.org")
        result = runner.invoke(
            args=["create-admin", "TAKEN@example.org"], input="a long password\na long password\n"
        )
        assert result.exit_code == 1
        assert "already exists" in result.output
        assert count(app, User) == 1


class TestTaxonomy:
    def test_sync_is_idempotent(self, app, runner):
        result = runner.invoke(args=["taxonomy", "sync"])
        assert "already current" in result.output
        assert count(app, Sector) == 16
        assert count(app, GapMapping) > 0

    def test_every_gap_group_is_reachable(self, app):
        from registry.taxonomy import CONSTITUENCY_TO_GAP, GAP_GROUPS, SECTOR_TO_GAP

        reached = set(SECTOR_TO_GAP.values()) | set(CONSTITUENCY_TO_GAP.values())
        assert reached == {code for code, _ in GAP_GROUPS}
        assert len(GAP_GROUPS) == 16


@pytest.mark.skipif(not SDG_DIR.is_dir(), reason="shared SDG data not present")
class TestImportSdg:
    def test_imports_goals_targets_indicators_in_six_languages(self, app, runner):
        result = runner.invoke(args=["frameworks", "import-sdg", str(SDG_DIR)])
        assert result.exit_code == 0, result.output
        assert "17 goals, 169 targets" in result.output
        with app.app_context():
            target = db.session.scalar(select(FrameworkItem).where(FrameworkItem.code == "11.3"))
            assert target.parent.code == "11"
            assert target.kind == "target"
            langs = {t.lang for t in target.texts}
            assert langs == {"en", "fr", "es", "ar", "ru", "zh-Hans"}

    def test_twice_changes_nothing(self, app, runner):
        runner.invoke(args=["frameworks", "import-sdg", str(SDG_DIR)])
        before = (count(app, FrameworkItem), count(app, FrameworkItemText))
        result = runner.invoke(args=["frameworks", "import-sdg", str(SDG_DIR)])
        assert "0 added, 0 updated" in result.output
        assert (count(app, FrameworkItem), count(app, FrameworkItemText)) == before

    def test_a_missing_directory_is_a_clear_error(self, app, runner, tmp_path):
        result = runner.invoke(args=["frameworks", "import-sdg", str(tmp_path / "nowhere")])
        assert result.exit_code == 1
        assert "Error" in result.output
        assert count(app, Framework) == 0


class TestSeedDemo:
    def test_loads_the_demo_registry(self, app, runner):
        result = runner.invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
        assert count(app, Stakeholder) == len(STAKEHOLDERS)
        assert count(app, Framework) == len(RESOLUTIONS)
        with app.app_context():
            community = db.session.scalar(
                select(User).where(User.email == "community@demo.example")
            )
            assert [m.stakeholder.name for m in community.memberships] == [COMMUNITY_DEMO_MEMBER_OF]
            resolution = db.session.scalar(
                select(Framework).where(Framework.code == "HSP/HA.2/RES.6")
            )
            codes = {item.code for item in resolution.items}
            assert {"OP2", "OP2(a)", "OP4(a)"} <= codes

    @pytest.mark.parametrize(("email", "name", "role", "password"), DEMO_ACCOUNTS)
    def test_demo_accounts_log_in(self, runner, client, email, name, role, password):
        runner.invoke(args=["seed-demo"])
        response = client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 303
        assert name in client.get("/").get_data(as_text=True)

    def test_twice_changes_nothing(self, app, runner):
        runner.invoke(args=["seed-demo"])
        counts = [count(app, m) for m in (Stakeholder, User, FrameworkItem, AuditEvent)]
        result = runner.invoke(args=["seed-demo"])
        assert "(0 added)" in result.output
        assert [count(app, m) for m in (Stakeholder, User, FrameworkItem, AuditEvent)] == counts

    def test_refused_in_production(self, app, runner, monkeypatch):
        monkeypatch.setitem(app.config, "REGISTRY_ENV", "production")
        result = runner.invoke(args=["seed-demo"])
        assert result.exit_code == 1
        assert "refuses" in result.output
        assert count(app, Stakeholder) == 0


def test_sessions_purge_removes_only_expired_logins(app, runner, make_user):
    from datetime import timedelta

    from registry.models import AccountSession
    from registry.models._base import utcnow
    from tests.conftest import log_in

    user = make_user()
    for _ in range(2):
        log_in(app.test_client(), user)
    with app.app_context():
        oldest = db.session.scalars(db.select(AccountSession).order_by(AccountSession.id)).first()
        oldest.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    result = runner.invoke(args=["sessions", "purge"])
    assert result.exit_code == 0, result.output
    assert "Removed 1 expired logins." in result.output
    with app.app_context():
        assert len(db.session.scalars(db.select(AccountSession)).all()) == 1


class TestImportsPurge:
    def _batch(self, app, owner_id, *, expires_in, confirmed_days_ago=None):
        with app.app_context():
            now = utcnow()
            batch = ImportBatch(
                kind="stakeholders",
                owner_id=owner_id,
                filename="f.csv",
                content={"rows": []},
                expires_at=now + timedelta(hours=expires_in),
                confirmed_at=(
                    None if confirmed_days_ago is None else now - timedelta(days=confirmed_days_ago)
                ),
            )
            db.session.add(batch)
            db.session.commit()
            return batch.id

    def test_deletes_expired_and_old_confirmed_batches_only(self, app, runner, make_user):
        owner = make_user()
        waiting = self._batch(app, owner.id, expires_in=5)
        self._batch(app, owner.id, expires_in=-1)  # never confirmed, past its preview
        recent = self._batch(app, owner.id, expires_in=-1, confirmed_days_ago=3)
        self._batch(app, owner.id, expires_in=-1, confirmed_days_ago=40)
        result = runner.invoke(args=["imports", "purge"])
        assert result.exit_code == 0, result.output
        assert "Removed 2 import batches." in result.output
        with app.app_context():
            assert sorted(db.session.scalars(select(ImportBatch.id))) == sorted([waiting, recent])
        result = runner.invoke(args=["imports", "purge", "--keep-days", "0"])
        assert "Removed 1 import batches." in result.output
        result = runner.invoke(args=["imports", "purge"])
        assert "Removed 0 import batches." in result.output

    def test_refuses_a_negative_retention(self, runner):
        result = runner.invoke(args=["imports", "purge", "--keep-days", "-1"])
        assert result.exit_code != 0
        assert "--keep-days" in result.output
