"""Write initiatives and partnerships: each operation checks the domain's rules, flushes and
audits in the caller's transaction; the commit boundary commits once (or refuses)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from registry import audit, notifications
from registry.commit import FieldRefused, Refused
from registry.extensions import db
from registry.frameworks import picker
from registry.models import (
    Initiative,
    InitiativeCountry,
    Membership,
    Partnership,
    PartnershipRole,
    PartnershipStatus,
    Stakeholder,
    Status,
    User,
)
from registry.models._base import utcnow

INITIATIVE_FIELDS = (
    "title",
    "kind",
    "status",
    "summary",
    "lead_stakeholder_id",
    "cities",
    "starts_on",
    "ends_on",
    "website",
)
PARTNERSHIP_FIELDS = ("role", "basis", "starts_on", "ends_on")


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return getattr(value, "value", value)


def _snapshot(obj: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in names}


def _approved_stakeholder(stakeholder_id: int | None, field: str) -> Stakeholder | None:
    if stakeholder_id is None:
        return None
    stakeholder = db.session.get(Stakeholder, stakeholder_id)
    if stakeholder is None or stakeholder.status != Status.APPROVED:
        raise FieldRefused(field, _("Choose an approved organization from the registry"))
    return stakeholder


# --- initiatives --------------------------------------------------------------------------------


def _set_countries(initiative: Initiative, codes: list[str]) -> None:
    wanted = sorted(set(codes))
    kept = {country.code: country for country in initiative.countries}
    initiative.countries = [kept.get(code) or InitiativeCountry(code=code) for code in wanted]


def _check_period(initiative: Initiative) -> None:
    if initiative.ends_on and initiative.ends_on < initiative.starts_on:
        raise FieldRefused("ends_on", _("The end date must be on or after the start date"))
    outside = [
        p
        for p in initiative.partnerships
        if p.status in (PartnershipStatus.ACTIVE, PartnershipStatus.PROPOSED)
        and not _inside(p.starts_on, p.ends_on, initiative)
    ]
    if outside:
        raise FieldRefused(
            "starts_on" if any(_before_start(p, initiative) for p in outside) else "ends_on",
            _(
                "%(num)d partnership(s) would fall outside this period, such as “%(name)s”: "
                "change their periods first",
                num=len(outside),
                name=outside[0].stakeholder.name,
            ),
        )


def _before_start(partnership: Partnership, initiative: Initiative) -> bool:
    return bool(partnership.starts_on and partnership.starts_on < initiative.starts_on)


def _inside(starts_on: date | None, ends_on: date | None, initiative: Initiative) -> bool:
    if starts_on and starts_on < initiative.starts_on:
        return False
    return not (ends_on and initiative.ends_on and ends_on > initiative.ends_on)


def _alignment(initiative: Initiative) -> list[int]:
    return sorted(item.id for item in initiative.alignment)


def _values(initiative: Initiative) -> dict[str, Any]:
    """What the audit trail keeps of an initiative: its fields, countries and alignment."""
    return {
        **_snapshot(initiative, INITIATIVE_FIELDS),
        "countries": initiative.country_codes,
        picker.FIELD: _alignment(initiative),
    }


def create_initiative(data: dict[str, Any], actor: User) -> Initiative:
    """A new initiative, public at once; its lead, if named, becomes its lead partner. Its
    alignment (framework item ids) must name SDG targets or paragraphs in use."""
    lead = _approved_stakeholder(data.get("lead_stakeholder_id"), "lead_stakeholder_id")
    initiative = Initiative(created_by_id=actor.id)
    for name in INITIATIVE_FIELDS:
        setattr(initiative, name, data.get(name))
    initiative.summary = initiative.summary or ""
    _set_countries(initiative, data.get("countries") or [])
    _check_period(initiative)
    initiative.alignment = picker.check(data.get(picker.FIELD) or [])
    db.session.add(initiative)
    db.session.flush()
    audit.record("initiative.created", initiative, actor=actor, after=_values(initiative))
    if lead is not None:
        add_partner(
            initiative,
            lead,
            {"role": PartnershipRole.LEAD, "starts_on": initiative.starts_on},
            actor,
        )
    return initiative


def update_initiative(initiative: Initiative, data: dict[str, Any], actor: User) -> bool:
    """Apply an edit (staff: at once, audited). False when nothing changed. Without an
    ``alignment`` key the alignment stays as it is."""
    if data.get("lead_stakeholder_id") != initiative.lead_stakeholder_id:
        _approved_stakeholder(data.get("lead_stakeholder_id"), "lead_stakeholder_id")
    before = _values(initiative)
    for name in INITIATIVE_FIELDS:
        setattr(initiative, name, data.get(name))
    initiative.summary = initiative.summary or ""
    _set_countries(initiative, data.get("countries") or [])
    if picker.FIELD in data:
        picker.align(initiative, data[picker.FIELD] or [])
    after = _values(initiative)
    changed = {name for name in after if after[name] != before[name]}
    if not changed:
        return False
    _check_period(initiative)
    _touch(initiative)  # a change to its alignment alone moves its version and its pages on
    audit.record(
        "initiative.updated",
        initiative,
        actor=actor,
        before={name: before[name] for name in sorted(changed)},
        after={name: after[name] for name in sorted(changed)},
    )
    return True


def set_alignment(initiative: Initiative, item_ids: list[int], actor: User) -> bool:
    """Align the initiative to these framework items, and to no others: audited as an edit.
    False when it already was."""
    before = _alignment(initiative)
    if not picker.align(initiative, item_ids):
        return False
    _touch(initiative)
    audit.record(
        "initiative.updated",
        initiative,
        actor=actor,
        before={picker.FIELD: before},
        after={picker.FIELD: _alignment(initiative)},
    )
    return True


# --- partnerships -------------------------------------------------------------------------------


def open_partnership(initiative: Initiative, stakeholder: Stakeholder) -> Partnership | None:
    """The stakeholder's proposed or active partnership in the initiative, if any."""
    return db.session.scalar(
        select(Partnership).where(
            Partnership.initiative_id == initiative.id,
            Partnership.stakeholder_id == stakeholder.id,
            Partnership.status.in_([PartnershipStatus.PROPOSED, PartnershipStatus.ACTIVE]),
        )
    )


