"""Everything that refers to a stakeholder, in one list: what merging duplicates moves.

A capability that adds a table pointing at stakeholders adds its line to ``REFERENCES`` (or,
when its rows belong to the entry itself and must not move, to ``NOT_MOVED`` with the
reason); ``tests/test_merge.py`` fails until it does. The audit trail is history and is never
rewritten, so it is in neither list.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute

from registry.extensions import db
from registry.models import (
    ClaimStatus,
    Commitment,
    Contact,
    EngagementParticipant,
    Initiative,
    Membership,
    MembershipClaim,
    Partnership,
    PartnershipStatus,
    Review,
    Revision,
    Stakeholder,
)


class Move(enum.StrEnum):
    """How a merge moves a reference from the duplicate to the entry that is kept."""

    MOVE = "move"  # repoint every row
    # Repoint, except a row whose ``unique_with`` value the kept entry already has: that
    # duplicate is removed, and kept in the merge record so undoing restores it.
    MOVE_UNLESS_DUPLICATE = "move_unless_duplicate"
    # Repoint; a pending proposal about the duplicate is marked superseded first (approving
    # it would overwrite the kept entry with the duplicate's data).
    MOVE_SUPERSEDING_PENDING = "move_superseding_pending"


@dataclass(frozen=True)
class Reference:
    label: Any  # shown in the merge preview and record
    column: InstrumentedAttribute  # the column holding the stakeholder's id
    how: Move = Move.MOVE
    # Rows of the model that are about stakeholders at all (a polymorphic entry column).
    only: tuple[ColumnElement[bool], ...] = field(default=())
    # For MOVE_UNLESS_DUPLICATE: the column that, with the stakeholder, is unique ...
    unique_with: InstrumentedAttribute | None = None
    # ... among the rows matching this (a partial unique index), if not among all rows.
    unique_where: tuple[ColumnElement[bool], ...] = field(default=())

    @property
    def model(self) -> type:
        return self.column.class_

    @property
    def key(self) -> str:
        """Names the reference in ``Merge.moved``: "table.column"."""
        return f"{self.model.__tablename__}.{self.column.key}"

    def of(self, stakeholder_id: int) -> list[ColumnElement[bool]]:
        """Conditions selecting the rows that refer to ``stakeholder_id``."""
        return [self.column == stakeholder_id, *self.only]


REFERENCES: list[Reference] = [
    Reference(
        _l("Memberships (people who act for it)"),
        Membership.stakeholder_id,
        Move.MOVE_UNLESS_DUPLICATE,
        unique_with=Membership.user_id,
    ),
    Reference(_l("Contact persons"), Contact.stakeholder_id),
    Reference(
        _l("Proposed changes"),
        Revision.entry_id,
        Move.MOVE_SUPERSEDING_PENDING,
        only=(Revision.entry_type == "stakeholder",),
    ),
    Reference(
        _l("Membership requests"),
        MembershipClaim.stakeholder_id,
        Move.MOVE_UNLESS_DUPLICATE,
        unique_with=MembershipClaim.user_id,
        unique_where=(MembershipClaim.status == ClaimStatus.PENDING,),
    ),
    Reference(
        _l("Review decisions"),
        Review.entry_id,
        only=(Review.entry_type == "stakeholder",),
    ),
    Reference(_l("Entries merged into it earlier"), Stakeholder.merged_into_id),
    Reference(_l("Initiatives it leads"), Initiative.lead_stakeholder_id),
    # One open partnership per initiative: where both were partners, the kept entry's stays.
    Reference(
        _l("Partnerships in initiatives"),
        Partnership.stakeholder_id,
        Move.MOVE_UNLESS_DUPLICATE,
        unique_with=Partnership.initiative_id,
        unique_where=(
            Partnership.status.in_([PartnershipStatus.PROPOSED, PartnershipStatus.ACTIVE]),
        ),
    ),
    # Moved as they are: if both entries had the same role at the same engagement, the
    # unique (engagement, stakeholder, role) refuses the merge (409, nothing written) until
    # an officer removes one of the two from that engagement.
    Reference(_l("Engagements taken part in"), EngagementParticipant.stakeholder_id),
    # A commitment is its organization's: the kept entry now made the pledge.
    Reference(_l("Commitments"), Commitment.stakeholder_id),
]

# Foreign keys to stakeholder.id that a merge leaves alone, and why.
NOT_MOVED: dict[str, str] = {
    "stakeholder_constituency.stakeholder_id": "the duplicate's own classification",
    "merge.source_id": "the merge record itself",
    "merge.target_id": "the merge record itself",
}


def references(stakeholder: Stakeholder) -> dict[str, int]:
    """How many rows of each kind refer to ``stakeholder``, by label, in one query."""
    counts = [
        select(func.count())
        .select_from(ref.model)
        .where(*ref.of(stakeholder.id))
        .scalar_subquery()
        .label(f"c{index}")
        for index, ref in enumerate(REFERENCES)
    ]
    row = db.session.execute(select(*counts)).one()
    return {str(ref.label): row[index] for index, ref in enumerate(REFERENCES)}
