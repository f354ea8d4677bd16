"""Writing engagements: record and edit them, add and remove participants, write outcomes.

Staff publish engagements directly (DOMAIN.md, "Workflow"): nothing here waits for review,
and everything is audited in the caller's transaction. Services flush and audit; the view
commits once (``registry.commit.committing``). A change to a participant or an outcome also
touches the engagement itself, so its version moves on (two editors cannot silently undo
each other) and cached public pages are replaced.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from registry import audit
from registry.commit import Refused, Stale
from registry.engagements import times
from registry.extensions import db
from registry.frameworks import picker
from registry.models import (
    Engagement,
    EngagementOutcome,
    EngagementParticipant,
    EngagementSeries,
    Initiative,
    OutcomeKind,
    ParticipantRole,
    Stakeholder,
    Status,
    User,
)
from registry.models._base import utcnow
from registry.models.engagements import ROLE_LABELS, as_utc

# The engagement's own fields, as the audit trail keeps them (plain JSON values).
FIELDS = (
    "title",
    "kind",
    "summary",
    "start_utc",
    "end_utc",
    "time_zone",
    "venue",
    "city",
    "country",
    "online_url",
    "series",
    "attendance_people",
    "attendance_countries",
    "attendance_organizations",
    "attendance_note",
    "cancelled",
    "alignment",  # framework item ids (registry.frameworks.picker)
)


class NotApproved(Refused):
    """Only approved stakeholders appear on a public engagement."""

    status = 422


class AlreadyListed(Refused):
    status = 422


def snapshot(engagement: Engagement) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in FIELDS:
        if name == "series":
            values[name] = engagement.series.title if engagement.series else None
        elif name in {"start_utc", "end_utc"}:
            values[name] = as_utc(getattr(engagement, name)).isoformat()
        elif name == "kind":
            values[name] = engagement.kind.value
        elif name == picker.FIELD:
            values[name] = sorted(item.id for item in engagement.alignment)
        else:
            values[name] = getattr(engagement, name)
    return values


def series_named(title: str | None, *, is_demo: bool = False) -> EngagementSeries | None:
    """The series of that title, made if it is new (None for no title)."""
    if not title:
        return None
    found = db.session.scalar(
        select(EngagementSeries).where(func.lower(EngagementSeries.title) == title.lower())
    )
    if found is None:
        found = EngagementSeries(title=title, is_demo=is_demo)
        db.session.add(found)
    return found


def _apply(engagement: Engagement, data: dict[str, Any]) -> None:
    for name, value in data.items():
        if name == "series":
            engagement.series = series_named(value, is_demo=engagement.is_demo)
        elif name == picker.FIELD:
            picker.align(engagement, value or [])  # refuses an item unknown or not in use
        else:
            setattr(engagement, name, value)
    start: datetime = data.get("start_utc", engagement.start_utc)
    engagement.year = times.local(start, engagement.time_zone).year


def create_engagement(
    data: dict[str, Any], actor: User | None, *, is_demo: bool = False
) -> Engagement:
    """Record an engagement (public at once) and audit it."""
    engagement = Engagement(created_by=actor, is_demo=is_demo)
    _apply(engagement, data)
    db.session.add(engagement)
    db.session.flush()
    audit.record("engagement.created", engagement, after=snapshot(engagement), actor=actor)
    return engagement


def _check_version(engagement: Engagement, version: str | int | None) -> None:
    if str(version or "") != str(engagement.version):
        raise Stale(
            _(
                "Someone changed this engagement while you were editing it. Your changes are "
                "kept below: check them against the saved version, then save again."
            )
        )


def update_engagement(
    engagement: Engagement, data: dict[str, Any], actor: User, version: str | int | None
) -> bool:
    """Change the engagement's fields; audit what changed. False if nothing did."""
    _check_version(engagement, version)
    before = snapshot(engagement)
    _apply(engagement, data)
    after = snapshot(engagement)
    changed = [name for name in FIELDS if before[name] != after[name]]
    if not changed:
        return False
    _touch(engagement)  # a change to its alignment alone moves its version and its pages on
    audit.record(
        "engagement.updated",
        engagement,
        before={name: before[name] for name in changed},
        after={name: after[name] for name in changed},
        actor=actor,
    )
    return True


def set_alignment(engagement: Engagement, item_ids: list[int], actor: User | None) -> bool:
    """Align the engagement to these framework items, and to no others: audited as an edit.
    False when it already was."""
    before = snapshot(engagement)[picker.FIELD]
    if not picker.align(engagement, item_ids):
        return False
    _touch(engagement)
    audit.record(
        "engagement.updated",
        engagement,
        before={picker.FIELD: before},
        after={picker.FIELD: sorted(item.id for item in engagement.alignment)},
        actor=actor,
    )
    return True


