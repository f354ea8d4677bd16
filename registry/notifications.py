"""Who hears about what: the wording of each notice and its recipients.

Notices name an entry by its entry type's title and link to its public page
(``registry.entries``); they are queued in the transaction and sent after it commits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from registry import entries, mail
from registry.extensions import db
from registry.models import Role, User


def admin_emails() -> list[str]:
    stmt = select(User.email).where(User.role == Role.ADMIN, User.active.is_(True))
    return list(db.session.scalars(stmt))


def _decisions(name: str) -> dict[str, tuple[str, str]]:
    return {
        "approve": (
            _("Approved: %(name)s", name=name),
            _("“%(name)s” is approved and now public in the registry.", name=name),
        ),
        "reject": (
            _("Not approved: %(name)s", name=name),
            _("“%(name)s” was not approved.", name=name),
        ),
        "request_changes": (
            _("Changes requested: %(name)s", name=name),
            _("The reviewer asks for changes to “%(name)s” before approving it.", name=name),
        ),
    }


def _with_comment(body: str, comment: str) -> str:
    if comment:
        body += "\n\n" + _("The reviewer's comment:") + "\n" + comment
    return body


def transition_made(
    entry: Any,
    action: str,
    actor: User,
    comment: str,
    submitter: Callable[[], User | None],
) -> None:
    """A submission tells the administrators; a decision tells whoever submitted the entry
    (``submitter`` finds them, asked only when a decision is made)."""
    name = entries.title(entry)
    link = entries.public_url(entry)
    if action == "submit":
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
    decisions = _decisions(name)
    if action not in decisions:
        return
    person = submitter()
    if person is None or not person.active:
        return
    subject, opening = decisions[action]
    mail.queue(person.email, subject, _with_comment(opening, comment) + "\n\n" + link)


def revision_proposed(entry: Any, author: User) -> None:
    name = entries.title(entry)
    mail.queue(
        admin_emails(),
        _("Change to review: %(name)s", name=name),
        _(
            "%(actor)s proposed a change to “%(name)s”. The public sees the approved version "
            "until you decide.\n\n%(link)s",
            actor=author.name,
            name=name,
            link=entries.public_url(entry),
        ),
    )


def revision_decided(entry: Any, author: User | None, approved: bool, comment: str) -> None:
    if author is None or not author.active:
        return
    name = entries.title(entry)
    if approved:
        subject = _("Change approved: %(name)s", name=name)
        body = _("Your change to “%(name)s” is approved and public.", name=name)
    else:
        subject = _("Change not approved: %(name)s", name=name)
        body = _("Your change to “%(name)s” was not approved.", name=name)
    mail.queue(
        author.email, subject, _with_comment(body, comment) + "\n\n" + entries.public_url(entry)
    )


def claim_made(entry: Any, user: User) -> None:
    name = entries.title(entry)
    mail.queue(
        admin_emails(),
        _("Membership request: %(name)s", name=name),
        _(
            "%(user)s (%(email)s) asks to act for “%(name)s”.\n\n%(link)s",
            user=user.name,
            email=user.email,
            name=name,
            link=entries.public_url(entry),
        ),
    )


def claim_decided(entry: Any, user: User, approved: bool, comment: str) -> None:
    name = entries.title(entry)
    if approved:
        subject = _("You can now act for %(name)s", name=name)
        body = _("Your request to act for “%(name)s” was approved.", name=name)
    else:
        subject = _("Request declined: %(name)s", name=name)
        body = _("Your request to act for “%(name)s” was declined.", name=name)
    mail.queue(
        user.email, subject, _with_comment(body, comment) + "\n\n" + entries.public_url(entry)
    )


def staff_emails() -> list[str]:
    stmt = select(User.email).where(User.role.in_([Role.OFFICER, Role.ADMIN]), User.active)
    return list(db.session.scalars(stmt))


def partnership_requested(initiative: Any, stakeholder: Any, user: User) -> None:
    """A member asked to join an initiative: the staff who decide hear of it."""
    name = entries.title(initiative)
    mail.queue(
        staff_emails(),
        _("Request to join: %(name)s", name=name),
        _(
            "%(user)s asks, on behalf of “%(stakeholder)s”, to join “%(name)s”.\n\n"
            "Decide in the review queue: %(link)s",
            user=user.name,
            stakeholder=stakeholder.name,
            name=name,
            link=entries.public_url(initiative),
        ),
    )


def partnership_decided(
    initiative: Any, stakeholder: Any, user: User | None, confirmed: bool, comment: str
) -> None:
    """The member who asked hears whether its organization is now a partner."""
    if user is None or not user.active:
        return
    name = entries.title(initiative)
    if confirmed:
        subject = _("Partnership confirmed: %(name)s", name=name)
        body = _(
            "“%(stakeholder)s” is now a partner of “%(name)s”.",
            stakeholder=stakeholder.name,
            name=name,
        )
    else:
        subject = _("Request to join declined: %(name)s", name=name)
        body = _(
            "The request for “%(stakeholder)s” to join “%(name)s” was declined.",
            stakeholder=stakeholder.name,
            name=name,
        )
    mail.queue(
        user.email, subject, _with_comment(body, comment) + "\n\n" + entries.public_url(initiative)
    )
