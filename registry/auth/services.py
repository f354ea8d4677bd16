"""Account operations: they flush and audit; the view commits once."""

from __future__ import annotations

from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from registry import audit, mail
from registry.auth import links, sessions
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


def one_line(name: str) -> str:
    """A person's name as it may go into a mail: one line, single spaces."""
    return " ".join(name.split())


def register_user(
    name: str, email: str, password: str, role: Role = Role.COMMUNITY, verified: bool = False
) -> User:
    """Create an account; raises EmailTaken if the address is in use. ``verified``: the
    address is known to be right (an operator typed it on the command line)."""
    email = normalize_email(email)
    if find_by_email(email) is not None:
        raise EmailTaken(email)
    user = User(
        name=one_line(name),
        email=email,
        password_hash=hash_password(password),
        role=role,
        email_verified_at=utcnow() if verified else None,
    )
    db.session.add(user)
    audit.record(
        "user.registered",
        user,
        after={"email": user.email, "name": user.name, "role": user.role.value},
        actor=user,
    )
    return user


def sign_up(name: str, email: str, password: str) -> User | None:
    """Registration from the public form. The answer is the same whether or not the address
    has an account, so the form tells nobody who is registered: a new address gets an account
    and a link to confirm it; a known one gets a mail to its owner instead (and the password
    is hashed all the same, so the two take as long)."""
    existing = find_by_email(email)
    if existing is not None:
        burn_time(password)
        mail.queue(
            existing.email,
            _("Someone tried to create an account with your address"),
            _(
                "Hello %(name)s,\n\nSomeone, perhaps you, tried to create an account in the "
                "Whole-of-Society Registry with this email address. You already have one: log in "
                "at %(login)s\n\nIf you have forgotten your password, set a new one at "
                "%(reset)s\n\nIf it was not you, you can ignore this mail: nothing was changed.",
                name=existing.name,
                login=_public("auth.login"),
                reset=_public("auth.forgot_password"),
            ),
        )
        return None
    user = register_user(name, email, password)
    send_verification(user)
    return user


def send_verification(user: User) -> None:
    mail.queue(
        user.email,
        _("Confirm your email address"),
        _(
            "Hello %(name)s,\n\nWelcome to the Whole-of-Society Registry. Please confirm that "
            "this is your email address by opening this link within three days:\n\n%(link)s"
            "\n\nUntil then you can log in and prepare your organization's entry, but not "
            "submit it for review.\n\nIf you did not create an account, ignore this mail.",
            name=user.name,
            link=links.url(links.VERIFY, user),
        ),
    )


def verify_email(user: User) -> bool:
    """Mark the address confirmed; False when it already was."""
    if user.email_verified:
        return False
    user.email_verified_at = utcnow()
    audit.record("user.email_verified", user, after={"email": user.email}, actor=user)
    return True


def request_password_reset(email: str) -> None:
    """Mail a link to set a new password, if the address has an active account. The caller
    answers the same either way."""
    user = find_by_email(email)
    if user is None or not user.active:
        return
    mail.queue(
        user.email,
        _("Set a new password"),
        _(
            "Hello %(name)s,\n\nSomeone, perhaps you, asked to set a new password for your "
            "account in the Whole-of-Society Registry. Open this link within an hour to choose "
            "one; it works once:\n\n%(link)s\n\nIf it was not you, ignore this mail: your "
            "password stays as it is.",
            name=user.name,
            link=links.url(links.RESET, user),
        ),
    )
    audit.record("user.password_reset_requested", user, actor=None)


def set_password(user: User, password: str, *, reset: bool) -> None:
    """A new password (from a reset link, or typed on the account page): every other login
    of the account ends, and the link that was used is spent (its fingerprint changes)."""
    user.password_hash = hash_password(password)
    ended = sessions.end_all(user, keep_current=not reset)
    if reset and not user.email_verified:
        user.email_verified_at = utcnow()  # the link reached the mailbox: the address is right
    audit.record(
        "user.password_reset" if reset else "user.password_changed",
        user,
        after={"logins_ended": ended},
        actor=user,
    )


def _public(endpoint: str) -> str:
    return current_app.config["PUBLIC_URL"] + url_for(endpoint)


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
