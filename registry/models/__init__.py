"""All models, imported here so Alembic and ``db.create_all`` see every table."""

from registry.models.accounts import Membership, Role, User, normalize_email
from registry.models.audit import AuditEvent
from registry.models.frameworks import Framework, FrameworkItem, FrameworkItemText
from registry.models.reviews import Review
from registry.models.stakeholders import (
    ClaimStatus,
    Contact,
    MembershipClaim,
    Merge,
    RevisionStatus,
    Scale,
    Stakeholder,
    StakeholderRevision,
    Status,
)
from registry.models.taxonomy import Constituency, GapGroup, GapMapping, Sector

__all__ = [
    "AuditEvent",
    "ClaimStatus",
    "Constituency",
    "Contact",
    "Framework",
    "FrameworkItem",
    "FrameworkItemText",
    "GapGroup",
    "GapMapping",
    "Membership",
    "MembershipClaim",
    "Merge",
    "Review",
    "RevisionStatus",
    "Role",
    "Scale",
    "Sector",
    "Stakeholder",
    "StakeholderRevision",
    "Status",
    "User",
    "normalize_email",
]
