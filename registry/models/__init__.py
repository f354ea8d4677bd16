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
from registry.models.frameworks import Framework, FrameworkItem, FrameworkItemText
from registry.models.initiatives import (
    INITIATIVE_KIND_LABELS,
    INITIATIVE_STATUS_LABELS,
    PARTNERSHIP_BASIS_LABELS,
    PARTNERSHIP_ROLE_LABELS,
    PARTNERSHIP_STATUS_LABELS,
    Initiative,
    InitiativeCountry,
    InitiativeKind,
    InitiativeStatus,
    Partnership,
    PartnershipBasis,
    PartnershipRole,
    PartnershipStatus,
)
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
    "INITIATIVE_KIND_LABELS",
    "INITIATIVE_STATUS_LABELS",
    "PARTNERSHIP_BASIS_LABELS",
    "PARTNERSHIP_ROLE_LABELS",
    "PARTNERSHIP_STATUS_LABELS",
    "ROLE_LABELS",
    "SCALE_LABELS",
    "AccountSession",
    "AuditEvent",
    "ClaimStatus",
    "Constituency",
    "Contact",
    "Decided",
    "FacetCount",
    "Framework",
    "FrameworkItem",
    "FrameworkItemText",
    "GapGroup",
    "GapMapping",
    "Initiative",
    "InitiativeCountry",
    "InitiativeKind",
    "InitiativeStatus",
    "Membership",
    "MembershipClaim",
    "Merge",
    "Partnership",
    "PartnershipBasis",
    "PartnershipRole",
    "PartnershipStatus",
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
