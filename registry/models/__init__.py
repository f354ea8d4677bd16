"""All models, imported here so Alembic and ``db.create_all`` see every table."""

from registry.models.accounts import (
    ROLE_LABELS,
    AccountSession,
    Membership,
    Role,
    User,
    normalize_email,
)
from registry.models.audit import AuditEvent
from registry.models.counts import FacetCount
from registry.models.engagements import (
    Engagement,
    EngagementKind,
    EngagementOutcome,
    EngagementParticipant,
    EngagementSeries,
    OutcomeKind,
    ParticipantRole,
)
from registry.models.frameworks import Framework, FrameworkItem, FrameworkItemText
from registry.models.reviews import Decided, Review, Revision, RevisionStatus, Status
from registry.models.stakeholders import (
    SCALE_LABELS,
    ClaimStatus,
    Contact,
    MembershipClaim,
    Merge,
    Scale,
    Stakeholder,
)
from registry.models.taxonomy import Constituency, GapGroup, GapMapping, Sector

__all__ = [
    "ROLE_LABELS",
    "SCALE_LABELS",
    "AccountSession",
    "AuditEvent",
    "ClaimStatus",
    "Constituency",
    "Contact",
    "Decided",
    "Engagement",
    "EngagementKind",
    "EngagementOutcome",
    "EngagementParticipant",
    "EngagementSeries",
    "FacetCount",
    "Framework",
    "FrameworkItem",
    "FrameworkItemText",
    "GapGroup",
    "GapMapping",
    "Membership",
    "MembershipClaim",
    "Merge",
    "OutcomeKind",
    "ParticipantRole",
    "Review",
    "Revision",
    "RevisionStatus",
    "Role",
    "Scale",
    "Sector",
    "Stakeholder",
    "Status",
    "User",
    "normalize_email",
]
