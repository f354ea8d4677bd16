"""``flask remind-overdue``: mail the members of organizations whose published commitments have
had no progress report for more than 12 months, at most once per commitment per reminder
period (``REMINDER_PERIOD_DAYS``, 30 by default).

Inactive commitments (no report for 24 months) are reminded too: they are the furthest behind,
and going quiet for longer must not be what stops the reminders; one report (or completing the
deliverables) puts the light back to on track and ends them. Which commitments are due is one
range of ``last_activity_on`` among open commitments (the partial index
``ix_commitment_light_open``), read in keyset batches; a ``ReminderSent`` row per commitment
reminded is how the next run knows, so a second run the same day sends nothing. Each batch is
one transaction: its rows commit, then its mail is sent (``registry.mail``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.orm import joinedload

from registry import entries, mail
from registry.commitments import progress
from registry.extensions import db
from registry.models import Commitment, Membership, ReminderSent, Status, User
from registry.models._base import utcnow

BATCH = 200
DEFAULT_PERIOD_DAYS = 30


@dataclass
class Summary:
    commitments: int = 0
    mails: int = 0
    nobody: int = 0  # due, but no active member with a confirmed address to tell

    def line(self) -> str:
        return (
            f"Overdue commitments reminded: {self.commitments}; mails sent: {self.mails}; "
            f"due but with no one to mail: {self.nobody}."
        )


def period_days() -> int:
    value = current_app.config.get("REMINDER_PERIOD_DAYS", DEFAULT_PERIOD_DAYS)
    try:
        days = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"REMINDER_PERIOD_DAYS must be a whole number, not {value!r}") from None
    if days < 1:
        raise ValueError("REMINDER_PERIOD_DAYS must be at least 1")
    return days


def due_statement(
    on: date, period: timedelta, after: tuple[date, int] | None = None, limit: int = BATCH
) -> Select:
    """The next ``limit`` commitments to remind, after the keyset ``after``: open, published,
    last active before the overdue cutoff, and not reminded within ``period``."""
    overdue, _inactive = progress.cutoffs(on)
    reminded = exists().where(
        ReminderSent.commitment_id == Commitment.id,
        ReminderSent.sent_at > utcnow() - period,
    )
    stmt = (
        select(Commitment)
        .options(joinedload(Commitment.stakeholder))
        .where(
            Commitment.status == Status.APPROVED,
            Commitment.completed_on.is_(None),
            Commitment.last_activity_on < overdue,
            ~reminded,
        )
        .order_by(Commitment.last_activity_on, Commitment.id)
        .limit(limit)
    )
    if after is not None:
        last_on, last_id = after
        stmt = stmt.where(
            or_(
                Commitment.last_activity_on > last_on,
                and_(Commitment.last_activity_on == last_on, Commitment.id > last_id),
            )
        )
    return stmt


def recipients(stakeholder_ids: list[int]) -> dict[int, list[str]]:
    """The addresses to tell, per organization: its members' active accounts with a confirmed
    address (an unconfirmed one may be a stranger's, mistyped)."""
    if not stakeholder_ids:
        return {}
    stmt = (
        select(Membership.stakeholder_id, User.email)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.stakeholder_id.in_(stakeholder_ids),
            User.active.is_(True),
            User.email_verified_at.is_not(None),
        )
        .order_by(Membership.stakeholder_id, User.email)
    )
    found: dict[int, list[str]] = defaultdict(list)
    for stakeholder_id, email in db.session.execute(stmt):
        found[stakeholder_id].append(email)
    return found


def report_url(commitment: Commitment) -> str:
    with current_app.test_request_context():
        path = url_for("commitments.report_create", commitment_id=commitment.id)
    return current_app.config["PUBLIC_URL"] + path


def _message(commitment: Commitment, on: date) -> tuple[str, str]:
    light = progress.light_of(commitment, on)
    subject = _("Progress report due: %(title)s", title=commitment.title)
    body = _(
        "No progress has been reported on the commitment “%(title)s” of %(name)s since "
        "%(date)s, so the registry shows it as %(light)s.\n\n"
        "Tell the public how it is going: write a short progress report, with the values "
        "your deliverables have reached.\n\nReport progress: %(report)s\n\nThe commitment: "
        "%(link)s\n\nYou receive this because you act for %(name)s in the Whole-of-Society "
        "Registry. Reminders stop once a progress report is published.",
        title=commitment.title,
        name=commitment.stakeholder.name,
        date=format_date(commitment.last_activity_on, "long"),
        light=str(progress.LIGHT_LABELS[light]).lower() if light else "",
        report=report_url(commitment),
        link=entries.public_url(commitment),
    )
    return subject, body


def remind_overdue(batch: int = BATCH) -> Summary:
    """Send the reminders that are due, batch by batch (each batch commits, then mails)."""
    period = timedelta(days=period_days())
    on = progress.today()
    summary = Summary()
    after: tuple[date, int] | None = None
    while True:
        commitments = list(db.session.scalars(due_statement(on, period, after, batch)))
        if not commitments:
            return summary
        after = (commitments[-1].last_activity_on, commitments[-1].id)
        to = recipients(sorted({c.stakeholder_id for c in commitments}))
        for commitment in commitments:
            emails = to.get(commitment.stakeholder_id, [])
            if not emails:
                summary.nobody += 1
                continue
            subject, body = _message(commitment, on)
            for email in emails:  # one message each: members do not see each other's address
                mail.queue(email, subject, body)
            db.session.add(ReminderSent(commitment_id=commitment.id, recipients=len(emails)))
            summary.commitments += 1
            summary.mails += len(emails)
        db.session.commit()
        db.session.expunge_all()  # a long run keeps one batch in memory, not every row read
