"""Write commitments and their progress reports: each operation checks the domain's rules,
flushes and audits in the caller's transaction; the commit boundary commits once (or refuses).

A commitment's values are plain, in the shape of ``revisions.snapshot`` (dates as ISO text,
deliverables and resources as lists of dicts, alignment as framework item ids), so a form, the
API and the review machinery hand the same thing to ``check_values``.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import select

from registry import audit, currencies, revisions, workflow
from registry.commit import FieldRefused, Refused
from registry.commitments import progress, smart
from registry.extensions import db
from registry.frameworks import picker
from registry.models import (
    Commitment,
    Deliverable,
    DeliverableUpdate,
    Engagement,
    EngagementParticipant,
    Initiative,
    Partnership,
    PartnershipStatus,
    ProgressReport,
    ResourceKind,
    Stakeholder,
    Status,
    User,
    Verification,
)
from registry.models._base import utcnow
from registry.permissions import can

MAX_AMOUNT = 1e12  # more than any pledge; beyond it is a typing slip
MAX_NUMBER = 1e15


class Incomplete(Refused):
    """Submitting (or publishing) a pledge that is not yet SMART: it says what is missing."""

    status = 422

    def __init__(self, missing: list[str]) -> None:
        super().__init__(
            _(
                "Before it can be submitted, the commitment needs: %(missing)s.",
                missing="; ".join(missing),
            )
        )
        self.missing = missing


def _date(value: Any) -> date | None:
    if isinstance(value, date) or value is None:
        return value
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _finite(value: Any, field: str, limit: float = MAX_NUMBER) -> None:
    if value in (None, ""):
        return
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise FieldRefused(field, _("Enter a number, such as 80 or 2.5")) from None
    if not math.isfinite(number) or abs(number) > limit:
        raise FieldRefused(field, _("Enter a number that is not so large"))


def is_web_link(value: str | None) -> bool:
    if not value:
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


# --- what a stakeholder may link to -------------------------------------------------------------


def initiatives_for(stakeholder: Stakeholder) -> list[Initiative]:
    """The initiatives a commitment of ``stakeholder`` may sit within: those it is an active
    partner in (its lead is one)."""
    stmt = (
        select(Initiative)
        .join(Partnership, Partnership.initiative_id == Initiative.id)
        .where(
            Partnership.stakeholder_id == stakeholder.id,
            Partnership.status == PartnershipStatus.ACTIVE,
        )
        .order_by(Initiative.title, Initiative.id)
        .distinct()
    )
    return list(db.session.scalars(stmt))


def engagements_for(stakeholder: Stakeholder) -> list[Engagement]:
    """The engagements a pledge of ``stakeholder`` may have been announced at: those it took
    part in, newest first."""
    stmt = (
        select(Engagement)
        .join(EngagementParticipant, EngagementParticipant.engagement_id == Engagement.id)
        .where(EngagementParticipant.stakeholder_id == stakeholder.id)
        .order_by(Engagement.start_utc.desc(), Engagement.id)
        .distinct()
    )
    return list(db.session.scalars(stmt))


# --- checks -------------------------------------------------------------------------------------


def check_values(
    stakeholder: Stakeholder, data: dict[str, Any], commitment: Commitment | None = None
) -> None:
    """The domain's rules on a commitment's values, drafts included (SMART completeness is
    asked only on submit): each broken rule is a ``FieldRefused`` naming its field."""
    if "title" in data and not (data.get("title") or "").strip():
        raise FieldRefused("title", _("Enter a title"))
    starts, ends = _date(data.get("starts_on")), _date(data.get("ends_on"))
    if starts and ends and ends < starts:
        raise FieldRefused("ends_on", _("The end date must be on or after the start date"))
    current = commitment or Commitment()
    if _newly_linked(data, "initiative_id", current.initiative_id) and int(
        data["initiative_id"]
    ) not in {i.id for i in initiatives_for(stakeholder)}:
        raise FieldRefused(
            "initiative_id",
            _("Choose an initiative that %(name)s is a partner of", name=stakeholder.name),
        )
    if _newly_linked(data, "engagement_id", current.engagement_id) and int(
        data["engagement_id"]
    ) not in {e.id for e in engagements_for(stakeholder)}:
        raise FieldRefused(
            "engagement_id",
            _("Choose an engagement that %(name)s took part in", name=stakeholder.name),
        )
    for index, row in enumerate(data.get("deliverables") or []):
        _check_deliverable(index, row, starts, ends)
    for index, row in enumerate(data.get("resources") or []):
        _check_resource(index, row)
    if "alignment" in data:
        picker.check(data.get("alignment"), commitment.alignment if commitment else ())


def _newly_linked(data: dict[str, Any], name: str, current: int | None) -> bool:
    """Whether ``data`` links to a row other than the one already linked (a link made before
    a partnership ended stays valid)."""
    value = data.get(name)
    return value not in (None, "") and value != current


def _check_deliverable(index: int, row: dict[str, Any], starts, ends) -> None:
    prefix = f"deliverables-{index}-"
    if not (row.get("title") or "").strip():
        raise FieldRefused(prefix + "title", _("Give the deliverable a title"))
    for name in ("baseline", "target"):
        _finite(row.get(name), prefix + name)
    due = _date(row.get("due_on"))
    if row.get("due_on") and due is None:
        raise FieldRefused(prefix + "due_on", _("Enter a real date"))
    if due and ends and due > ends:
        raise FieldRefused(
            prefix + "due_on",
            _(
                "The due date must be inside the commitment's period, on or before %(date)s",
                date=ends.isoformat(),
            ),
        )
    if due and starts and due < starts:
        raise FieldRefused(
            prefix + "due_on",
            _(
                "The due date must be inside the commitment's period, on or after %(date)s",
                date=starts.isoformat(),
            ),
        )


def _check_resource(index: int, row: dict[str, Any]) -> None:
    prefix = f"resources-{index}-"
    try:
        kind = ResourceKind(row.get("kind"))
    except ValueError:
        raise FieldRefused(prefix + "kind", _("Choose the kind of resource")) from None
    amount, currency = row.get("amount"), row.get("currency")
    if amount not in (None, ""):
        _finite(amount, prefix + "amount", MAX_AMOUNT)
        if float(amount) < 0:
            raise FieldRefused(prefix + "amount", _("The amount cannot be negative"))
    if kind == ResourceKind.FINANCIAL:
        if amount in (None, ""):
            raise FieldRefused(prefix + "amount", _("Enter the amount of money"))
        if not currencies.is_known(currency):
            raise FieldRefused(prefix + "currency", _("Choose a currency from the list"))
    elif currency and not currencies.is_known(currency):
        raise FieldRefused(prefix + "currency", _("Choose a currency from the list"))
    if kind != ResourceKind.FINANCIAL and not (row.get("description") or "").strip():
        raise FieldRefused(prefix + "description", _("Say what is offered"))


# --- commitments --------------------------------------------------------------------------------


def may_write_for(user: User, stakeholder: Stakeholder) -> bool:
    return can(user, "commitment.write_for", stakeholder)


def create(stakeholder: Stakeholder, data: dict[str, Any], actor: User) -> Commitment:
    """A new draft commitment of ``stakeholder`` (its members' or staff's)."""
    if not may_write_for(actor, stakeholder):
        raise Refused(_("You can write commitments only for organizations you act for."), 403)
    check_values(stakeholder, data)
    commitment = Commitment(
        stakeholder=stakeholder, status=Status.DRAFT, created_by_id=actor.id, description=""
    )
    db.session.add(commitment)
    revisions.apply(commitment, data)
    db.session.flush()
    audit.record(
        "commitment.created", commitment, after=revisions.snapshot(commitment), actor=actor
    )
    return commitment


def update(commitment: Commitment, data: dict[str, Any], actor: User, token: str | None):
    """Save an edit: at once, or as the pending revision once it is public (returned)."""
    return revisions.update(commitment, data, actor, token)


def require_smart(commitment: Commitment) -> None:
    """A pledge goes public only when SMART, and only for a public organization."""
    if commitment.stakeholder.status != Status.APPROVED:
        raise Refused(
            _(
                "%(name)s is not yet approved: its commitments can be submitted once it is.",
                name=commitment.stakeholder.name,
            ),
            409,
        )
    missing = smart.missing(revisions.snapshot(commitment))
    if missing:
        raise Incomplete(missing)


def submit(commitment: Commitment, actor: User):
    if commitment.status == Status.SUBMITTED:
        raise workflow.TransitionNotAllowed(
            _("This commitment is already waiting for review: there is nothing more to do for now.")
        )
    require_smart(commitment)
    return workflow.transition(commitment, workflow.Action.SUBMIT, actor)


def publish(commitment: Commitment, actor: User):
    """Staff put a SMART commitment on the public registry without waiting for review."""
    require_smart(commitment)
    return workflow.transition(commitment, "publish", actor)


# --- progress reports ---------------------------------------------------------------------------

MAX_EVIDENCE_URL = 500  # the column's length


def _report_date(data: dict[str, Any], name: str) -> date | None:
    """A date of the report's values (a ``date`` from a form, ISO text from elsewhere)."""
    value = data.get(name)
    if value in (None, ""):
        return None
    day = _date(value)
    if day is None:
        raise FieldRefused(name, _("Enter the date as year-month-day, like 2026-03-31"))
    return day


