"""Who hears about what: the wording of each notice and its recipients."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from registry import mail
from registry.extensions import db
from registry.models import Role, User

if TYPE_CHECKING:
    from registry.workflow import Action

ENTRY_ENDPOINTS = {"stakeholder": "stakeholders.detail"}


def entry_url(entry: Any) -> str:
    """The entry's address on the public site (PUBLIC_URL), whatever Host a request named."""
    endpoint = ENTRY_ENDPOINTS[entry.__tablename__]
    if has_request_context():
        path = url_for(endpoint, stakeholder_id=entry.id)
    else:
        with current_app.test_request_context():
            path = url_for(endpoint, stakeholder_id=entry.id)
    return current_app.config["PUBLIC_URL"] + path


def admin_emails() -> list[str]:
    stmt = select(User.email).where(User.role == Role.ADMIN, User.active.is_(True))
    return list(db.session.scalars(stmt))


def _entry_name(entry: Any) -> str:
    return getattr(entry, "name", None) or getattr(entry, "title", "")


def transition_made(entry: Any, action: Action, actor: User, comment: str) -> None:
    from registry.workflow import Action, submitter

    name = _entry_name(entry)
    link = entry_url(entry)
    if action == Action.SUBMIT:
        mail.queue(
            admin_emails(),
            _("For review: %(name)s", name=name),
            _(
                "%(actor)s submitted “%(name)s” for review.\n\nReview it: %(link)s",
                actor=actor.name,
                name=name,
                link=link,
            ),
        )
        return
    decisions = {
        Action.APPROVE: (
            _("Approved: %(name)s", name=name),
            _("“%(name)s” is approved and now public in the registry.", name=name),
        ),
        Action.REJECT: (
            _("Not approved: %(name)s", name=name),
            _("“%(name)s” was not approved.", name=name),
        ),
        Action.REQUEST_CHANGES: (
            _("Changes requested: %(name)s", name=name),
            _("The reviewer asks for changes to “%(name)s” before approving it.", name=name),
        ),
    }
    if action not in decisions:
        return
    person = submitter(entry)
    if person is None or not person.active:
        return
    subject, opening = decisions[action]
    body = opening
    if comment:
        body += "\n\n" + _("The reviewer's comment:") + "\n" + comment
    body += "\n\n" + link
    mail.queue(person.email, subject, body)


def revision_proposed(stakeholder: Any, author: User) -> None:
    mail.queue(
        admin_emails(),
        _("Change to review: %(name)s", name=stakeholder.name),
        _(
            "%(actor)s proposed a change to “%(name)s”. The public sees the approved version "
            "until you decide.\n\n%(link)s",
            actor=author.name,
            name=stakeholder.name,
            link=entry_url(stakeholder),
        ),
    )


def revision_decided(stakeholder: Any, author: User | None, approved: bool, comment: str) -> None:
    if author is None or not author.active:
        return
    if approved:
        subject = _("Change approved: %(name)s", name=stakeholder.name)
        body = _("Your change to “%(name)s” is approved and public.", name=stakeholder.name)
    else:
        subject = _("Change not approved: %(name)s", name=stakeholder.name)
        body = _("Your change to “%(name)s” was not approved.", name=stakeholder.name)
    if comment:
        body += "\n\n" + _("The reviewer's comment:") + "\n" + comment
    mail.queue(author.email, subject, body + "\n\n" + entry_url(stakeholder))


def claim_made(stakeholder: Any, user: User) -> None:
    mail.queue(
        admin_emails(),
        _("Membership request: %(name)s", name=stakeholder.name),
        _(
            "%(user)s (%(email)s) asks to act for “%(name)s”.\n\n%(link)s",
            user=user.name,
            email=user.email,
            name=stakeholder.name,
            link=entry_url(stakeholder),
        ),
    )


def claim_decided(stakeholder: Any, user: User, approved: bool, comment: str) -> None:
    if approved:
        subject = _("You can now act for %(name)s", name=stakeholder.name)
        body = _("Your request to act for “%(name)s” was approved.", name=stakeholder.name)
    else:
        subject = _("Request declined: %(name)s", name=stakeholder.name)
        body = _("Your request to act for “%(name)s” was declined.", name=stakeholder.name)
    if comment:
        body += "\n\n" + _("The reviewer's comment:") + "\n" + comment
    mail.queue(user.email, subject, body + "\n\n" + entry_url(stakeholder))
