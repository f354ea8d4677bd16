"""Signed links sent by mail: confirm an address, set a new password.

A link names the account and a fingerprint of what it may change: the address to confirm, or
the password hash to replace. Once the address is confirmed or the password set, the
fingerprint no longer matches and the link is spent, so each link works once, without a table
of issued tokens. Links also expire (``max_age``) and are signed with the app's secret and a
salt per purpose, so one kind of link is never accepted as another.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, url_for
from itsdangerous import BadData, URLSafeTimedSerializer

from registry.extensions import db
from registry.ids import MAX_ID
from registry.models import User


@dataclass(frozen=True)
class Purpose:
    name: str
    endpoint: str
    max_age: timedelta

    def fingerprint(self, user: User) -> str:
        # What the link may change: when it has changed, the link is spent.
        source = user.email if self.name == "verify" else user.password_hash
        return hashlib.sha256(source.encode()).hexdigest()[:24]


VERIFY = Purpose("verify", "auth.verify_email", timedelta(days=3))
RESET = Purpose("reset", "auth.reset_password", timedelta(hours=1))


def _serializer(purpose: Purpose) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"link.{purpose.name}")


def token(purpose: Purpose, user: User) -> str:
    return _serializer(purpose).dumps([user.id, purpose.fingerprint(user)])


def url(purpose: Purpose, user: User) -> str:
    """The absolute link, on PUBLIC_URL whatever Host the request named."""
    path = url_for(purpose.endpoint, token=token(purpose, user))
    return current_app.config["PUBLIC_URL"] + path


def read(purpose: Purpose, value: str) -> User | None:
    """The active account this link is for, or None: forged, expired, spent or for a
    deactivated account."""
    if len(value) > 300:
        return None
    try:
        user_id, fingerprint = _serializer(purpose).loads(
            value, max_age=int(purpose.max_age.total_seconds())
        )
    except (BadData, TypeError, ValueError):
        return None
    if (
        not isinstance(user_id, int)
        or not 0 < user_id <= MAX_ID
        or not isinstance(fingerprint, str)
    ):
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(fingerprint, purpose.fingerprint(user)):
        return None
    return user
