"""The review state machine: which moves exist, who may make them, what each one writes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.models import AuditEvent, Membership, Review, Role, Stakeholder, Status, User
from registry.workflow import (
    RULES,
    Action,
    CommentRequired,
    NotPermitted,
    TransitionNotAllowed,
    allowed_actions,
    history,
    submitter,
    transition,
)

NEEDS_COMMENT = {Action.REJECT, Action.REQUEST_CHANGES}
# (action, from) pairs the workflow allows, straight from DOMAIN.md's diagram.
ALLOWED = {
    (Action.SUBMIT, Status.DRAFT),
    (Action.SUBMIT, Status.CHANGES_REQUESTED),
    (Action.APPROVE, Status.SUBMITTED),
    (Action.REJECT, Status.SUBMITTED),
    (Action.REQUEST_CHANGES, Status.SUBMITTED),
    (Action.WITHDRAW, Status.SUBMITTED),
    (Action.WITHDRAW, Status.APPROVED),
    *((Action.ARCHIVE, s) for s in Status if s != Status.ARCHIVED),
}


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN)


@pytest.fixture
def member(app, make_user):
    return make_user(Role.COMMUNITY)


def stakeholder_in(app, make_stakeholder, member, status: Status) -> Stakeholder:
    stakeholder = make_stakeholder(status=status)
    with app.app_context():
        db.session.add(Membership(user_id=member.id, stakeholder_id=stakeholder.id))
        db.session.commit()
    return stakeholder


def run(app, stakeholder_id: int, action, actor_id: int, comment: str = ""):
    with app.test_request_context():
        app.preprocess_request()  # the request id, as in a real request
        entry = db.session.get(Stakeholder, stakeholder_id)
        review = transition(entry, action, db.session.get(User, actor_id), comment)
        db.session.commit()
        return review.id


@pytest.mark.parametrize(("action", "source"), sorted(ALLOWED))
def test_every_allowed_move(app, make_stakeholder, admin, member, action, source):
    stakeholder = stakeholder_in(app, make_stakeholder, member, source)
    run(app, stakeholder.id, action, admin.id, "because" if action in NEEDS_COMMENT else "")
    with app.app_context():
        assert db.session.get(Stakeholder, stakeholder.id).status == RULES[action].target


@pytest.mark.parametrize(
    ("action", "source"),
    sorted({(a, s) for a in Action for s in Status} - ALLOWED),
)
def test_every_other_move_is_refused_with_409(app, make_stakeholder, admin, member, action, source):
    stakeholder = stakeholder_in(app, make_stakeholder, member, source)
    with pytest.raises(TransitionNotAllowed) as refused:
        run(app, stakeholder.id, action, admin.id, "because")
    assert refused.value.status == 409
    with app.app_context():
        assert db.session.get(Stakeholder, stakeholder.id).status == source
        assert db.session.scalar(select(Review)) is None


@pytest.mark.parametrize("action", sorted(NEEDS_COMMENT))
@pytest.mark.parametrize("comment", ["", "   "])
def test_reject_and_request_changes_need_a_comment(
    app, make_stakeholder, admin, member, action, comment
):
    stakeholder = stakeholder_in(app, make_stakeholder, member, Status.SUBMITTED)
    with pytest.raises(CommentRequired):
        run(app, stakeholder.id, action, admin.id, comment)
    with app.app_context():
        assert db.session.get(Stakeholder, stakeholder.id).status == Status.SUBMITTED


@pytest.mark.parametrize("role", [Role.COMMUNITY, Role.OFFICER])
def test_only_admins_decide(app, make_stakeholder, make_user, member, role):
    stakeholder = stakeholder_in(app, make_stakeholder, member, Status.SUBMITTED)
    with pytest.raises(NotPermitted):
        run(app, stakeholder.id, Action.APPROVE, make_user(role).id)


def test_a_non_member_cannot_submit(app, make_stakeholder, make_user, member):
    stakeholder = stakeholder_in(app, make_stakeholder, member, Status.DRAFT)
    with pytest.raises(NotPermitted):
        run(app, stakeholder.id, Action.SUBMIT, make_user(Role.COMMUNITY).id)


def test_unknown_action_is_refused(app, make_stakeholder, admin, member):
    stakeholder = stakeholder_in(app, make_stakeholder, member, Status.SUBMITTED)
    with pytest.raises(TransitionNotAllowed):
        run(app, stakeholder.id, "publish", admin.id)


def test_a_transition_writes_review_and_audit_together(app, make_stakeholder, admin, member):
    stakeholder = stakeholder_in(app, make_stakeholder, member, Status.SUBMITTED)
    run(app, stakeholder.id, Action.REQUEST_CHANGES, admin.id, "Add the city.")
    with app.app_context():
        review = db.session.scalar(select(Review))
        event = db.session.scalar(select(AuditEvent))
        assert (review.entry_type, review.entry_id) == ("stakeholder", stakeholder.id)
        assert (review.from_status, review.to_status) == ("submitted", "changes_requested")
        assert (review.reviewer_id, review.comment) == (admin.id, "Add the city.")
        assert event.action == "stakeholder.request_changes"
        assert event.actor_id == admin.id
        assert event.before == {"status": "submitted"}
        assert event.after == {"status": "changes_requested", "comment": "Add the city."}
        assert event.request_id


def test_approval_stamps_approved_at(app, make_stakeholder, admin, member):
    stakeholder = stakeholder_in(app, make_stakeholder, member, Status.SUBMITTED)
    run(app, stakeholder.id, Action.APPROVE, admin.id)
    with app.app_context():
        assert db.session.get(Stakeholder, stakeholder.id).approved_at is not None


def test_history_and_submitter(app, make_stakeholder, admin, member):
    stakeholder = stakeholder_in(app, make_stakeholder, member, Status.DRAFT)
    run(app, stakeholder.id, Action.SUBMIT, member.id)
    run(app, stakeholder.id, Action.REQUEST_CHANGES, admin.id, "More detail.")
    with app.app_context():
        entry = db.session.get(Stakeholder, stakeholder.id)
        assert [r.to_status for r in history(entry)] == ["changes_requested", "submitted"]
        assert submitter(entry).id == member.id


@pytest.mark.parametrize(
    ("who", "status", "expected"),
    [
        ("member", Status.DRAFT, {Action.SUBMIT}),
        ("member", Status.APPROVED, {Action.WITHDRAW}),
        ("member", Status.SUBMITTED, {Action.WITHDRAW}),
        (
            "admin",
            Status.SUBMITTED,
            {
                Action.APPROVE,
                Action.REJECT,
                Action.REQUEST_CHANGES,
                Action.WITHDRAW,
                Action.ARCHIVE,
            },
        ),
        ("stranger", Status.DRAFT, set()),
    ],
)
def test_allowed_actions_for_buttons(
    app, make_stakeholder, make_user, member, who, status, expected
):
    stakeholder = stakeholder_in(app, make_stakeholder, member, status)
    user_id = {"member": member.id, "admin": make_user(Role.ADMIN).id}.get(who) or make_user().id
    with app.test_request_context():
        entry = db.session.get(Stakeholder, stakeholder.id)
        assert set(allowed_actions(db.session.get(User, user_id), entry)) == expected
