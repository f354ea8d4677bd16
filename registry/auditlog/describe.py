"""The audit log in people's words: one label per recorded action, and an event's before and
after as lines a person would write ("Role changed from Community to Partnership officer"),
with names where the trail holds codes and ids.

``record()`` stores what the code knows (``user.role_changed``, ``{"role": "officer"}``); this
module is the one place that says what those mean to a reader. An action or field it does not
know yet is still shown in words (its name humanized), never as the raw key.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from registry import entries
from registry.extensions import db
from registry.models import IMPLEMENTATION_STATE_LABELS, ROLE_LABELS, AuditEvent, ClaimStatus
from registry.models.engagements import OUTCOME_LABELS as OUTCOME_KINDS
from registry.models.engagements import ROLE_LABELS as ENGAGEMENT_ROLES
from registry.references import REFERENCES
from registry.workflow import STATUS_LABELS

MAX_VALUE = 120  # characters of a value shown in a line; the rest is cut with "…"

# Actions that are about one kind of thing, by their full name.
ACTIONS: dict[str, Any] = {
    "user.registered": _l("Account created"),
    "user.email_verified": _l("Email address confirmed"),
    "user.logged_in": _l("Logged in"),
    "user.logged_out": _l("Logged out"),
    "user.logged_out_elsewhere": _l("Logged out on other devices"),
    "user.password_reset_requested": _l("Asked for a new password"),
    "user.password_reset": _l("Password reset"),
    "user.password_changed": _l("Password changed"),
    "user.role_changed": _l("Role changed"),
    "user.activated": _l("Account restored"),
    "user.deactivated": _l("Account deactivated"),
    "user.membership_added": _l("Made a member of an organization"),
    "user.membership_removed": _l("Removed from an organization"),
    # Contact persons: recorded on their organization, naming only the contact's number.
    "contact.created": _l("Contact added"),
    "contact.updated": _l("Contact changed"),
    "contact.deleted": _l("Contact removed"),
    # Engagements: their participants and outcomes, recorded on the engagement.
    "engagement.participant_added": _l("Participant added"),
    "engagement.participant_removed": _l("Participant removed"),
    "engagement.outcome_added": _l("Outcome added"),
    "engagement.outcome_updated": _l("Outcome changed"),
    "engagement.outcome_removed": _l("Outcome removed"),
    # Progress reports: recorded on their commitment, naming the report's number.
    "commitment.report_added": _l("Progress reported"),
    "commitment.report_hidden": _l("Progress report hidden"),
    "commitment.report_verified": _l("Progress report verified"),
    # Global agreements: a resolution's paragraphs (``framework.created``/``updated`` and
    # ``framework_item.created``/``updated`` read as any entry's), and implementation statuses.
    "framework_item.archived": _l("Archived: no longer offered"),
    "framework_item.restored": _l("Back in use"),
    "implementation_status.hidden": _l("Implementation line hidden"),
    # Bulk import: one event for the file; each entry it wrote records its own "created".
    "import_batch.confirmed": _l("Import confirmed"),
    # Personal API tokens: recorded on the token (its name, scope and prefix; never the secret).
    "api_token.created": _l("API token made"),
    "api_token.revoked": _l("API token revoked"),
}

# Actions any reviewed kind of entry records as "<kind>.<verb>" (the workflow's moves, edits,
# proposed changes, requests to join): the entry column says which kind it was.
ENTRY_ACTIONS: dict[str, Any] = {
    "created": _l("Registered"),
    "updated": _l("Edited"),
    "submit": _l("Submitted for review"),
    "approve": _l("Approved"),
    "publish": _l("Published"),
    "reject": _l("Rejected"),
    "request_changes": _l("Changes requested"),
    "withdraw": _l("Withdrawn"),
    "archive": _l("Archived"),
    "restore": _l("Restored from the archive"),
    "discarded": _l("Draft discarded"),
    "merged": _l("Merged"),
    "merge_undone": _l("Merge undone"),
    "revision_proposed": _l("Change proposed"),
    "revision_approved": _l("Change approved"),
    "revision_rejected": _l("Change rejected"),
    "revision_superseded": _l("Change superseded"),
    "claim_requested": _l("Asked to join"),
    "claim_approved": _l("Request to join approved"),
    "claim_declined": _l("Request to join declined"),
    "claim_withdrawn": _l("Request to join withdrawn"),
    # Partnerships, recorded on their initiative.
    "partner_added": _l("Partner added"),
    "partner_updated": _l("Partnership changed"),
    "partner_ended": _l("Partnership ended"),
    "partnership_requested": _l("Asked to join as a partner"),
    "partnership_confirmed": _l("Request to join confirmed"),
    "partnership_declined": _l("Request to join declined"),
    "partnership_withdrawn": _l("Request to join withdrawn"),
    # The initiatives an engagement served, recorded on the engagement.
    "initiative_linked": _l("Initiative listed as served"),
    "initiative_unlinked": _l("Initiative no longer listed as served"),
}

CLAIM_LABELS = {
    ClaimStatus.PENDING: _l("Waiting for an answer"),
    ClaimStatus.APPROVED: _l("Approved"),
    ClaimStatus.DECLINED: _l("Declined"),
    ClaimStatus.WITHDRAWN: _l("Withdrawn"),
}

# A contact's fields, as ``contact.updated`` lists the changed ones (their form's labels).
CONTACT_FIELDS = {
    "name": _l("Full name"),
    "position": _l("Position"),
    "email": _l("Email address"),
    "phone": _l("Phone number"),
}

_REFERENCE_LABELS = {ref.key: ref.label for ref in REFERENCES}


def humanize(name: str) -> str:
    """A key a reader has not been given a label for, as words: "logins_ended" → "Logins
    ended"."""
    words = name.rsplit(".", 1)[-1].removesuffix("_id").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def is_labelled(action: str) -> bool:
    """Whether ``action`` has a label of its own (not only a humanized name)."""
    return action in ACTIONS or action.partition(".")[2] in ENTRY_ACTIONS


