"""Progress and the traffic light, derived and never typed.

A deliverable's progress is its achieved value against its target (from its baseline), or
whole once done; a commitment's is the mean of its deliverables'. The light of an approved
commitment is *completed* once every deliverable is done, else *inactive* when nothing was
reported for 24 months, *overdue* for 12, and *on track* otherwise. The clock starts when the
commitment is published. ``refresh`` keeps the columns this needs on the commitment's row, so
the light is a comparison of indexed columns in the list's one query (``light_expr``,
``light_where``), never a loop over rows.
"""

from __future__ import annotations

import enum
from datetime import date

from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, case, func, literal, select

from registry.extensions import db
from registry.models import Commitment, Deliverable, DeliverableUpdate, ProgressReport, Status
from registry.models._base import utcnow

OVERDUE_AFTER = relativedelta(months=12)
INACTIVE_AFTER = relativedelta(months=24)


class Light(enum.StrEnum):
    ON_TRACK = "on_track"
    OVERDUE = "overdue"
    INACTIVE = "inactive"
    COMPLETED = "completed"


LIGHT_LABELS = {
    Light.ON_TRACK: _l("On track"),
    Light.OVERDUE: _l("Overdue"),
    Light.INACTIVE: _l("Inactive"),
    Light.COMPLETED: _l("Completed"),
}
LIGHT_HINTS = {
    Light.ON_TRACK: _l("Reported on in the last 12 months"),
    Light.OVERDUE: _l("No progress report for more than 12 months"),
    Light.INACTIVE: _l("No progress report for more than 24 months"),
    Light.COMPLETED: _l("Every deliverable is done"),
}


def today() -> date:
    return utcnow().date()


def cutoffs(on: date | None = None) -> tuple[date, date]:
    """The last-activity dates before which a commitment is overdue, and inactive."""
    on = on or today()
    return on - OVERDUE_AFTER, on - INACTIVE_AFTER


def light_of(commitment: Commitment, on: date | None = None) -> Light | None:
    """One commitment's light (its page); lists use ``light_expr`` in their query."""
    if commitment.status != Status.APPROVED or commitment.last_activity_on is None:
        return None
    if commitment.completed_on is not None:
        return Light.COMPLETED
    overdue, inactive = cutoffs(on)
    if commitment.last_activity_on < inactive:
        return Light.INACTIVE
    if commitment.last_activity_on < overdue:
        return Light.OVERDUE
    return Light.ON_TRACK


def light_expr(on: date | None = None) -> ColumnElement[str]:
    """The light as a column of the query (for approved commitments)."""
    overdue, inactive = cutoffs(on)
    return case(
        (Commitment.completed_on.is_not(None), literal(Light.COMPLETED.value)),
        (Commitment.last_activity_on < inactive, literal(Light.INACTIVE.value)),
        (Commitment.last_activity_on < overdue, literal(Light.OVERDUE.value)),
        else_=literal(Light.ON_TRACK.value),
    )


def light_where(light: Light, on: date | None = None) -> ColumnElement[bool]:
    """The condition for one light: a range of an indexed column (``ix_commitment_light_*``)."""
    overdue, inactive = cutoffs(on)
    approved = Commitment.status == Status.APPROVED
    if light == Light.COMPLETED:
        return and_(approved, Commitment.completed_on.is_not(None))
    still_open = and_(approved, Commitment.completed_on.is_(None))
    if light == Light.INACTIVE:
        return and_(still_open, Commitment.last_activity_on < inactive)
    if light == Light.OVERDUE:
        return and_(
            still_open,
            Commitment.last_activity_on < overdue,
            Commitment.last_activity_on >= inactive,
        )
    return and_(still_open, Commitment.last_activity_on >= overdue)


def slipped_where(on: date | None = None) -> ColumnElement[bool]:
    """Open commitments with a deliverable past its due date and not done."""
    return and_(
        Commitment.status == Status.APPROVED,
        Commitment.completed_on.is_(None),
        Commitment.next_due_on < (on or today()),
    )


def slipped_counts(ids: list[int], on: date | None = None) -> dict[int, int]:
    """How many deliverables slipped, per commitment of a page: one grouped query."""
    if not ids:
        return {}
    stmt = (
        select(Deliverable.commitment_id, func.count())
        .where(
            Deliverable.commitment_id.in_(ids),
            Deliverable.done_on.is_(None),
            Deliverable.due_on < (on or today()),
        )
        .group_by(Deliverable.commitment_id)
    )
    return dict(db.session.execute(stmt).all())


def slipped(deliverable: Deliverable, on: date | None = None) -> bool:
    return (
        deliverable.done_on is None
        and deliverable.due_on is not None
        and deliverable.due_on < (on or today())
    )


def share(deliverable: Deliverable) -> float:
    """How far one deliverable is, from 0 to 1: done is whole; else achieved against target,
    counted from the baseline when there is one."""
    if deliverable.done_on is not None:
        return 1.0
    target, achieved = deliverable.target, deliverable.achieved
    if target is None or achieved is None:
        return 0.0
    start = deliverable.baseline or 0.0
    if target == start:
        return 1.0 if achieved >= target else 0.0
    return max(0.0, min(1.0, (achieved - start) / (target - start)))


def percent(deliverable: Deliverable) -> int:
    return round(100 * share(deliverable))


def refresh(commitment: Commitment) -> None:
    """Recompute what is derived: each deliverable's achieved value and done date from the
    visible progress reports, then the commitment's progress, completion, next due date and
    last activity. Reads only this commitment's reports; writes nothing until the flush."""
    with db.session.no_autoflush:  # the caller's one UPDATE carries these columns too
        latest: dict[int, tuple[float | None, date | None]] = {}
        reported: date | None = None
        if commitment.id is not None:
            stmt = (
                select(
                    DeliverableUpdate.deliverable_id,
                    DeliverableUpdate.achieved,
                    DeliverableUpdate.done_on,
                )
                .join(ProgressReport, ProgressReport.id == DeliverableUpdate.report_id)
                .where(
                    ProgressReport.commitment_id == commitment.id,
                    ProgressReport.hidden_at.is_(None),
                )
                .order_by(ProgressReport.reported_on, ProgressReport.id, DeliverableUpdate.id)
            )
            for deliverable_id, achieved, done_on in db.session.execute(stmt):
                before = latest.get(deliverable_id, (None, None))
                latest[deliverable_id] = (
                    achieved if achieved is not None else before[0],
                    done_on if done_on is not None else before[1],
                )
            reported = db.session.scalar(
                select(func.max(ProgressReport.reported_on)).where(
                    ProgressReport.commitment_id == commitment.id,
                    ProgressReport.hidden_at.is_(None),
                )
            )
        deliverables = list(commitment.deliverables)
        for deliverable in deliverables:
            achieved, done_on = latest.get(deliverable.id, (None, None))
            deliverable.achieved, deliverable.done_on = achieved, done_on
        commitment.deliverable_count = len(deliverables)
        commitment.progress = (
            round(100 * sum(share(d) for d in deliverables) / len(deliverables))
            if deliverables
            else 0
        )
        done = [d.done_on for d in deliverables if d.done_on is not None]
        commitment.completed_on = (
            max(done) if deliverables and len(done) == len(deliverables) else None
        )
        dues = [d.due_on for d in deliverables if d.done_on is None and d.due_on is not None]
        commitment.next_due_on = min(dues) if dues else None
        published = commitment.approved_at.date() if commitment.approved_at else None
        if commitment.status == Status.APPROVED and published is not None:
            commitment.last_activity_on = max(d for d in (published, reported) if d is not None)
        else:
            commitment.last_activity_on = reported
