"""The review state machine: which moves exist, who may make them, what each one writes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.models import AuditEvent, Review, Role, Stakeholder, Status, User
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
    # A merge archives the duplicate from any state; undoing it returns to the recorded one.
    *((Action.MERGE, s) for s in Status),
    (Action.UNDO_MERGE, Status.ARCHIVED),
    # An administrator takes an archived entry back to the state it was archived from.
    (Action.RESTORE, Status.ARCHIVED),
}
# Where the caller names the target (the state a merge recorded), the tests name this one.
NAMED_TARGET = Status.APPROVED


@pytest.fixture
def stakeholder_in(make_stakeholder, make_membership, member_user):
    """``stakeholder_in(status)``: a new stakeholder in ``status`` that ``member_user`` acts for."""

    def make(status: Status) -> Stakeholder:
        stakeholder = make_stakeholder(status=status)
        make_membership(member_user, stakeholder)
        return stakeholder

    return make


def run(app, stakeholder_id: int, action, actor_id: int, comment: str = ""):
    with app.test_request_context():
        app.preprocess_request()  # the request id, as in a real request
        entry = db.session.get(Stakeholder, stakeholder_id)
        actor = db.session.get(User, actor_id)
        review = transition(entry, action, actor, comment, to=NAMED_TARGET)
        db.session.commit()
        return review.id


@pytest.mark.parametrize(("action", "source"), sorted(ALLOWED))
def test_every_allowed_move(app, stakeholder_in, admin_user, action, source):
    stakeholder = stakeholder_in(source)
    run(app, stakeholder.id, action, admin_user.id, "because" if action in NEEDS_COMMENT else "")
    with app.app_context():
        target = RULES[action].target or NAMED_TARGET
        assert db.session.get(Stakeholder, stakeholder.id).status == target


@pytest.mark.parametrize(
    ("action", "source"),
    sorted({(a, s) for a in Action for s in Status} - ALLOWED),
)
def test_every_other_move_is_refused_with_409(app, stakeholder_in, admin_user, action, source):
    stakeholder = stakeholder_in(source)
    with pytest.raises(TransitionNotAllowed) as refused:
        run(app, stakeholder.id, action, admin_user.id, "because")
    assert refused.value.status == 409
    with app.app_context():
        assert db.session.get(Stakeholder, stakeholder.id).status == source
        assert db.session.scalar(select(Review)) is None


@pytest.mark.parametrize("action", sorted(NEEDS_COMMENT))
@pytest.mark.parametrize("comment", ["", "   "])
def test_reject_and_request_changes_need_a_comment(
    app, stakeholder_in, admin_user, action, comment
):
    stakeholder = stakeholder_in(Status.SUBMITTED)
    with pytest.raises(CommentRequired):
        run(app, stakeholder.id, action, admin_user.id, comment)
    with app.app_context():
        assert db.session.get(Stakeholder, stakeholder.id).status == Status.SUBMITTED


@pytest.mark.parametrize("role", [Role.COMMUNITY, Role.OFFICER])
def test_only_admins_decide(app, stakeholder_in, make_user, role):
    stakeholder = stakeholder_in(Status.SUBMITTED)
    with pytest.raises(NotPermitted):
        run(app, stakeholder.id, Action.APPROVE, make_user(role).id)


def test_a_non_member_cannot_submit(app, stakeholder_in, make_user):
    stakeholder = stakeholder_in(Status.DRAFT)
    with pytest.raises(NotPermitted):
        run(app, stakeholder.id, Action.SUBMIT, make_user(Role.COMMUNITY).id)


def test_unknown_action_is_refused(app, stakeholder_in, admin_user):
    stakeholder = stakeholder_in(Status.SUBMITTED)
    with pytest.raises(TransitionNotAllowed):
        run(app, stakeholder.id, "publish", admin_user.id)


def test_a_transition_writes_review_and_audit_together(app, stakeholder_in, admin_user):
    stakeholder = stakeholder_in(Status.SUBMITTED)
    run(app, stakeholder.id, Action.REQUEST_CHANGES, admin_user.id, "Add the city.")
    with app.app_context():
        review = db.session.scalar(select(Review))
        event = db.session.scalar(select(AuditEvent))
        assert (review.entry_type, review.entry_id) == ("stakeholder", stakeholder.id)
        assert (review.from_status, review.to_status) == ("submitted", "changes_requested")
        assert (review.reviewer_id, review.comment) == (admin_user.id, "Add the city.")
        assert event.action == "stakeholder.request_changes"
        assert event.actor_id == admin_user.id
        assert event.before == {"status": "submitted"}
        assert event.after == {"status": "changes_requested", "comment": "Add the city."}
        assert event.request_id


def test_approval_stamps_approved_at(app, stakeholder_in, admin_user):
    stakeholder = stakeholder_in(Status.SUBMITTED)
    run(app, stakeholder.id, Action.APPROVE, admin_user.id)
    with app.app_context():
        assert db.session.get(Stakeholder, stakeholder.id).approved_at is not None


def test_history_and_submitter(app, stakeholder_in, admin_user, member_user):
    stakeholder = stakeholder_in(Status.DRAFT)
    run(app, stakeholder.id, Action.SUBMIT, member_user.id)
    run(app, stakeholder.id, Action.REQUEST_CHANGES, admin_user.id, "More detail.")
    with app.app_context():
        entry = db.session.get(Stakeholder, stakeholder.id)
        assert [r.to_status for r in history(entry)] == ["changes_requested", "submitted"]
        assert submitter(entry).id == member_user.id


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
    app, stakeholder_in, make_user, member_user, who, status, expected
):
    stakeholder = stakeholder_in(status)
    user_id = {"member": member_user.id, "admin": make_user(Role.ADMIN).id}.get(
        who
    ) or make_user().id
    with app.test_request_context():
        entry = db.session.get(Stakeholder, stakeholder.id)
        assert set(allowed_actions(db.session.get(User, user_id), entry)) == expected


def test_a_move_whose_target_the_caller_names_needs_one(app, stakeholder_in, admin_user):
    stakeholder = stakeholder_in(Status.ARCHIVED)
    with app.test_request_context():
        entry = db.session.get(Stakeholder, stakeholder.id)
        with pytest.raises(TransitionNotAllowed):
            transition(entry, Action.UNDO_MERGE, db.session.get(User, admin_user.id))


def test_merging_is_not_offered_as_a_button(app, stakeholder_in, admin_user):
    """A merge is made on the merge page, with the entry to keep chosen there."""
    stakeholder = stakeholder_in(Status.APPROVED)
    with app.test_request_context():
        entry = db.session.get(Stakeholder, stakeholder.id)
        offered = allowed_actions(db.session.get(User, admin_user.id), entry)
    assert Action.MERGE not in offered
    assert Action.UNDO_MERGE not in offered
