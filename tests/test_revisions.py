"""Changing a stakeholder: directly, or as a pending revision an administrator decides."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from registry import revisions
from registry.extensions import db
from registry.models import (
    AuditEvent,
    Review,
    Revision,
    RevisionStatus,
    Role,
    Stakeholder,
    Status,
    User,
)
from registry.workflow import CommentRequired, TransitionNotAllowed


def token_for(app, stakeholder_id, user_id) -> str:
    """The edit token a form loaded now would carry."""
    with app.app_context():
        stakeholder = db.session.get(Stakeholder, stakeholder_id)
        return revisions.edit_token(stakeholder, db.session.get(User, user_id))


def edit(app, stakeholder_id, user_id, data, token=None):
    token = token_for(app, stakeholder_id, user_id) if token is None else token
    with app.test_request_context():
        stakeholder = db.session.get(Stakeholder, stakeholder_id)
        result = revisions.update(stakeholder, data, db.session.get(User, user_id), token)
        db.session.commit()
        return result.id if result else None


def current(app, stakeholder_id) -> dict:
    with app.app_context():
        return revisions.snapshot(db.session.get(Stakeholder, stakeholder_id))


def test_a_community_edit_of_an_approved_entry_waits(app, approved, member_user):
    revision_id = edit(app, approved.id, member_user.id, {"name": "Nakuru Youth Network"})
    assert revision_id is not None
    assert current(app, approved.id)["name"] == "Nakuru Youth Action Network"
    with app.app_context():
        revision = db.session.get(Revision, revision_id)
        assert revision.status == RevisionStatus.PENDING
        changes = revisions.diff(revision)
        assert [(c.field, c.before, c.after) for c in changes] == [
            ("name", "Nakuru Youth Action Network", "Nakuru Youth Network")
        ]


def test_a_second_edit_updates_the_one_pending_revision(app, approved, member_user):
    first = edit(app, approved.id, member_user.id, {"name": "First try"})
    second = edit(app, approved.id, member_user.id, {"city": "Naivasha"})
    assert first == second
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Revision)) == 1
        revision = db.session.get(Revision, first)
        assert {c.field for c in revisions.diff(revision)} == {"name", "city"}


@pytest.mark.parametrize("role", [Role.OFFICER, Role.ADMIN])
def test_staff_edits_apply_directly(app, approved, make_user, role):
    assert edit(app, approved.id, make_user(role).id, {"city": "Naivasha"}) is None
    assert current(app, approved.id)["city"] == "Naivasha"
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "stakeholder.updated")
        )
        assert (event.before, event.after) == ({"city": "Nakuru"}, {"city": "Naivasha"})


def test_a_draft_is_edited_directly_by_its_member(app, draft, member_user):
    assert edit(app, draft.id, member_user.id, {"acronym": "NWF"}) is None
    assert current(app, draft.id)["acronym"] == "NWF"


def test_a_save_from_an_older_version_is_refused(app, approved, admin_user):
    loaded = token_for(app, approved.id, admin_user.id)
    edit(app, approved.id, admin_user.id, {"city": "Naivasha"})
    with pytest.raises(revisions.EditConflict):
        edit(app, approved.id, admin_user.id, {"city": "Eldoret"}, token=loaded)
    assert current(app, approved.id)["city"] == "Naivasha"


def test_two_members_continuing_one_proposal_cannot_overwrite_each_other(
    app, approved, member_user, make_user
):
    other_member = make_user(Role.COMMUNITY)
    edit(app, approved.id, member_user.id, {"name": "Proposal One"})
    # Both open the form on the waiting proposal; the first to save wins, the second is told.
    first = token_for(app, approved.id, member_user.id)
    second = token_for(app, approved.id, other_member.id)
    revision_id = edit(app, approved.id, member_user.id, {"city": "Naivasha"}, token=first)
    with pytest.raises(revisions.EditConflict):
        edit(app, approved.id, other_member.id, {"name": "Proposal Two"}, token=second)
    with app.app_context():
        revision = db.session.get(Revision, revision_id)
        assert revision.data == {"name": "Proposal One", "city": "Naivasha"}


def test_a_missing_token_is_a_conflict(app, approved, admin_user):
    with pytest.raises(revisions.EditConflict):
        edit(app, approved.id, admin_user.id, {"city": "Eldoret"}, token="")


def test_a_constituency_only_change_moves_the_version_on(app, approved, admin_user):
    with app.app_context():
        before = db.session.get(Stakeholder, approved.id).version
    edit(app, approved.id, admin_user.id, {"constituencies": ["women", "urban_poor"]})
    with app.app_context():
        stakeholder = db.session.get(Stakeholder, approved.id)
        assert stakeholder.version == before + 1
        assert [c.code for c in stakeholder.constituencies] == ["women", "urban_poor"]


def decide(app, revision_id, admin_id, approve, comment=""):
    with app.test_request_context():
        revision = db.session.get(Revision, revision_id)
        revisions.decide(revision, approve, db.session.get(User, admin_id), comment)
        db.session.commit()


def test_approving_applies_the_revision_and_records_it(app, approved, member_user, admin_user):
    revision_id = edit(app, approved.id, member_user.id, {"name": "Nakuru Youth Network"})
    decide(app, revision_id, admin_user.id, approve=True)
    assert current(app, approved.id)["name"] == "Nakuru Youth Network"
    with app.app_context():
        outcomes = [r.to_status for r in db.session.scalars(select(Review).order_by(Review.id))]
        assert outcomes == ["revision_pending", "revision_approved"]
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "stakeholder.revision_approved")
        )
        assert event.after == {"name": "Nakuru Youth Network"}


def test_rejecting_needs_a_comment_and_changes_nothing(app, approved, member_user, admin_user):
    revision_id = edit(app, approved.id, member_user.id, {"name": "Something else"})
    with pytest.raises(CommentRequired):
        decide(app, revision_id, admin_user.id, approve=False)
    decide(app, revision_id, admin_user.id, approve=False, comment="Keep the registered name.")
    assert current(app, approved.id)["name"] == "Nakuru Youth Action Network"
    with pytest.raises(TransitionNotAllowed):
        decide(app, revision_id, admin_user.id, approve=True)


def test_approval_refuses_an_identifier_taken_in_the_meantime(
    app, approved, member_user, admin_user, make_stakeholder
):
    revision_id = edit(app, approved.id, member_user.id, {"org_identifier": "KE-RCO-12345"})
    make_stakeholder(name="Someone Else", org_identifier="KE-RCO-12345")
    with pytest.raises(TransitionNotAllowed, match="now used by another entry"):
        decide(app, revision_id, admin_user.id, approve=True)
    assert current(app, approved.id)["org_identifier"] is None


def test_a_change_to_an_entry_archived_since_cannot_be_approved(
    app, approved, member_user, admin_user
):
    revision_id = edit(app, approved.id, member_user.id, {"name": "Renamed"})
    with app.app_context():
        db.session.get(Stakeholder, approved.id).status = Status.ARCHIVED
        db.session.commit()
    with pytest.raises(TransitionNotAllowed, match="no longer approved"):
        decide(app, revision_id, admin_user.id, approve=True)
    decide(app, revision_id, admin_user.id, approve=False, comment="The entry was archived.")
    assert current(app, approved.id)["name"] == "Nakuru Youth Action Network"
