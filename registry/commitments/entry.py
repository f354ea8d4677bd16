"""Commitments as an entry type of the one review machinery: a community member's pledge is
submitted and an administrator decides; staff publish theirs directly (the ``publish`` move,
which only staff may make). Deliverables and resources are child collections and alignment a
many-to-many field, so a member's change to an approved pledge waits as one revision whose
diff shows each deliverable added, removed or changed."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from registry import entries, workflow
from registry.entries import EntryType, FieldKind, FieldSpec
from registry.extensions import db
from registry.frameworks import picker
from registry.models import (
    RESOURCE_KIND_LABELS,
    Commitment,
    Deliverable,
    Engagement,
    Initiative,
    Resource,
    ResourceKind,
    Status,
)
from registry.models._base import utcnow


def _number(value: Any) -> str:
    if value in (None, ""):
        return ""
    number = float(value)
    return f"{number:,.0f}" if number.is_integer() else f"{number:,.2f}".rstrip("0")


def _title_of(model: type, value: Any) -> str:
    if value in (None, ""):
        return ""
    row = db.session.get(model, int(value))
    return row.title if row is not None else f"#{value}"


def _kind(value: Any) -> str:
    return str(RESOURCE_KIND_LABELS[ResourceKind(value)]) if value else ""


DELIVERABLE_COLUMNS = (
    FieldSpec("title", _l("Deliverable")),
    FieldSpec("indicator", _l("Indicator")),
    FieldSpec("baseline", _l("Baseline"), show=_number),
    FieldSpec("target", _l("Target"), show=_number),
    FieldSpec("unit", _l("Unit")),
    FieldSpec("due_on", _l("Due"), FieldKind.DATE),
)
RESOURCE_COLUMNS = (
    FieldSpec("kind", _l("Resource"), FieldKind.ENUM, enum=ResourceKind, show=_kind),
    FieldSpec("amount", _l("Amount"), show=_number),
    FieldSpec("currency", _l("Currency")),
    FieldSpec("description", _l("Description")),
)

# The fields a commitment's editors change, in the order a diff lists them.
FIELDS = (
    FieldSpec("title", _l("Title")),
    FieldSpec("description", _l("Description")),
    FieldSpec("initiative_id", _l("Initiative"), show=partial(_title_of, Initiative)),
    FieldSpec("engagement_id", _l("Announced at"), show=partial(_title_of, Engagement)),
    FieldSpec("starts_on", _l("Starts"), FieldKind.DATE),
    FieldSpec("ends_on", _l("Ends"), FieldKind.DATE),
    FieldSpec(
        "deliverables",
        _l("Deliverables"),
        FieldKind.CHILDREN,
        related=Deliverable,
        columns=DELIVERABLE_COLUMNS,
    ),
    FieldSpec(
        "resources", _l("Resources"), FieldKind.CHILDREN, related=Resource, columns=RESOURCE_COLUMNS
    ),
    picker.field_spec(),
)


def _check_change(commitment: Commitment, data: dict[str, Any]) -> None:
    from registry.commitments.services import check_values  # services imports us

    check_values(commitment.stakeholder, data, commitment)


def _after_change(commitment: Commitment) -> None:
    from registry.commitments.progress import refresh

    refresh(commitment)


COMMITMENT = entries.register(
    EntryType(
        key="commitment",
        model=Commitment,
        label=_l("Commitment"),
        endpoint="commitments.detail",
        id_arg="commitment_id",
        plural="commitments",
        queue_label=_l("New commitment"),
        summary=lambda commitment: commitment.stakeholder.name,
        load_options=lambda: (joinedload(Commitment.stakeholder),),
        owner=lambda commitment: commitment.stakeholder,
        title=lambda commitment: commitment.title,
        fields=FIELDS,
        check_change=_check_change,
        after_change=_after_change,
        permissions={"publish": "commitment.publish"},
    )
)


class CommitmentMachine(workflow.Machine):
    """The entry's rule table, and ``publish``: staff put their own pledge (or one they
    write for an organization) on the public registry without waiting for review."""

    rules: Mapping[str, workflow.Rule] = {
        **workflow.RULES,
        "publish": workflow.Rule(
            frozenset({Status.DRAFT, Status.CHANGES_REQUESTED, Status.SUBMITTED}),
            Status.APPROVED,
            "publish",
        ),
    }
    labels: Mapping[str, Any] = {**workflow.ACTION_LABELS, "publish": _l("Publish")}

    def set_state(self, subject: Commitment, rule: workflow.Rule, target: Any) -> None:
        subject.status = target
        if rule.target == Status.APPROVED:
            subject.approved_at = utcnow()
        _after_change(subject)  # the light's clock starts when it is published


workflow.register_machine(Commitment, CommitmentMachine())
