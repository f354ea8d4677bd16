"""Every decision goes through ``workflow.transition`` by its subject's rule table: a
submitted entry, a pending revision, a membership claim, a request to join an initiative. The
same checks hold for each: an unknown move is refused, a decided subject cannot be decided
again (409), a refusal without a reason is refused (422), only those who decide may (403), and
each decision is audited."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from registry import revisions, workflow
from registry.extensions import db
from registry.models import (
    AuditEvent,
    ClaimStatus,
    Initiative,
    InitiativeKind,
    MembershipClaim,
    Partnership,
    PartnershipRole,
    PartnershipStatus,
    Revision,
    Role,
    Stakeholder,
    Status,
    User,
)
from registry.workflow import CommentRequired, NotPermitted, TransitionNotAllowed

# kind -> (the refusing move, the approving move, the audit action of approving)
MOVES = {
    "entry": ("reject", "approve", "stakeholder.approve"),
    "revision": ("reject", "approve", "stakeholder.revision_approved"),
    "claim": ("decline", "approve", "stakeholder.claim_approved"),
    "partnership": ("decline", "confirm", "initiative.partnership_confirmed"),
}
# kind -> a role that may not decide it (staff decide requests to join an initiative).
NOT_DECIDING = {"partnership": Role.COMMUNITY}


@pytest.fixture
def subject(kind, app, make_stakeholder, make_user, approved, member_user):
    """``(model, id)`` of a subject of ``kind``, waiting for a decision."""
    with app.test_request_context():
        if kind == "entry":
            row = db.session.get(Stakeholder, make_stakeholder(status=Status.SUBMITTED).id)
        elif kind == "revision":
            entry = db.session.get(Stakeholder, approved.id)
            author = db.session.get(User, member_user.id)
            row = revisions.propose(entry, {"city": "Naivasha"}, author)
        elif kind == "partnership":
            initiative = Initiative(
                title="Local2030 Coalition",
                kind=InitiativeKind.COALITION,
                starts_on=date(2017, 1, 1),
            )
            row = Partnership(
                initiative=initiative,
                stakeholder_id=approved.id,
                role=PartnershipRole.PARTICIPANT,
                status=PartnershipStatus.PROPOSED,
                requested_by_id=member_user.id,
            )
            db.session.add(row)
        else:
            asker = make_user(Role.COMMUNITY)
            row = MembershipClaim(user_id=asker.id, stakeholder_id=approved.id, message="")
            db.session.add(row)
        db.session.commit()
        return type(row), row.id


KINDS = pytest.mark.parametrize("kind", list(MOVES))


def move(app, subject, action: str, actor: User, comment: str = ""):
    model, row_id = subject
    with app.test_request_context():
        workflow.transition(
            db.session.get(model, row_id), action, db.session.get(User, actor.id), comment
        )
        db.session.commit()


@KINDS
def test_an_unknown_move_is_refused(app, subject, admin_user):
    with pytest.raises(TransitionNotAllowed, match="Unknown action"):
        move(app, subject, "teleport", admin_user)


@KINDS
def test_refusing_needs_a_reason(app, kind, subject, admin_user):
    refuse = MOVES[kind][0]

    with pytest.raises(CommentRequired) as raised:
        move(app, subject, refuse, admin_user)

    assert raised.value.status == 422


@KINDS
def test_only_those_who_decide_may_decide(app, kind, subject, make_user):
    approve = MOVES[kind][1]

    with pytest.raises(NotPermitted) as raised:
        move(app, subject, approve, make_user(NOT_DECIDING.get(kind, Role.OFFICER)))

    assert raised.value.status == 403


@KINDS
def test_a_decided_subject_cannot_be_decided_again(app, kind, subject, admin_user):
    _refuse, approve, audited = MOVES[kind]
    move(app, subject, approve, admin_user)

    with pytest.raises(TransitionNotAllowed) as raised:
        move(app, subject, approve, admin_user)

    assert raised.value.status == 409
    with app.app_context():
        stmt = select(AuditEvent.action, AuditEvent.actor_id).where(AuditEvent.action == audited)
        assert list(db.session.execute(stmt)) == [(audited, admin_user.id)]


@KINDS
def test_a_decision_records_who_decided_and_why(app, kind, subject, admin_user):
    refuse = MOVES[kind][0]

    move(app, subject, refuse, admin_user, "  Not this one.  ")

    model, row_id = subject
    with app.app_context():
        row = db.session.get(model, row_id)
        if model is Stakeholder:
            assert row.status == Status.REJECTED
        else:  # a request or a revision keeps its decider and reason on the row
            assert row.status in {ClaimStatus.DECLINED, "rejected"}
            assert (row.decided_by_id, row.comment) == (admin_user.id, "Not this one.")
            assert row.decided_at is not None


def test_the_queue_offers_the_rule_tables_decisions(app):
    """The buttons of each source are moves its subject's machine knows."""
    from registry.review import queue

    with app.app_context():
        for source in queue.sources():
            machine = {
                "revision": workflow.machine_for(Revision()),
                "claim": workflow.machine_for(MembershipClaim()),
                "partnership": workflow.machine_for(Partnership()),
            }.get(source.key, workflow.ENTRY)
            assert {c.value for c in source.choices} <= set(machine.rules), source.key
