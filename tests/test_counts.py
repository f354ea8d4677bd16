"""The maintained counts (``registry.counts``) equal a recount after every kind of change."""

from __future__ import annotations

import threading

import pytest
from flask import Flask
from sqlalchemy import select

from registry import counts, revisions, workflow
from registry.extensions import db
from registry.models import Constituency, Scale, Stakeholder, Status, User
from registry.review import merge as merging
from registry.stakeholders import services
from registry.stakeholders.queries import LISTING


@pytest.fixture
def check(app: Flask):
    """Assert the stored counts equal a recount; return the stored ones."""

    def compare() -> dict[str, dict[str, int]]:
        with app.app_context():
            stored, recounted = counts.stored(LISTING), counts.computed(LISTING)
        assert stored == recounted
        return stored

    return compare


@pytest.fixture
def registry_rows(make_stakeholder, app):
    """Approved, submitted and draft entries with sectors, countries, scales, constituencies."""
    made = {
        "approved_ke": make_stakeholder(
            "Kenya Women", sector_code="grassroots", country="KE", scale=Scale.NATIONAL
        ),
        "approved_fr": make_stakeholder("Paris Youth", sector_code="academia", country="FR"),
        "submitted": make_stakeholder(
            "Nairobi Slum Dwellers",
            status=Status.SUBMITTED,
            sector_code="grassroots",
            country="KE",
        ),
        "draft": make_stakeholder("Draft Only", status=Status.DRAFT, country="BR"),
    }
    with app.app_context():
        for key, codes in (("approved_ke", ["women", "urban_poor"]), ("submitted", ["urban_poor"])):
            row = db.session.get(Stakeholder, made[key].id)
            row.constituencies = [db.session.get(Constituency, c) for c in codes]
        db.session.commit()
    return made


def _act(app: Flask, user: User, change) -> None:
    """Run ``change(session_get, actor)`` in one transaction, as a view would."""
    with app.app_context():
        actor = db.session.get(User, user.id)
        change(lambda row_id: db.session.get(Stakeholder, row_id), actor)
        db.session.commit()


def test_counts_follow_rows_added_and_classified(check, registry_rows):
    stored = check()
    assert stored[""] == {"": 2}
    assert stored["sector"] == {"grassroots": 1, "academia": 1}
    assert stored["constituency"] == {"women": 1, "urban_poor": 1}
    assert stored["country"] == {"KE": 1, "FR": 1}
    assert stored["scale"] == {"national": 1, "local": 1}


def test_approve(app, check, registry_rows, admin_user):
    _act(
        app,
        admin_user,
        lambda get, actor: workflow.transition(
            get(registry_rows["submitted"].id), "approve", actor
        ),
    )
    stored = check()
    assert stored[""] == {"": 3}
    assert stored["constituency"]["urban_poor"] == 2


def test_reject_and_request_changes_count_nothing(app, check, registry_rows, admin_user):
    before = check()
    _act(
        app,
        admin_user,
        lambda get, actor: workflow.transition(
            get(registry_rows["submitted"].id), "request_changes", actor, "Say more"
        ),
    )
    assert check() == before


def test_archive(app, check, registry_rows, admin_user):
    _act(
        app,
        admin_user,
        lambda get, actor: workflow.transition(
            get(registry_rows["approved_ke"].id), "archive", actor
        ),
    )
    stored = check()
    assert stored[""] == {"": 1}
    assert "women" not in stored.get("constituency", {})


def test_withdraw(app, check, registry_rows, member_user, make_membership):
    make_membership(member_user, registry_rows["approved_fr"])
    _act(
        app,
        member_user,
        lambda get, actor: services.withdraw(get(registry_rows["approved_fr"].id), actor),
    )
    stored = check()
    assert stored["sector"] == {"grassroots": 1}


def test_merge_and_undo(app, check, registry_rows, admin_user):
    before = check()
    _act(
        app,
        admin_user,
        lambda get, actor: merging.merge(
            get(registry_rows["approved_fr"].id), get(registry_rows["approved_ke"].id), actor
        ),
    )
    merged = check()
    assert merged[""] == {"": 1}
    with app.app_context():
        record_id = db.session.scalar(select(merging.Merge.id))
    _act(
        app,
        admin_user,
        lambda get, actor: merging.undo(db.session.get(merging.Merge, record_id), actor),
    )
    assert check() == before


def test_approved_revision_of_sector_and_constituencies(
    app, check, registry_rows, member_user, make_membership, admin_user
):
    make_membership(member_user, registry_rows["approved_ke"])

    def propose(get, actor):
        entry = get(registry_rows["approved_ke"].id)
        data = {
            "sector_code": "civil_society",
            "constituencies": ["women", "older_persons"],
            "country": "UG",
            "scale": "regional",
        }
        revisions.propose(entry, data, actor)

    _act(app, member_user, propose)
    assert check()["sector"] == {"grassroots": 1, "academia": 1}  # pending: nothing public moved

    def approve(get, actor):
        revision = revisions.pending_revision(get(registry_rows["approved_ke"].id))
        revisions.decide(revision, True, actor)

    _act(app, admin_user, approve)
    stored = check()
    assert stored["sector"] == {"civil_society": 1, "academia": 1}
    assert stored["constituency"] == {"women": 1, "older_persons": 1}
    assert stored["country"] == {"UG": 1, "FR": 1}
    assert stored["scale"] == {"regional": 1, "local": 1}


