"""The commit boundary: one commit on success; each kind of refusal rolls everything back and
comes out as a ``Refused`` with its status, and one no view renders is a clean 4xx page."""

from __future__ import annotations

import pytest
from sqlalchemy import func, literal, select, text

from registry.commit import Refused, Stale, Taken, committing
from registry.database import within_time
from registry.errors import handle_refused
from registry.extensions import db
from registry.models import AuditEvent, Role, Stakeholder, User
from registry.review.merge import MergeError
from registry.workflow import CommentRequired


def new_user(email: str) -> User:
    return User(email=email, name="N", password_hash="x", role=Role.COMMUNITY)


def audit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_a_write_that_succeeds_is_committed_once(app_ctx):
    with committing():
        db.session.add(new_user("one@example.org"))

    db.session.rollback()  # nothing left to roll back: it is in the database
    assert user_count() == 1


@pytest.mark.parametrize(
    ("refusal", "status"),
    [
        pytest.param(CommentRequired("Say why."), 422, id="workflow"),
        pytest.param(MergeError("Not these two."), 422, id="domain"),
        pytest.param(Refused("No."), 409, id="plain"),
        pytest.param(Refused("Too late.", status=410), 410, id="own-status"),
    ],
)
def test_a_domain_refusal_writes_nothing_and_keeps_its_status(app_ctx, refusal, status):
    def write_then_refuse() -> None:
        with committing():
            db.session.add(new_user("two@example.org"))
            db.session.flush()
            raise refusal

    with pytest.raises(Refused) as raised:
        write_then_refuse()

    assert raised.value is refusal
    assert raised.value.status == status
    assert user_count() == 0


def test_a_uniqueness_race_is_refused_as_taken(app_ctx, make_user):
    make_user(email="taken@example.org")

    def add_both() -> None:
        with committing():
            db.session.add(new_user("fresh@example.org"))
            db.session.add(new_user("taken@example.org"))

    with pytest.raises(Taken) as raised:
        add_both()

    assert raised.value.status == 409
    assert "not saved" in raised.value.message
    assert user_count() == 1  # the fresh one went with the rest


def test_a_stale_version_is_refused_as_stale(app, app_ctx, make_stakeholder):
    stakeholder_id = make_stakeholder(name="Before").id
    stakeholder = db.session.get(Stakeholder, stakeholder_id)
    # Someone else saves the same row meanwhile, in their own transaction.
    with db.engine.begin() as other:
        other.execute(
            text("UPDATE stakeholder SET version = version + 1 WHERE id = :id"),
            {"id": stakeholder_id},
        )

    def rename() -> None:
        with committing():
            stakeholder.name = "Mine"

    with pytest.raises(Stale) as raised:
        rename()

    assert raised.value.status == 409
    assert db.session.get(Stakeholder, stakeholder_id).name == "Before"
    assert audit_count() == 0


def test_a_refusal_no_view_renders_is_a_page_with_its_status(app):
    with app.test_request_context("/"):
        response = handle_refused(CommentRequired("Say why: a comment is required."))

    assert response.status_code == 422
    assert "Say why: a comment is required." in response.get_data(as_text=True)


def test_a_time_limited_statement_runs_on_every_database(app_ctx):
    """Only PostgreSQL has the limit; elsewhere the statement simply runs."""
    assert within_time(select(literal(1)), timeout_ms=50) == [1]
