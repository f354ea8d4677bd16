"""Email over SMTP, sent only after the transaction that caused it has committed.

``queue`` puts a message in the session's outbox; a commit sends it, a rollback drops it. A
failing mail server never loses the change that caused the message: it is already saved, and
the failure is logged. Without ``MAIL_SERVER`` (development) messages are written to the log.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from registry.extensions import db

OUTBOX = "outbox"


def queue(to: list[str] | str, subject: str, body: str) -> None:
    """Send after the current transaction commits (never if it rolls back)."""
    recipients = [to] if isinstance(to, str) else sorted(set(to))
    if not recipients:
        return
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = ", ".join(recipients)
    # A header is one line: a name typed with a line break must not break the message.
    message["Subject"] = " ".join(subject.split())
    message.set_content(body)
    db.session.info.setdefault(OUTBOX, []).append(message)


def send(message: EmailMessage) -> None:
    cfg = current_app.config
    if not cfg.get("MAIL_SERVER"):
        current_app.logger.info("mail (no MAIL_SERVER set, not sent):\n%s", message)
        return
    with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=cfg["MAIL_TIMEOUT"]) as smtp:
        if cfg.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
        smtp.send_message(message)


@event.listens_for(Session, "after_commit")
def _deliver(session: Session) -> None:
    outbox = session.info.pop(OUTBOX, [])
    if not outbox or not has_app_context():
        return
    for message in outbox:
        try:
            send(message)
        except (OSError, smtplib.SMTPException):
            # The decision is saved; only the notice failed. Say so, loudly, and go on.
            current_app.logger.exception(
                "could not send mail %r to %s", message["Subject"], message["To"]
            )


@event.listens_for(Session, "after_rollback")
def _discard(session: Session) -> None:
    session.info.pop(OUTBOX, None)
