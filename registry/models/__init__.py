"""All models, imported here so Alembic and ``db.create_all`` see every table."""

from registry.models.accounts import Membership, Role, User, normalize_email
from registry.models.audit import AuditEvent
from registry.models.frameworks import Framework, FrameworkItem, FrameworkItemText
from registry.models.reviews import Review
from registry.models.stakeholders import Contact, Scale, Stakeholder, Status
from registry.models.taxonomy import Constituency, GapGroup, GapMapping, Sector

__all__ = [
    "AuditEvent",
    "Constituency",
    "Contact",
    "Framework",
    "FrameworkItem",
    "FrameworkItemText",
    "GapGroup",
    "GapMapping",
    "Membership",
    "Review",
    "Role",
    "Scale",
    "Sector",
    "Stakeholder",
    "Status",
    "User",
    "normalize_email",
]
