"""Personal API tokens: made, named, scoped and revoked on the account page; used on
``/api/v1/`` as ``Authorization: Bearer <token>``.

A token is ``wsr_`` and 43 random URL-safe characters (256 bits). Only its sha256 is stored,
with its first characters (``prefix``, not secret) so its owner can tell tokens apart; the
secret itself is shown once, in the answer to the form that made it, and never again.

On the API a token stands for its owner: the request acts as that user (``g._login_user``,
what Flask-Login's ``current_user`` reads), so the one permission policy answers as it does
for the forms. A session cookie counts for nothing there: the API is exempt from CSRF, so a
cookie a browser sends along must not be able to write. The last-used time is written at most
once a minute (``TOUCH_EVERY``), in its own short transaction, so reading the API is no write
per request.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app, g, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from registry import audit
from registry.commit import Refused
from registry.extensions import db
from registry.models import ApiToken, TokenScope, User
from registry.models._base import utcnow

SECRET_PREFIX = "wsr_"  # noqa: S105 - a marker that says what the secret is, not a secret
SECRET_BYTES = 32
SHOWN_PREFIX = 12  # "wsr_" and 8 characters: enough to tell tokens apart, nothing to guess with
TOKEN = re.compile(r"^wsr_[A-Za-z0-9_-]{43}$")
BEARER = re.compile(r"^Bearer +(\S+) *$", re.IGNORECASE)
TOUCH_EVERY = timedelta(minutes=1)
MAX_TOKENS = 50  # live tokens per account: more is a script gone wrong, not a person

# The lifetimes offered on the account page: value -> days (None: until revoked).
EXPIRY_DAYS: dict[str, int | None] = {"30": 30, "90": 90, "365": 365, "never": None}
EXPIRY_LABELS = {
    "30": _l("30 days"),
    "90": _l("90 days"),
    "365": _l("A year"),
    "never": _l("Until I revoke it"),
}


class TooManyTokens(Refused):
    status = 422


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite hands timestamps back without their zone; they were written in UTC.
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def is_live(token: ApiToken, now: datetime | None = None) -> bool:
    """Not revoked and not expired."""
    now = now or utcnow()
    expires = _aware(token.expires_at)
    return token.revoked_at is None and (expires is None or now < expires)


def of_user(user: User) -> list[ApiToken]:
    """The account's tokens, newest first (revoked and expired ones too: the page says so)."""
    stmt = (
        select(ApiToken)
        .where(ApiToken.user_id == user.id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return list(db.session.scalars(stmt))


def get_own(user: User, token_id: int) -> ApiToken | None:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        return None  # another account's token is no token at all here
    return token


def _record(token: ApiToken) -> dict:
    """What the audit trail keeps of a token: never the secret or its hash."""
    expires = _aware(token.expires_at)
    return {
        "name": token.name,
        "scope": str(token.scope),
        "prefix": token.prefix,
        "expires_at": expires.isoformat() if expires else None,
    }


def create(user: User, name: str, scope: TokenScope, expiry: str) -> tuple[ApiToken, str]:
    """A new token for ``user`` (flushed and audited, not committed) and its secret, which
    the caller shows once."""
    now = utcnow()
    live = sum(1 for t in of_user(user) if is_live(t, now))
    if live >= MAX_TOKENS:
        raise TooManyTokens(
            _("You have %(count)d tokens: revoke some you no longer use first.", count=live)
        )
    secret = SECRET_PREFIX + secrets.token_urlsafe(SECRET_BYTES)
    days = EXPIRY_DAYS[expiry]
    token = ApiToken(
        user_id=user.id,
        name=name,
        scope=TokenScope(scope),
        token_hash=digest(secret),
        prefix=secret[:SHOWN_PREFIX],
        created_at=now,
        expires_at=now + timedelta(days=days) if days else None,
    )
    db.session.add(token)
    db.session.flush()
    audit.record("api_token.created", token, after=_record(token), actor=user)
    return token, secret


def revoke(token: ApiToken, actor: User) -> None:
    """The token opens nothing from now on; the row stays, for the trail and the page."""
    if token.revoked_at is not None:
        raise Refused(_("This token is already revoked."), 409)
    token.revoked_at = utcnow()
    audit.record("api_token.revoked", token, before=_record(token), actor=actor)


# --- on the API --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bearer:
    """What the request's Authorization header came to: no token (``token`` and ``error``
    both None), a token that opens the API, or why it does not (``error``, a 401)."""

    token: ApiToken | None = None
    error: str | None = None

    @property
    def may_write(self) -> bool:
        return self.token is not None and self.token.scope == TokenScope.WRITE


def _read_header() -> Bearer:
    header = request.headers.get("Authorization")
    if header is None:
        return Bearer()
    found = BEARER.match(header)
    secret = found.group(1) if found else ""
    if not TOKEN.match(secret):
        return Bearer(error=_("The Authorization header must be “Bearer ” and a registry token."))
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(secret)))
    if token is None:
        return Bearer(error=_("This token is not known to the registry."))
    if token.revoked_at is not None:
        return Bearer(error=_("This token was revoked."))
    if not is_live(token):
        return Bearer(error=_("This token has expired: make a new one on your account page."))
    if not token.user.active:
        return Bearer(error=_("The account this token belongs to is deactivated."))
    return Bearer(token=token)


def current() -> Bearer:
    """The request's bearer token, read once (the rate limit asks before the view does)."""
    if "api_bearer" not in g:
        g.api_bearer = _read_header()
    return g.api_bearer


def touch(token: ApiToken) -> None:
    """Note that the token was used, at most once a minute: a busy client is not a write per
    request. Its own transaction: a refused write must not undo it, and a read never commits."""
    now = utcnow()
    used = _aware(token.last_used_at)
    if used is not None and now - used < TOUCH_EVERY:
        return
    with db.engine.begin() as connection:
        connection.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
    db.session.expire(token, ["last_used_at"])


# --- the rate limit per token ------------------------------------------------------------------


def rate_limit() -> str:
    return current_app.config["API_TOKEN_RATE_LIMIT"]


def rate_key() -> str:
    token = current().token
    return f"api-token:{token.id}" if token is not None else "api-token:none"


def without_token() -> bool:
    """Requests without a usable token are not counted here (a bad one is refused anyway)."""
    return current().token is None
