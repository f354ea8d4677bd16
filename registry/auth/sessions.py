"""Logins that can be ended: one ``AccountSession`` row per login on one device.

Flask-Login keeps a random token in the signed session cookie (and in the remember-me cookie
when the person ticks "keep me logged in"); the row holds only its hash. A request is logged in
while its row exists, is younger than its absolute lifetime and was seen within its idle
timeout; both limits are shorter for staff. Deleting the row ends the login everywhere the
token was copied to: logout deletes this device's row; a role change, a deactivation or a new
password deletes all of the account's rows. A new login is a new token, so a remember-me
cookie from an earlier login is worth nothing.

The idle clock is written at most every few minutes (``touch_every``), on its own short
transaction, so a page view is no write and a failed request cannot undo it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app, flash, has_request_context, request, session
from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from registry.extensions import db
from registry.models import AccountSession, Role, User
from registry.models._base import utcnow

TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 64  # token_urlsafe(32) is 43 characters: anything longer is no token of ours


@dataclass(frozen=True)
class Limits:
    idle: timedelta
    lifetime: timedelta

    @property
    def touch_every(self) -> timedelta:
        """How stale the idle clock may get: a tenth of the timeout, at most five minutes."""
        return min(self.idle / 10, timedelta(minutes=5))


# (staff?, remembered?) -> limits. Settings of the same names override them (in minutes).
DEFAULT_LIMITS = {
    (False, False): Limits(idle=timedelta(hours=2), lifetime=timedelta(hours=24)),
    (False, True): Limits(idle=timedelta(days=14), lifetime=timedelta(days=30)),
    (True, False): Limits(idle=timedelta(minutes=30), lifetime=timedelta(hours=12)),
    (True, True): Limits(idle=timedelta(hours=12), lifetime=timedelta(days=7)),
}
SETTING_NAMES = {
    (False, False): "SESSION",
    (False, True): "REMEMBER",
    (True, False): "STAFF_SESSION",
    (True, True): "STAFF_REMEMBER",
}


def limits(role: Role, remember: bool) -> Limits:
    key = (role in (Role.OFFICER, Role.ADMIN), bool(remember))
    default = DEFAULT_LIMITS[key]
    name = SETTING_NAMES[key]
    cfg = current_app.config
    idle = cfg.get(f"{name}_IDLE_MINUTES")
    lifetime = cfg.get(f"{name}_LIFETIME_MINUTES")
    return Limits(
        idle=timedelta(minutes=idle) if idle else default.idle,
        lifetime=timedelta(minutes=lifetime) if lifetime else default.lifetime,
    )


def longest_remember() -> timedelta:
    """The remember-me cookie's own expiry: no row outlives it."""
    return max(limits(role, True).lifetime for role in Role)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    # SQLite hands timestamps back without their zone; they were written in UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def start(user: User, remember: bool = False) -> AccountSession:
    """A new login for ``user`` (flushed, not committed): a fresh token, so nothing issued
    before (a cookie, a remember-me token) becomes valid again. Expired rows of this account
    are cleared on the way."""
    now = utcnow()
    db.session.execute(
        delete(AccountSession).where(
            AccountSession.user_id == user.id, AccountSession.expires_at <= now
        )
    )
    token = secrets.token_urlsafe(TOKEN_BYTES)
    agent = request.user_agent.string if has_request_context() else ""
    row = AccountSession(
        user_id=user.id,
        token_hash=digest(token),
        remember=bool(remember),
        created_at=now,
        last_seen_at=now,
        expires_at=now + limits(user.role, remember).lifetime,
        user_agent=" ".join(agent.split())[:200],
    )
    db.session.add(row)
    db.session.flush()
    user.session_token, user.session_id = token, row.id
    return row


def resume(token: str) -> User | None:
    """Flask-Login's loader: the account this token is logged in to now, or None."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    found = db.session.execute(
        select(AccountSession, User)
        .join(User, User.id == AccountSession.user_id)
        .where(AccountSession.token_hash == digest(token))
    ).first()
    if found is None:
        return None
    row, user = found
    now = utcnow()
    bounds = limits(user.role, row.remember)
    seen = _aware(row.last_seen_at)
    if not user.active or now >= _aware(row.expires_at) or now - seen >= bounds.idle:
        _forget(row.id)
        if user.active and has_request_context():
            flash(_("Your session has ended. Please log in again."), "info")
        return None
    if now - seen >= bounds.touch_every:
        _write(update(AccountSession).where(AccountSession.id == row.id).values(last_seen_at=now))
    user.session_token, user.session_id = token, row.id
    return user


def end(user: User) -> None:
    """Logout: this device's login is over, its cookies worth nothing (in the caller's
    transaction)."""
    if user.session_id is not None:
        db.session.execute(delete(AccountSession).where(AccountSession.id == user.session_id))
    user.session_token = user.session_id = None


def end_all(user: User, keep_current: bool = False) -> int:
    """End every login of ``user`` (role change, deactivation, new password); with
    ``keep_current`` the one making the request stays logged in. Returns how many ended."""
    stmt = delete(AccountSession).where(AccountSession.user_id == user.id)
    if keep_current and user.session_id is not None:
        stmt = stmt.where(AccountSession.id != user.session_id)
    return db.session.execute(stmt).rowcount


def active(user: User) -> list[AccountSession]:
    """This account's logins that still open it, newest first (the account page lists them)."""
    now = utcnow()
    rows = db.session.scalars(
        select(AccountSession)
        .where(AccountSession.user_id == user.id, AccountSession.expires_at > now)
        .order_by(AccountSession.last_seen_at.desc(), AccountSession.id.desc())
    )
    return [r for r in rows if now - _aware(r.last_seen_at) < limits(user.role, r.remember).idle]


def purge() -> int:
    """Delete the rows past their absolute lifetime (``flask sessions purge``)."""
    return db.session.execute(
        delete(AccountSession).where(AccountSession.expires_at <= utcnow())
    ).rowcount


def _forget(row_id: int) -> None:
    _write(delete(AccountSession).where(AccountSession.id == row_id))
    if has_request_context():
        session.pop("_user_id", None)
        session["_remember"] = "clear"  # Flask-Login deletes the remember-me cookie


def _write(statement) -> None:
    # Its own transaction: the request's session may roll back (a refused form) or never
    # commit (a GET); the idle clock and an expired login's removal must stick regardless.
    with db.engine.begin() as connection:
        connection.execute(statement)