def _check_partnership(
    initiative: Initiative, stakeholder: Stakeholder, data: dict[str, Any], current=None
) -> None:
    if stakeholder.status != Status.APPROVED:
        raise FieldRefused("stakeholder_id", _("Choose an approved organization from the registry"))
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    if starts_on and ends_on and ends_on < starts_on:
        raise FieldRefused("ends_on", _("The end date must be on or after the start date"))
    if starts_on and starts_on < initiative.starts_on:
        raise FieldRefused(
            "starts_on",
            _(
                "The partnership cannot start before the initiative does (%(date)s)",
                date=initiative.starts_on.isoformat(),
            ),
        )
    if ends_on and initiative.ends_on and ends_on > initiative.ends_on:
        raise FieldRefused(
            "ends_on",
            _(
                "The partnership cannot end after the initiative does (%(date)s)",
                date=initiative.ends_on.isoformat(),
            ),
        )
    found = open_partnership(initiative, stakeholder)
    if found is not None and found is not current:
        if found.status == PartnershipStatus.PROPOSED:
            message = _(
                "“%(name)s” has already asked to join this initiative: confirm or decline "
                "that request in the review queue",
                name=stakeholder.name,
            )
        else:
            message = _("“%(name)s” is already a partner of this initiative", name=stakeholder.name)
        raise FieldRefused("stakeholder_id", message)


def _touch(initiative: Initiative) -> None:
    """The initiative's page shows its partners: a change to them is a change to it (its
    cached copies go; its Last-Modified moves)."""
    initiative.updated_at = utcnow()


def add_partner(
    initiative: Initiative, stakeholder: Stakeholder, data: dict[str, Any], actor: User
) -> Partnership:
    """Staff link a stakeholder to an initiative: an active partnership, audited."""
    _check_partnership(initiative, stakeholder, data)
    partnership = Partnership(
        initiative=initiative,
        stakeholder=stakeholder,
        status=PartnershipStatus.ACTIVE,
        requested_by_id=actor.id,
        **{name: data.get(name) for name in PARTNERSHIP_FIELDS if data.get(name) is not None},
    )
    db.session.add(partnership)
    _touch(initiative)
    db.session.flush()
    audit.record(
        "initiative.partner_added",
        initiative,
        actor=actor,
        after={
            "partnership_id": partnership.id,
            "stakeholder_id": stakeholder.id,
            **_snapshot(partnership, PARTNERSHIP_FIELDS),
        },
    )
    return partnership