def _touch(engagement: Engagement) -> None:
    """The engagement changed through one of its parts: new version, new time."""
    engagement.updated_at = utcnow()


def approved_stakeholder(stakeholder_id: int | None) -> Stakeholder:
    stakeholder = db.session.get(Stakeholder, stakeholder_id) if stakeholder_id else None
    if (
        stakeholder is None
        or stakeholder.status != Status.APPROVED
        or stakeholder.merged_into_id is not None
    ):
        raise NotApproved(
            _("Choose an approved stakeholder: only entries in the public registry can be added")
        )
    return stakeholder


def add_participant(
    engagement: Engagement, stakeholder_id: int | None, role: ParticipantRole, actor: User | None
) -> EngagementParticipant:
    """Add an approved stakeholder in ``role``; refused for any other, or twice."""
    stakeholder = approved_stakeholder(stakeholder_id)
    if any(p.stakeholder_id == stakeholder.id and p.role == role for p in engagement.participants):
        raise AlreadyListed(
            _(
                "%(name)s is already listed as %(role)s",
                name=stakeholder.name,
                role=str(ROLE_LABELS[role]).lower(),
            )
        )
    participant = EngagementParticipant(stakeholder=stakeholder, role=role)
    engagement.participants.append(participant)
    _touch(engagement)
    db.session.flush()
    audit.record(
        "engagement.participant_added",
        engagement,
        after={"stakeholder_id": stakeholder.id, "participant_role": role.value},
        actor=actor,
    )
    return participant


def remove_participant(participant: EngagementParticipant, actor: User) -> None:
    engagement = participant.engagement
    audit.record(
        "engagement.participant_removed",
        engagement,
        before={
            "stakeholder_id": participant.stakeholder_id,
            "participant_role": participant.role.value,
        },
        actor=actor,
    )
    engagement.participants.remove(participant)
    _touch(engagement)
    db.session.flush()


def add_outcome(
    engagement: Engagement, kind: OutcomeKind, text: str, actor: User | None
) -> EngagementOutcome:
    position = max((o.position for o in engagement.outcomes), default=0) + 1
    outcome = EngagementOutcome(kind=kind, text=text, position=position)
    engagement.outcomes.append(outcome)
    _touch(engagement)
    db.session.flush()
    audit.record(
        "engagement.outcome_added",
        engagement,
        after={"outcome_id": outcome.id, "outcome_kind": kind.value, "text": text},
        actor=actor,
    )
    return outcome


def update_outcome(outcome: EngagementOutcome, kind: OutcomeKind, text: str, actor: User) -> bool:
    before = {"outcome_kind": outcome.kind.value, "text": outcome.text}
    after = {"outcome_kind": kind.value, "text": text}
    if before == after:
        return False
    outcome.kind, outcome.text = kind, text
    _touch(outcome.engagement)
    db.session.flush()
    audit.record(
        "engagement.outcome_updated",
        outcome.engagement,
        before={"outcome_id": outcome.id, **before},
        after={"outcome_id": outcome.id, **after},
        actor=actor,
    )
    return True


def remove_outcome(outcome: EngagementOutcome, actor: User) -> None:
    engagement = outcome.engagement
    audit.record(
        "engagement.outcome_removed",
        engagement,
        before={"outcome_id": outcome.id, "outcome_kind": outcome.kind.value, "text": outcome.text},
        actor=actor,
    )
    engagement.outcomes.remove(outcome)
    _touch(engagement)
    db.session.flush()


# --- the initiatives an engagement served ---------------------------------------------------------


def link_initiative(engagement: Engagement, initiative: Initiative, actor: User) -> bool:
    """List ``initiative`` as served by the engagement (on both pages). False if it was."""
    if any(linked.id == initiative.id for linked in engagement.initiatives):
        return False
    engagement.initiatives.append(initiative)
    _touch(engagement)
    initiative.updated_at = utcnow()  # its page lists the engagement too
    audit.record(
        "engagement.initiative_linked",
        engagement,
        after={"initiative_id": initiative.id, "title": initiative.title},
        actor=actor,
    )
    return True


def unlink_initiative(engagement: Engagement, initiative: Initiative, actor: User) -> None:
    engagement.initiatives = [i for i in engagement.initiatives if i.id != initiative.id]
    _touch(engagement)
    initiative.updated_at = utcnow()
    audit.record(
        "engagement.initiative_unlinked",
        engagement,
        before={"initiative_id": initiative.id, "title": initiative.title},
        actor=actor,
    )
