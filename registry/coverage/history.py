"""Traffic lights over time: at each of the last 12 month-ends, how many approved commitments
were on track, overdue, inactive or completed, by the rules of ``registry.commitments.progress``
applied at that date.

One grouped statement: the 12 dates as a small derived table; each approved commitment's dated
activity (its publication, its visible progress reports) as intervals from one activity to the
next (a window function), so each month-end meets exactly the interval holding the latest
activity at that date; the light worked out from it in SQL and counted per date and light.

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

from sqlalchemy import Date, DateTime, and_, case, cast, func, literal, or_, select, union_all

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
                _typed(end, Date()).label("on"),
                # Published on or before the month-end: before the next day began (UTC).
                _typed(_midnight(end + timedelta(days=1)), DateTime(timezone=True)).label("until"),
                _typed(overdue, Date()).label("overdue"),
                _typed(inactive, Date()).label("inactive"),
            )
        )
    months = union_all(*rows).cte("months")
    m = months.c
    approved = Commitment.status == Status.APPROVED
    # Every dated activity of an approved commitment: its publication and each visible report.
    activity = union_all(
        select(
            Commitment.id.label("commitment_id"), _day(Commitment.approved_at).label("day")
        ).where(approved),
        select(ProgressReport.commitment_id, ProgressReport.reported_on)
        .join(Commitment, Commitment.id == ProgressReport.commitment_id)
        .where(approved, ProgressReport.hidden_at.is_(None)),
    ).subquery("activity")
    # Each activity holds as the latest until the next one: a month-end falls in exactly one
    # such interval per commitment, so no (commitment, month) pair is grouped.
    intervals = select(
        activity.c.commitment_id,
        activity.c.day,
        func.lead(activity.c.day)
        .over(partition_by=activity.c.commitment_id, order_by=activity.c.day)
        .label("next_day"),
    ).subquery("intervals")
    i = intervals.c
    light = case(
        (Commitment.completed_on <= m.on, literal(Light.COMPLETED.value)),
        (i.day < m.inactive, literal(Light.INACTIVE.value)),
        (i.day < m.overdue, literal(Light.OVERDUE.value)),
        else_=literal(Light.ON_TRACK.value),
    )
    stmt = (
        select(m.on, light, func.count())
        .select_from(months)
        .join(intervals, and_(i.day <= m.on, or_(i.next_day.is_(None), i.next_day > m.on)))
        .join(Commitment, Commitment.id == i.commitment_id)
        .where(Commitment.approved_at < m.until)
        .group_by(m.on, light)
    )
    counts: dict[date, dict[Light, int]] = {end: dict.fromkeys(LIGHTS, 0) for end in ends}
    for on, value, n in db.session.execute(stmt):
        on = on if isinstance(on, date) else date.fromisoformat(str(on))
        counts[on][Light(value)] = n
    return [Month(end, counts[end]) for end in ends]


def _typed(value, type_):
    """A constant of the derived table: cast on PostgreSQL, whose UNION would otherwise type
    it as text; as it is on SQLite, whose CAST to DATE would make a number of it."""
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(literal(value, type_), type_)
    return literal(value, type_)


def _day(column):
    """A timestamp's date in UTC, as ``light_of`` takes it (``approved_at.date()``)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone("UTC", column), Date)
    return func.date(column)