def action_label(action: str) -> str:
    """What happened, as a person would say it: "Approved", "Logged in"."""
    if action in ACTIONS:
        return str(ACTIONS[action])
    verb = action.partition(".")[2]
    if verb in ENTRY_ACTIONS:
        return str(ENTRY_ACTIONS[verb])
    return humanize(action)


def kind_label(key: str) -> str:
    """An entry kind as a reader names it: "Organization", "Account"."""
    entry_type = entries.get(key)
    return str(entry_type.label) if entry_type is not None else humanize(key)


def cut(text: str) -> str:
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1].rstrip() + "…"


def show(value: Any) -> str:
    """A recorded value with no better reading: yes/no, lists joined, "" for nothing."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return ", ".join(text for text in (show(item) for item in value) if text)
    if isinstance(value, dict):
        return "; ".join(f"{humanize(str(key))}: {show(item)}" for key, item in value.items())
    return str(value)


class Names:
    """The titles of the entries a page of events names (its entries, and the people and
    entries their values point to): one query per kind, however many rows."""

    def __init__(self, events: Iterable[AuditEvent]) -> None:
        wanted: dict[str, set[int]] = defaultdict(set)
        for event in events:
            if event.entry_id is not None:
                wanted[event.entry_type].add(event.entry_id)
            for values in (event.before or {}, event.after or {}):
                for name, value in values.items():
                    field = FIELDS.get(name)
                    if field is not None and field.points_to and _is_id(value):
                        wanted[field.kind(event)].add(value)
        self._titles: dict[tuple[str, int], str] = {}
        for key, ids in wanted.items():
            entry_type = entries.get(key)
            if entry_type is None:
                continue
            model = entry_type.model
            for row in db.session.scalars(select(model).where(model.id.in_(ids))):
                self._titles[(key, row.id)] = entry_type.title(row)

    def title(self, key: str, entry_id: int | None) -> str | None:
        return self._titles.get((key, entry_id)) if entry_id is not None else None

    def entry(self, key: str, entry_id: Any) -> str:
        """An entry by its title, or its number where it has none (any more)."""
        if not _is_id(entry_id):
            return show(entry_id)
        return self.title(key, entry_id) or _("#%(id)d", id=entry_id)


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class Field:
    """How a before/after key that is not one of the entry's own fields reads."""

    label: Any
    read: Callable[[Any], Any] | None = None  # the value in words; None: ``show``
    points_to: str = ""  # an id of this kind of entry ("entry": the event's own kind)
    hidden: bool = False  # an internal record number: kept in the technical details only
    shadowed_by: str = ""  # left out when this other key says the same thing in words
    not_the_actor: bool = False  # left out when it names the one who did it

    def kind(self, event: AuditEvent) -> str:
        return event.entry_type if self.points_to == "entry" else self.points_to


def _labelled(labels: Mapping[Any, Any]) -> Callable[[Any], str]:
    return lambda value: str(labels.get(value, value))


def _fields(value: Any) -> str:
    return ", ".join(str(CONTACT_FIELDS.get(name, humanize(name))) for name in value or [])


