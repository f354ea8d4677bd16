"""Traffic lights over time: at each of the last 12 month-ends, how many approved commitments
were on track, overdue, inactive or completed, by the rules of ``registry.commitments.progress``
applied at that date.

One grouped statement: the 12 dates as a small derived table, each approved commitment joined
to the dates it was already published at, its visible progress reports up to each date, and
the light worked out per (date, commitment) in SQL, then counted per date and light.

What the registry keeps makes this an approximation, honestly:

* only commitments approved *now* are counted: one withdrawn or archived since is missing
  from the months when it was public (its status history is in the reviews, not read here);
* a progress report counts from its ``reported_on`` date: one written later but dated earlier
  counts from that earlier date, and one hidden since is left out of the past too;
* *completed* uses ``completed_on`` (when the last deliverable was done, as the reports say
  now), so a commitment counts as completed from that date on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Date, DateTime, and_, case, func, literal, or_, select, union_all

from registry.commitments.progress import INACTIVE_AFTER, OVERDUE_AFTER, Light
from registry.extensions import db
from registry.models import Commitment, ProgressReport, Status

MONTHS = 12
LIGHTS = (Light.ON_TRACK, Light.OVERDUE, Light.INACTIVE, Light.COMPLETED)


@dataclass(frozen=True)
class Month:
    """The lights at one month-end."""

    on: date
    counts: dict[Light, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def month_ends(today: date, months: int = MONTHS) -> list[date]:
    """The last ``months`` month-ends before ``today``, oldest first."""
    found = []
    end = today.replace(day=1) - timedelta(days=1)
    for _ in range(months):
        found.append(end)
        end = end.replace(day=1) - timedelta(days=1)
    return found[::-1]


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def lights_over_time(today: date) -> list[Month]:
    """The lights at each of the last 12 month-ends: one statement."""
    ends = month_ends(today)
    rows = []
    for end in ends:
        overdue, inactive = end - OVERDUE_AFTER, end - INACTIVE_AFTER
        rows.append(
            select(
                literal(end, Date).label("on"),
                # Published on or before the month-end: before the next day began (UTC).
                literal(_midnight(end + timedelta(days=1)), DateTime(timezone=True)).label("until"),
                literal(overdue, Date).label("overdue"),
                literal(inactive, Date).label("inactive"),
                # "Published before the cutoff day" for the timestamp ``approved_at``.
                literal(_midnight(overdue), DateTime(timezone=True)).label("overdue_at"),
                literal(_midnight(inactive), DateTime(timezone=True)).label("inactive_at"),
            )
        )
    months = union_all(*rows).cte("months")
    m = months.c
    per_commitment = (
        select(
            m.on,
            m.overdue,
            m.inactive,
            m.overdue_at,
            m.inactive_at,
            Commitment.id,
            Commitment.approved_at,
            Commitment.completed_on,
            func.max(ProgressReport.reported_on).label("last_report"),
        )
        .select_from(months)
        .join(
            Commitment,
            and_(Commitment.status == Status.APPROVED, Commitment.approved_at < m.until),
        )
        .outerjoin(
            ProgressReport,
            and_(
                ProgressReport.commitment_id == Commitment.id,
                ProgressReport.hidden_at.is_(None),
                ProgressReport.reported_on <= m.on,
            ),
        )
        .group_by(
            m.on,
            m.overdue,
            m.inactive,
            m.overdue_at,
            m.inactive_at,
            Commitment.id,
            Commitment.approved_at,
            Commitment.completed_on,
        )
        .subquery("per_commitment")
    )
    c = per_commitment.c

    def quiet_since(day, at):
        """No activity on or after the cutoff: published before it, no report since."""
        return and_(c.approved_at < at, or_(c.last_report.is_(None), c.last_report < day))

    light = case(
        (c.completed_on <= c.on, literal(Light.COMPLETED.value)),
        (quiet_since(c.inactive, c.inactive_at), literal(Light.INACTIVE.value)),
        (quiet_since(c.overdue, c.overdue_at), literal(Light.OVERDUE.value)),
        else_=literal(Light.ON_TRACK.value),
    ).label("light")
    lights = select(c.on, light).subquery("lights")
    stmt = select(lights.c.on, lights.c.light, func.count()).group_by(lights.c.on, lights.c.light)
    counts: dict[date, dict[Light, int]] = {end: dict.fromkeys(LIGHTS, 0) for end in ends}
    for on, value, n in db.session.execute(stmt):
        on = on if isinstance(on, date) else date.fromisoformat(str(on))
        counts[on][Light(value)] = n
    return [Month(end, counts[end]) for end in ends]
