"""Account operations: they flush and audit; the view commits once."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from registry import audit
from registry.commit import Refused
from registry.extensions import db
from registry.htmx import wants_fragment
from registry.models import Role, User, normalize_email
from registry.models._base import utcnow
from registry.passwords import burn_time, hash_password, needs_rehash, verify_password
from registry.text import split_url


class EmailTaken(Refused):
    """An account with this email already exists."""

    status = 422


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: a deactivated account is logged out on its next request."""
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None


def unauthorized():
    """Anonymous user on a page that needs an account: log in, then come back."""
    flash(_("Please log in to see this page."), "info")
    # Come back only to a page: a POST-only address would answer 405 after logging in.
    back = request.full_path.rstrip("?") if request.method == "GET" else None
    target = url_for("auth.login", next=back)
    if wants_fragment():
        # htmx would swap the login page into a table row; send the browser there instead.
        response = redirect(target)
        response.status_code = 401
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target)


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def register_user(name: str, email: str, password: str, role: Role = Role.COMMUNITY) -> User:
    """Create an account; raises EmailTaken if the address is in use."""
    email = normalize_email(email)
    if find_by_email(email) is not None:
        raise EmailTaken(email)
    user = User(name=name.strip(), email=email, password_hash=hash_password(password), role=role)
    db.session.add(user)
    audit.record(
        "user.registered",
        user,
        after={"email": user.email, "name": user.name, "role": user.role.value},
        actor=user,
    )
    return user


def authenticate(email: str, password: str) -> User | None:
    """The account these credentials open, or None; never says which half was wrong."""
    user = find_by_email(email)
    if user is None:
        burn_time(password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def record_login(user: User) -> None:
    user.last_login_at = utcnow()
    audit.record("user.logged_in", user, actor=user)


def safe_next(target: str | None) -> str | None:
    """Follow ``next`` only to a path on this site (no scheme, no host, no ``//``)."""
    if not target:
        return None
    parts = split_url(target)
    if parts is None or parts.scheme or parts.netloc:
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target