def _row_id(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def _report_updates(
    commitment: Commitment, rows: list[dict[str, Any]], reported_on: date
) -> list[DeliverableUpdate]:
    """What the report says of each deliverable; only this commitment's, each at most once."""
    own = {d.id: d for d in commitment.deliverables}
    seen: set[int] = set()
    updates = []
    for index, row in enumerate(rows):
        field = f"updates-{index}-achieved"
        if row.get("achieved") in (None, "") and row.get("done_on") in (None, ""):
            continue  # a row left blank says nothing of its deliverable
        deliverable = own.get(_row_id(row.get("deliverable_id")))
        if deliverable is None:
            raise FieldRefused(field, _("This deliverable is not part of this commitment"))
        if deliverable.id in seen:
            raise FieldRefused(field, _("This deliverable is already in this report"))
        seen.add(deliverable.id)
        achieved = row.get("achieved")
        _finite(achieved, field)
        achieved = None if achieved in (None, "") else float(achieved)
        if achieved is not None and achieved < 0:
            raise FieldRefused(field, _("The value cannot be negative"))
        done_on = _date(row.get("done_on"))
        if row.get("done_on") and done_on is None:
            raise FieldRefused(f"updates-{index}-done_on", _("Enter a real date"))
        if done_on and done_on > reported_on:
            raise FieldRefused(
                f"updates-{index}-done_on", _("It cannot be done after the day of the report")
            )
        updates.append(
            DeliverableUpdate(deliverable_id=deliverable.id, achieved=achieved, done_on=done_on)
        )
    return updates


def _update_values(updates: list[DeliverableUpdate]) -> list[dict[str, Any]]:
    return [
        {
            "deliverable": u.deliverable_id,
            "achieved": u.achieved,
            "done_on": u.done_on.isoformat() if u.done_on else None,
        }
        for u in updates
    ]


def add_report(commitment: Commitment, data: dict[str, Any], actor: User) -> ProgressReport:
    """A dated update on an approved commitment, public at once: what each deliverable has
    achieved, or that it is done. The commitment's progress and light follow from it.

    ``data``: reported_on (default today), covers_from, covers_to, narrative, evidence_url,
    and ``updates``, rows of deliverable_id, achieved and done_on (dates as ``date`` or ISO
    text). Each broken rule is a ``FieldRefused`` naming its field; nothing is written."""
    if commitment.status != Status.APPROVED:
        raise Refused(_("Progress is reported on published commitments only."), 409)
    if not can(actor, "commitment.report", commitment):
        raise Refused(_("You can report only on commitments of organizations you act for."), 403)
    today = progress.today()
    reported_on = _report_date(data, "reported_on") or today
    if reported_on > today:
        raise FieldRefused("reported_on", _("The report cannot be dated in the future"))
    covers_from = _report_date(data, "covers_from")
    covers_to = _report_date(data, "covers_to")
    if covers_from and covers_from > reported_on:
        raise FieldRefused(
            "covers_from", _("The period must start on or before the day of the report")
        )
    if covers_from and covers_to and covers_to < covers_from:
        raise FieldRefused("covers_to", _("The end of the period must be on or after its start"))
    if covers_to and covers_to > reported_on:
        raise FieldRefused("covers_to", _("A report covers a period up to the day it is made"))
    evidence = (data.get("evidence_url") or "").strip() or None
    if evidence and len(evidence) > MAX_EVIDENCE_URL:
        raise FieldRefused("evidence_url", _("The link must be 500 characters or fewer"))
    if evidence and not is_web_link(evidence):
        raise FieldRefused(
            "evidence_url", _("Enter a web address starting with http:// or https://")
        )
    updates = _report_updates(commitment, data.get("updates") or [], reported_on)
    narrative = (data.get("narrative") or "").strip()
    if not narrative and not updates:
        raise FieldRefused("narrative", _("Say what happened, or update a deliverable"))
    report = ProgressReport(
        commitment=commitment,
        reported_on=reported_on,
        covers_from=covers_from,
        covers_to=covers_to,
        narrative=narrative,
        evidence_url=evidence,
        verification=Verification.EVIDENCE if evidence else Verification.SELF_REPORTED,
        author_id=actor.id,
        updates=updates,
    )
    db.session.add(report)
    db.session.flush()
    _refresh(commitment)
    audit.record(
        "commitment.report_added",
        commitment,
        actor=actor,
        after={
            "report": report.id,
            "reported_on": reported_on.isoformat(),
            "covers_from": covers_from.isoformat() if covers_from else None,
            "covers_to": covers_to.isoformat() if covers_to else None,
            "evidence_url": evidence,
            "updates": _update_values(updates),
            "progress": commitment.progress,
        },
    )
    return report


def _refresh(commitment: Commitment) -> None:
    commitment.updated_at = utcnow()  # its version moves on: an open edit form is stale
    progress.refresh(commitment)


def hide_report(report: ProgressReport, reason: str, actor: User) -> None:
    """An administrator takes a report off the public page, with a reason; it no longer
    counts towards progress or the light (the values before it come back)."""
    commitment = report.commitment
    if not can(actor, "commitment.hide_report", commitment):
        raise Refused(_("You are not allowed to do this."), 403)
    reason = " ".join((reason or "").split())
    if not reason:
        raise FieldRefused("reason", _("Say why the report is hidden"))
    if report.hidden:
        raise Refused(_("This report is already hidden."), 409)
    before = commitment.progress
    report.hidden_at, report.hidden_by_id, report.hidden_reason = utcnow(), actor.id, reason
    db.session.flush()
    _refresh(commitment)
    audit.record(
        "commitment.report_hidden",
        commitment,
        actor=actor,
        before={"report": report.id, "progress": before},
        after={"report": report.id, "reason": reason, "progress": commitment.progress},
    )


def verify_report(report: ProgressReport, actor: User) -> None:
    """An officer marks a report as checked."""
    if not can(actor, "commitment.verify", report.commitment):
        raise Refused(_("You are not allowed to do this."), 403)
    if report.verification == Verification.VERIFIED:
        raise Refused(_("This report is already verified."), 409)
    if report.hidden:
        raise Refused(_("A hidden report cannot be verified."), 409)
    before = report.verification.value
    report.verification = Verification.VERIFIED
    report.verified_by_id, report.verified_at = actor.id, utcnow()
    report.commitment.updated_at = utcnow()
    audit.record(
        "commitment.report_verified",
        report.commitment,
        actor=actor,
        before={"report": report.id, "verification": before},
        after={"report": report.id, "verification": Verification.VERIFIED.value},
    )


def get_deliverable(deliverable_id: int) -> Deliverable | None:
    return db.session.get(Deliverable, deliverable_id)
