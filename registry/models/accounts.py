"""Accounts: who logs in, with which role, acting for which stakeholders."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models._base import created_at_column

if TYPE_CHECKING:
    from registry.models.stakeholders import Stakeholder


def normalize_email(email: str) -> str:
    return email.strip().lower()


class Role(enum.StrEnum):
    COMMUNITY = "community"
    OFFICER = "officer"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.COMMUNITY: _l("Community"),
    Role.OFFICER: _l("Partnership officer"),
    Role.ADMIN: _l("Administrator"),
}


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased (see ``normalize_email``), so one address is one account.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
        default=Role.COMMUNITY,
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = created_at_column()
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set when the person opened the link mailed to the address (or an administrator made the
    # account): until then they may log in and prepare entries, but not submit them.
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="Membership.id"
    )

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    # Set by registry.auth.sessions for the request this account is logged in on: the token
    # Flask-Login keeps in the session cookie and the remember-me cookie (``get_session_token``).
    session_token = None  # str, not a column
    session_id = None  # int: the AccountSession row

    def get_session_token(self) -> str:
        if self.session_token is None:
            raise RuntimeError("log in through registry.auth.sessions.start")
        return self.session_token

    def is_member_of(self, stakeholder: Stakeholder) -> bool:
        return any(m.stakeholder_id == stakeholder.id for m in self.memberships)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


class Membership(db.Model):
    """A user may act for a stakeholder."""

    __table_args__ = (UniqueConstraint("user_id", "stakeholder_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    stakeholder_id: Mapped[int] = mapped_column(ForeignKey("stakeholder.id"), index=True)
    created_at: Mapped[datetime] = created_at_column()

    user: Mapped[User] = relationship(back_populates="memberships")
    stakeholder: Mapped[Stakeholder] = relationship(back_populates="memberships")

    def __repr__(self) -> str:
        return f"<Membership user={self.user_id} stakeholder={self.stakeholder_id}>"


class AccountSession(db.Model):
    """One login on one device: revoked by deleting the row (logout, role change, deactivation,
    new password), so a copied cookie dies with it. Only a hash of the token is kept, so a
    leaked table opens no account."""

    __table_args__ = (Index("ix_account_session_expires_at", "expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = created_at_column()
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    def __repr__(self) -> str:
        return f"<AccountSession {self.id} user={self.user_id} remember={self.remember}>"


class TokenScope(enum.StrEnum):
    READ = "read"
    WRITE = "write"  # implies read


TOKEN_SCOPE_LABELS = {
    TokenScope.READ: _l("Read: look up entries"),
    TokenScope.WRITE: _l("Write: look up entries, and add stakeholders, commitments and reports"),
}


class ApiToken(db.Model):
    """A personal API token: another system acting as this user on ``/api/v1/``. Only a hash
    of the secret is kept (a leaked table opens nothing); ``prefix`` is its first characters,
    not secret, so its owner can tell tokens apart. Revoked and expired tokens are kept (the
    audit trail and the account page name them) and open nothing."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    scope: Mapped[TokenScope] = mapped_column(
        Enum(
            TokenScope,
            native_enum=False,
            length=10,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = created_at_column()
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.prefix} user={self.user_id} {self.scope}>"
