"""Mail goes through a real SMTP conversation after the change commits, never instead of it."""

from __future__ import annotations

import logging

import pytest

from registry import mail
from registry.extensions import db
from registry.models import Role, Stakeholder, Status, User
from registry.workflow import Action, transition


@pytest.fixture
def people(admin_user, member_user, make_user):
    """Two administrators to tell of a submission, and the member who submits ``draft``."""
    return {
        "admin": admin_user,
        "other_admin": make_user(Role.ADMIN, email="second@example.org"),
        "member": member_user,
    }


def act(app, stakeholder_id: int, action: Action, actor_id: int, comment: str = "") -> None:
    with app.test_request_context():
        stakeholder = db.session.get(Stakeholder, stakeholder_id)
        actor = db.session.get(User, actor_id)
        transition(stakeholder, action, actor, comment)
        db.session.commit()


def test_submission_is_mailed_to_every_active_admin(app, smtp_server, draft, people):
    act(app, draft.id, Action.SUBMIT, people["member"].id)
    assert len(smtp_server) == 1
    message = smtp_server[0]
    assert set(message["To"].split(", ")) == {"ada@hq.example", "second@example.org"}
    assert "For review: Nakuru Disability Forum" in message["Subject"]
    assert f"/stakeholders/{draft.id}" in message.get_content()


@pytest.mark.parametrize(
    ("action", "comment", "subject"),
    [
        (Action.APPROVE, "", "Approved: Nakuru Disability Forum"),
        (Action.REJECT, "Not an organization.", "Not approved: Nakuru Disability Forum"),
        (
            Action.REQUEST_CHANGES,
            "Add a description.",
            "Changes requested: Nakuru Disability Forum",
        ),
    ],
)
def test_submitter_hears_the_decision(app, smtp_server, draft, people, action, comment, subject):
    act(app, draft.id, Action.SUBMIT, people["member"].id)
    act(app, draft.id, action, people["admin"].id, comment)
    decision = smtp_server[-1]
    assert decision["To"] == "mercy@kwsc.example"
    assert decision["Subject"] == subject
    assert comment in decision.get_content()


def test_nothing_is_sent_when_the_transaction_rolls_back(app, smtp_server, draft, people):
    with app.test_request_context():
        transition(
            db.session.get(Stakeholder, draft.id),
            Action.SUBMIT,
            db.session.get(User, people["member"].id),
        )
        db.session.rollback()
        db.session.commit()
    assert smtp_server == []


def test_a_failing_mail_server_never_loses_the_decision(app, draft, people, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", 9)  # nothing listens on the discard port
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 2)
    with caplog.at_level(logging.ERROR):
        act(app, draft.id, Action.SUBMIT, people["member"].id)
    with app.app_context():
        assert db.session.get(Stakeholder, draft.id).status == Status.SUBMITTED
    assert "could not send mail" in caplog.text


def test_without_a_mail_server_messages_go_to_the_log(app, draft, people, caplog):
    with caplog.at_level(logging.INFO):
        act(app, draft.id, Action.SUBMIT, people["member"].id)
    assert "For review: Nakuru Disability Forum" in caplog.text


def test_queue_ignores_an_empty_recipient_list(app):
    with app.app_context():
        mail.queue([], "subject", "body")
        assert mail.OUTBOX not in db.session.info


def test_a_proposed_change_is_mailed_to_admins_and_its_decision_to_the_author(
    app, smtp_server, approved, people
):
    from registry import revisions
    from registry.models import Revision

    with app.test_request_context():
        stakeholder = db.session.get(Stakeholder, approved.id)
        member = db.session.get(User, people["member"].id)
        token = revisions.edit_token(stakeholder, member)
        revision = revisions.update(stakeholder, {"city": "Naivasha"}, member, token)
        db.session.commit()
        revision_id = revision.id
    assert smtp_server[-1]["Subject"] == "Change to review: Nakuru Youth Action Network"
    assert "ada@hq.example" in smtp_server[-1]["To"]

    with app.test_request_context():
        revision = db.session.get(Revision, revision_id)
        admin = db.session.get(User, people["admin"].id)
        revisions.decide(revision, False, admin, "The network works in Nakuru.")
        db.session.commit()
    decision = smtp_server[-1]
    assert decision["To"] == "mercy@kwsc.example"
    assert decision["Subject"] == "Change not approved: Nakuru Youth Action Network"
    assert "The network works in Nakuru." in decision.get_content()


def test_a_line_break_in_a_subject_does_not_break_the_message(app, smtp_server):
    with app.test_request_context():
        mail.queue("someone@example.org", "For review: Acme\r\nCorp", "body")
        db.session.commit()
    assert smtp_server[0]["Subject"] == "For review: Acme Corp"


def test_mail_links_use_the_public_url_not_the_request_host(
    app, smtp_server, draft, people, monkeypatch
):
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://registry.example.org")
    with app.test_request_context(headers={"Host": "evil.example"}):
        stakeholder = db.session.get(Stakeholder, draft.id)
        transition(stakeholder, Action.SUBMIT, db.session.get(User, people["member"].id))
        db.session.commit()
    body = smtp_server[-1].get_content()
    assert f"https://registry.example.org/stakeholders/{draft.id}" in body
    assert "evil.example" not in body
