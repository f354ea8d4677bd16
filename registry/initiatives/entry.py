"""Initiatives as an entry type, and a request to join one as a request type of the review
queue: a member asks on behalf of its organization (a *proposed* partnership); staff confirm
it (it becomes active) or decline it with a reason. Moves go through ``workflow.transition``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from registry import entries, notifications, workflow
from registry.entries import EntryType
from registry.extensions import db
from registry.frameworks import picker
from registry.models import (
    INITIATIVE_KIND_LABELS,
    PARTNERSHIP_ROLE_LABELS,
    Initiative,
    Partnership,
    PartnershipStatus,
    User,
)
from registry.models._base import utcnow
from registry.permissions import can
from registry.review import queue
from registry.review.queue import Choice, QueueItem, QueueSource

INITIATIVE = entries.register(
    EntryType(
        key="initiative",
        model=Initiative,
        label=_l("Initiative"),
        endpoint="initiatives.detail",
        id_arg="initiative_id",
        plural="initiatives",
        summary=lambda initiative: str(INITIATIVE_KIND_LABELS[initiative.kind]),
        title=lambda initiative: initiative.title,
        # What the audit trail names in words (its other fields read as they are stored).
        fields=(picker.field_spec(),),
        # Made by staff and public at once: never waits in the queue itself.
        reviewed=False,
        # Requests to join are decided by staff, not only administrators.
        permissions={"decide": "partnership.decide"},
    )
)


class PartnershipMachine(workflow.Machine):
    """A request to join is confirmed (the partnership is active) or declined with a reason.
    Its trail is the initiative's; it writes no Review row (the initiative did not move)."""

    rules: Mapping[str, workflow.Rule] = {
        "confirm": workflow.Rule(
            frozenset({PartnershipStatus.PROPOSED}), PartnershipStatus.ACTIVE, "decide"
        ),
        "decline": workflow.Rule(
            frozenset({PartnershipStatus.PROPOSED}), PartnershipStatus.DECLINED, "decide", True
        ),
        # The members of the organization that asked take it back (they may ask again).
        "withdraw": workflow.Rule(
            frozenset({PartnershipStatus.PROPOSED}),
            PartnershipStatus.WITHDRAWN,
            "withdraw_request",
            offered=False,
        ),
    }
    labels: Mapping[str, Any] = {
        "confirm": _l("confirm a request to join"),
        "decline": _l("decline a request to join"),
        "withdraw": _l("withdraw a request to join"),
    }

    def entry(self, subject: Partnership) -> Any:
        return subject.initiative

    def state(self, subject: Partnership) -> PartnershipStatus:
        return PartnershipStatus(subject.status)

    def refusal(self, subject: Partnership, source: Any, action: str) -> str:
        return _("This request has already been decided.")

    def effects(self, subject: Partnership, action: str, target: Any, actor, comment):
        after = {
            "partnership": target.value,
            "partnership_id": subject.id,
            "stakeholder_id": subject.stakeholder_id,
            **({"comment": comment} if comment else {}),
        }
        return {"partnership": PartnershipStatus.PROPOSED.value}, after

    def permitted(self, user: Any, rule: workflow.Rule, subject: Partnership) -> bool:
        """Staff decide; taking a request back is for the asking organization's members."""
        if rule.permission == "withdraw_request":
            return can(user, "partnership.request", subject.stakeholder)
        return super().permitted(user, rule, subject)

    def set_state(self, subject: Partnership, rule: workflow.Rule, target: Any) -> None:
        subject.status = target
        # The initiative's page shows its partners: its cached copies must go.
        subject.initiative.updated_at = utcnow()

    def review_states(self, source: Any, target: Any) -> None:
        return None

    def audit_action(self, subject: Partnership, action: str, target: Any) -> str:
        verbs = {PartnershipStatus.ACTIVE: "confirmed", PartnershipStatus.WITHDRAWN: "withdrawn"}
        return f"initiative.partnership_{verbs.get(target, 'declined')}"

    def notify(self, subject: Partnership, action: str, actor: User, comment: str) -> None:
        if action == "withdraw":
            return  # the member did it: nobody else waits for word of it
        notifications.partnership_decided(
            subject.initiative,
            subject.stakeholder,
            subject.requested_by,
            action == "confirm",
            comment,
        )


PARTNERSHIP = workflow.register_machine(Partnership, PartnershipMachine())


def _load(ids: list[int]) -> list[QueueItem]:
    stmt = (
        select(Partnership)
        .options(
            joinedload(Partnership.initiative),
            joinedload(Partnership.stakeholder),
            joinedload(Partnership.requested_by),
        )
        .where(Partnership.id.in_(ids))
    )
    return [
        QueueItem(REQUESTS, p, p.initiative, p.requested_by, p.created_at)
        for p in db.session.scalars(stmt)
    ]


def _details(item: QueueItem) -> list[str]:
    partnership = item.subject
    return [
        _(
            "“%(stakeholder)s” asks to join as %(role)s.",
            stakeholder=partnership.stakeholder.name,
            role=str(PARTNERSHIP_ROLE_LABELS[partnership.role]).lower(),
        )
    ]


def _state(item: QueueItem) -> str:
    if item.subject.status == PartnershipStatus.DECLINED:
        return _("it was declined")
    if item.subject.status == PartnershipStatus.WITHDRAWN:
        return _("the organization withdrew it")
    return _("it has been confirmed")


def _outcome(item: QueueItem, choice: Choice) -> str:
    if choice.value == "confirm":
        return _(
            "Confirmed by you: “%(stakeholder)s” is now a partner.",
            stakeholder=item.subject.stakeholder.name,
        )
    return _("Declined by you.")


REQUESTS = queue.register(
    QueueSource(
        key="partnership",
        slug="partnerships",
        label=_l("Request to join an initiative"),
        asked=_l("Asked by"),
        hint=_l("Required to decline."),
        choices=(Choice("confirm", _l("Confirm")), Choice("decline", _l("Decline"), "danger")),
        model=Partnership,
        pending=lambda: [Partnership.status == PartnershipStatus.PROPOSED],
        since=lambda: Partnership.created_at,
        load=_load,
        is_pending=lambda partnership: partnership.status == PartnershipStatus.PROPOSED,
        details=_details,
        quote=lambda item: item.subject.message or "",
        state=_state,
        outcome=_outcome,
        order=40,
        permission="partnership.decide",
    )
)