def _moved(value: Any) -> str:
    """A merge's rows moved per reference ("Contact persons: 2")."""
    parts = []
    for key, count in (value or {}).items():
        ref, _space, removed = key.partition(" ")
        label = str(_REFERENCE_LABELS.get(ref, humanize(ref)))
        if removed:
            label = _("%(what)s, duplicates removed", what=label)
        parts.append(f"{label}: {count}")
    return "; ".join(parts)


FIELDS: dict[str, Field] = {
    "status": Field(_l("Status"), _labelled(STATUS_LABELS)),
    "comment": Field(_l("Comment")),
    "role": Field(_l("Role"), _labelled(ROLE_LABELS)),
    "active": Field(_l("Account active")),
    "email": Field(_l("Email address")),
    "name": Field(_l("Name")),
    "logins_ended": Field(_l("Other logins ended")),
    "stakeholder": Field(_l("Organization")),
    "stakeholder_id": Field(_l("Organization"), points_to="stakeholder", shadowed_by="stakeholder"),
    "user_id": Field(_l("Person"), points_to="user", not_the_actor=True),
    "claim": Field(_l("Request to join"), _labelled(CLAIM_LABELS)),
    "claim_id": Field(_l("Request number"), hidden=True),
    "membership_created": Field(_l("Became a member")),
    "contact_id": Field(_l("Contact person"), lambda value: _("#%(id)d", id=value)),
    "fields": Field(_l("Fields changed"), _fields),
    "merged_from_id": Field(_l("Merged from"), points_to="entry"),
    "merged_into_id": Field(_l("Merged into"), points_to="entry"),
    "merge_id": Field(_l("Merge number"), hidden=True),
    "moved": Field(_l("Moved here"), _moved),
    "moved_back": Field(_l("Moved back"), _moved),
    # An engagement's participants and outcomes.
    "participant_role": Field(_l("Role at the engagement"), _labelled(ENGAGEMENT_ROLES)),
    "outcome_id": Field(_l("Outcome number"), hidden=True),
    "outcome_kind": Field(_l("Kind of outcome"), _labelled(OUTCOME_KINDS)),
    "text": Field(_l("Text")),
    # Resolutions, their paragraphs and implementation statuses.
    "code": Field(_l("Code")),
    "year": Field(_l("Year")),
    "title": Field(_l("Title")),
    "description": Field(_l("Description")),
    "parent": Field(_l("Part of")),
    "archived_at": Field(_l("Archived on")),
    "period": Field(_l("Period")),
    "paragraphs": Field(_l("Paragraphs")),
    "recorded_on": Field(_l("Recorded on")),
    "state": Field(_l("Where it stands"), _labelled(IMPLEMENTATION_STATE_LABELS)),
    "position": Field(_l("Position")),
    "reason": Field(_l("Reason")),
}


@dataclass(frozen=True)
class Line:
    """One field of an event: its label and its values in words ("" for empty, None for a
    side the event did not record)."""

    label: str
    before: str | None
    after: str | None

    @property
    def kind(self) -> str:
        """Which sentence says it: changed (from … to …), set, cleared, now (after only) or
        was (before only)."""
        if self.before is None:
            return "now"
        if self.after is None:
            return "was"
        if self.before == self.after:
            return "now"
        if not self.before:
            return "set"
        if not self.after:
            return "cleared"
        return "changed"


def _reader(event: AuditEvent, name: str, names: Names) -> tuple[str, Callable[[Any], str]]:
    entry_type = entries.get(event.entry_type)
    spec = next((s for s in entry_type.fields if s.name == name), None) if entry_type else None
    if spec is not None:
        return str(spec.label), spec.display
    field = FIELDS.get(name)
    if field is None:
        return humanize(name), show
    if field.points_to:
        kind = field.kind(event)
        return str(field.label), lambda value: names.entry(kind, value)
    read = field.read
    return str(field.label), (lambda value: show(read(value))) if read else show


def _left_out(event: AuditEvent, name: str, values: Mapping[str, Any]) -> bool:
    field = FIELDS.get(name)
    if field is None:
        return False
    if field.hidden or (field.shadowed_by and field.shadowed_by in values):
        return True
    return field.not_the_actor and values.get(name) == event.actor_id


def describe(event: AuditEvent, names: Names) -> list[Line]:
    """The event's before and after, one line per field, in the order they were written;
    internal numbers and fields a new entry left empty are left out."""
    before, after = event.before or {}, event.after or {}
    lines = []
    for name in list(before) + [name for name in after if name not in before]:
        if _left_out(event, name, before if name in before else after):
            continue
        label, read = _reader(event, name, names)
        line = Line(
            label,
            cut(read(before[name])) if name in before else None,
            cut(read(after[name])) if name in after else None,
        )
        if line.kind == "now" and not line.after:
            continue  # an empty field of a new entry says nothing
        lines.append(line)
    return lines