def update_partner(partnership: Partnership, data: dict[str, Any], actor: User) -> bool:
    """Change a partnership's role, basis or period in place. False when nothing changed."""
    _check_partnership(partnership.initiative, partnership.stakeholder, data, current=partnership)
    before = _snapshot(partnership, PARTNERSHIP_FIELDS)
    for name in PARTNERSHIP_FIELDS:
        setattr(partnership, name, data.get(name) or getattr(partnership, name))
    partnership.starts_on = data.get("starts_on")
    partnership.ends_on = data.get("ends_on")
    after = _snapshot(partnership, PARTNERSHIP_FIELDS)
    changed = sorted(name for name in after if after[name] != before[name])
    if not changed:
        return False
    _touch(partnership.initiative)
    audit.record(
        "initiative.partner_updated",
        partnership.initiative,
        actor=actor,
        before={"partnership_id": partnership.id, **{n: before[n] for n in changed}},
        after={"partnership_id": partnership.id, **{n: after[n] for n in changed}},
    )
    return True


def end_partner(partnership: Partnership, ends_on: date, actor: User, note: str = "") -> None:
    """End an active partnership on ``ends_on``; the record stays, as ended."""
    if partnership.status != PartnershipStatus.ACTIVE:
        raise Refused(_("Only an active partnership can be ended."), status=409)
    data = {"starts_on": partnership.starts_on, "ends_on": ends_on}
    _check_partnership(partnership.initiative, partnership.stakeholder, data, current=partnership)
    before = {"status": partnership.status.value, "ends_on": _plain(partnership.ends_on)}
    partnership.status = PartnershipStatus.ENDED
    partnership.ends_on = ends_on
    _touch(partnership.initiative)
    audit.record(
        "initiative.partner_ended",
        partnership.initiative,
        actor=actor,
        before={"partnership_id": partnership.id, **before},
        after={
            "partnership_id": partnership.id,
            "status": PartnershipStatus.ENDED.value,
            "ends_on": ends_on.isoformat(),
            **({"comment": note} if note else {}),
        },
    )


def request_to_join(
    initiative: Initiative, stakeholder: Stakeholder, data: dict[str, Any], actor: User
) -> Partnership:
    """A member asks, on behalf of ``stakeholder``, to join: a proposed partnership that waits
    in the review queue; the staff hear of it."""
    _check_partnership(initiative, stakeholder, data)
    partnership = Partnership(
        initiative=initiative,
        stakeholder=stakeholder,
        status=PartnershipStatus.PROPOSED,
        requested_by_id=actor.id,
        message=data.get("message") or "",
        **{name: data.get(name) for name in PARTNERSHIP_FIELDS if data.get(name) is not None},
    )
    db.session.add(partnership)
    db.session.flush()
    audit.record(
        "initiative.partnership_requested",
        initiative,
        actor=actor,
        after={
            "partnership_id": partnership.id,
            "stakeholder_id": stakeholder.id,
            **_snapshot(partnership, PARTNERSHIP_FIELDS),
        },
    )
    notifications.partnership_requested(initiative, stakeholder, actor)
    return partnership


def my_requests(initiative: Initiative, user: User) -> list[Partnership]:
    """The requests to join this initiative waiting for organizations ``user`` acts for."""
    stmt = (
        select(Partnership)
        .join(Membership, Membership.stakeholder_id == Partnership.stakeholder_id)
        .where(
            Membership.user_id == user.id,
            Partnership.initiative_id == initiative.id,
            Partnership.status == PartnershipStatus.PROPOSED,
        )
        .order_by(Partnership.id)
    )
    return list(db.session.scalars(stmt))


def joinable_for(initiative: Initiative, user: User) -> list[Stakeholder]:
    """The approved organizations ``user`` acts for that have no open partnership here."""
    taken = select(Partnership.stakeholder_id).where(
        Partnership.initiative_id == initiative.id,
        Partnership.status.in_([PartnershipStatus.PROPOSED, PartnershipStatus.ACTIVE]),
    )
    stmt = (
        select(Stakeholder)
        .join(Membership, Membership.stakeholder_id == Stakeholder.id)
        .where(
            Membership.user_id == user.id,
            Stakeholder.status == Status.APPROVED,
            Stakeholder.id.not_in(taken),
        )
        .order_by(Stakeholder.name)
    )
    return list(db.session.scalars(stmt))