def test_a_change_to_a_row_never_loaded(app, check, registry_rows):
    """Attributes set on a row whose values were expired still count their old values."""
    with app.app_context():
        row = db.session.get(Stakeholder, registry_rows["approved_ke"].id)
        db.session.expire(row)
        row.country = "TZ"
        row.status = Status.ARCHIVED
        db.session.commit()
    stored = check()
    assert stored["country"] == {"FR": 1}


def test_several_flushes_in_one_transaction_and_a_delete(app, check, registry_rows):
    with app.app_context():
        row = db.session.get(Stakeholder, registry_rows["approved_fr"].id)
        row.country = "DE"
        db.session.flush()
        row.country = "IT"
        row.constituencies.append(db.session.get(Constituency, "workers"))
        db.session.flush()
        db.session.delete(db.session.get(Stakeholder, registry_rows["approved_ke"].id))
        db.session.commit()
    stored = check()
    assert stored["country|constituency:workers"] == {"IT": 1}
    assert stored["constituency|sector:academia"] == {"workers": 1}
    assert {facet: n for facet, n in stored.items() if "|" not in facet} == {
        "": {"": 1},
        "sector": {"academia": 1},
        "country": {"IT": 1},
        "scale": {"local": 1},
        "constituency": {"workers": 1},
        "word": {"paris": 1, "youth": 1},
    }


def test_words_follow_renames_and_approvals(app, check, registry_rows, admin_user):
    assert check()["word"] == {"kenya": 1, "women": 1, "paris": 1, "youth": 1}
    with app.app_context():
        db.session.get(Stakeholder, registry_rows["approved_fr"].id).name = "Paris Women of Art"
        db.session.commit()
    _act(
        app,
        admin_user,
        lambda get, actor: workflow.transition(
            get(registry_rows["submitted"].id), "approve", actor
        ),
    )
    words = check()["word"]
    assert words["women"] == 2
    assert "youth" not in words
    assert words["slum"] == 1
    assert "of" not in words  # a stopword
    assert words["art"] == 1


def test_a_rolled_back_change_leaves_the_counts(app, check, registry_rows):
    before = check()
    with app.app_context():
        db.session.get(Stakeholder, registry_rows["approved_fr"].id).status = Status.ARCHIVED
        db.session.flush()
        db.session.rollback()
    assert check() == before


def test_recount_repairs_the_table(app, check, registry_rows):
    with app.app_context():
        db.session.execute(counts.FacetCount.__table__.delete())
        counts.recount(LISTING)
        db.session.commit()
    assert check()[""] == {"": 2}


@pytest.mark.postgres_only
def test_two_approvals_at_once_both_count(app, check, make_stakeholder, admin_user):
    """Two transactions approve two entries of the same sector concurrently: the second
    waits on the first's count rows, then adds to the committed value (no lost update)."""
    ids = [
        make_stakeholder(f"Race {n}", status=Status.SUBMITTED, sector_code="media").id
        for n in range(2)
    ]
    first_flushed, first_may_commit = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def approve(stakeholder_id: int, first: bool) -> None:
        try:
            with app.app_context():
                actor = db.session.get(User, admin_user.id)
                workflow.transition(db.session.get(Stakeholder, stakeholder_id), "approve", actor)
                db.session.flush()  # holds the count rows' locks until commit
                if first:
                    first_flushed.set()
                    first_may_commit.wait(10)
                db.session.commit()
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)

    one = threading.Thread(target=approve, args=(ids[0], True))
    one.start()
    assert first_flushed.wait(10)
    two = threading.Thread(target=approve, args=(ids[1], False))
    two.start()
    two.join(0.5)
    assert two.is_alive(), "the second approval should wait for the first's count rows"
    first_may_commit.set()
    one.join(10)
    two.join(10)
    assert not errors
    stored = check()
    assert stored["sector"] == {"media": 2}
    assert stored[""] == {"": 2}


def test_the_cli_checks_and_repairs_the_counts(app, registry_rows):
    runner = app.test_cli_runner()
    assert "equal a recount" in runner.invoke(args=["counts", "check"]).output
    with app.app_context():
        db.session.execute(counts.FacetCount.__table__.update().values(n=99))
        db.session.commit()
    broken = runner.invoke(args=["counts", "check"])
    assert broken.exit_code == 1
    assert "counts differ from a recount: stakeholder" in broken.output
    recounted = runner.invoke(args=["counts", "recount"]).output
    assert recounted.startswith("Recounted: ")
    assert "stakeholder" in recounted.removeprefix("Recounted: ").rstrip(".\n").split(", ")
    assert runner.invoke(args=["counts", "check"]).exit_code == 0
