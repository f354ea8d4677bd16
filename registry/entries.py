"""Entry types: each kind of entry says here, once, what the shared machinery needs to know.

A reviewable noun (a stakeholder today; initiatives, commitments, progress reports next)
registers an ``EntryType``: its key, model, the stakeholder whose members act for it
(``owner``), how it is titled, where its page is, and the fields its editors change (a
``FieldSpec`` each: scalar, enum, date, many-to-many codes or a child collection). The
workflow, revisions, notifications, the review queue and the audit log ask here instead of
naming a noun. A kind that is only linked to (an account in the audit log) registers with
``reviewed=False``.

Policy side: imports models and the database handle only; endpoints are names it is given.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import current_app, has_request_context, url_for
from sqlalchemy import select

from registry.extensions import db


class FieldKind(enum.StrEnum):
    SCALAR = "scalar"  # a column holding a JSON value as it is (text, number, bool)
    ENUM = "enum"  # a column holding an enum member, kept as its value
    DATE = "date"  # a date column, kept as ISO 8601 text
    CODES = "codes"  # a many-to-many relationship, kept as the sorted codes of its rows
    CHILDREN = "children"  # a one-to-many collection, kept as a list of rows (dicts)


def _text(value: Any) -> str:
    return "" if value in (None, "", []) else str(value)


@dataclass(frozen=True)
class FieldSpec:
    """One editable field: how to read it as plain JSON, compare it, write it back and show it.

    ``CODES``: ``related`` is the model at the other end and ``code`` its key attribute.
    ``CHILDREN``: ``related`` is the child model and ``columns`` the child's own fields; rows
    keep their ``id`` so an approved change updates them in place (other rows may point at
    them) and rows without an id are new.
    """

    name: str
    label: Any
    kind: FieldKind = FieldKind.SCALAR
    enum: type[enum.Enum] | None = None
    default: Any = None  # written when an ENUM value is empty
    related: type | None = None
    code: str = "code"
    columns: tuple[FieldSpec, ...] = ()
    show: Callable[[Any], str] = _text  # a stored (JSON) value as a reader sees it

    def read(self, obj: Any) -> Any:
        value = getattr(obj, self.name)
        if self.kind == FieldKind.ENUM:
            return value.value if value is not None else None
        if self.kind == FieldKind.DATE:
            return value.isoformat() if value is not None else None
        if self.kind == FieldKind.CODES:
            return sorted(getattr(item, self.code) for item in value)
        if self.kind == FieldKind.CHILDREN:
            return [
                {"id": child.id, **{column.name: column.read(child) for column in self.columns}}
                for child in value
            ]
        return value

    def normal(self, value: Any) -> Any:
        """A value in the form two values are compared in: "" and None are the same absence."""
        if self.kind == FieldKind.CODES:
            return sorted(set(value or []))
        if self.kind == FieldKind.CHILDREN:
            return [
                {
                    "id": row.get("id"),
                    **{column.name: column.normal(row.get(column.name)) for column in self.columns},
                }
                for row in value or []
            ]
        return value or None

    def write(self, obj: Any, value: Any) -> None:
        if self.kind == FieldKind.ENUM:
            assert self.enum is not None
            setattr(obj, self.name, self.enum(value) if value else self.default)
        elif self.kind == FieldKind.DATE:
            setattr(obj, self.name, date.fromisoformat(value) if value else None)
        elif self.kind == FieldKind.CODES:
            assert self.related is not None
            codes = sorted(set(value or []))
            key = getattr(self.related, self.code)
            rows = list(db.session.scalars(select(self.related).where(key.in_(codes))))
            setattr(obj, self.name, rows)
        elif self.kind == FieldKind.CHILDREN:
            self._write_children(obj, value or [])
        else:
            setattr(obj, self.name, value)

    def _write_children(self, obj: Any, rows: list[dict[str, Any]]) -> None:
        assert self.related is not None
        existing = {child.id: child for child in getattr(obj, self.name)}
        kept = []
        for row in rows:
            child = existing.get(row.get("id")) if row.get("id") is not None else None
            if child is None:
                child = self.related()
            for column in self.columns:
                column.write(child, row.get(column.name))
            kept.append(child)
        setattr(obj, self.name, kept)  # rows left out are removed (delete-orphan)

    def display(self, value: Any) -> str:
        if self.kind == FieldKind.CHILDREN:
            return "; ".join(self.display_row(row) for row in value or [])
        return self.show(value)

    def display_row(self, row: dict[str, Any]) -> str:
        """One child row as a line: its values, labelled after the first."""
        parts = []
        for index, column in enumerate(self.columns):
            text = column.display(row.get(column.name))
            if text:
                parts.append(text if index == 0 else f"{column.label}: {text}")
        return ", ".join(parts)


@dataclass(frozen=True)
class EntryType:
    """What the shared machinery needs to know about one kind of entry."""

    key: str  # as stored in Review, AuditEvent and Revision rows: the model's table name
    model: type
    label: Any  # "Organization"
    endpoint: str  # its page
    id_arg: str  # the page's URL argument holding the id
    plural: str = ""  # its URL segment where one is needed ("stakeholders"); key + "s" if unset
    queue_label: Any = None  # how the review queue names a submitted one ("New organization")
    summary: Callable[[Any], str] = lambda obj: ""  # one line about it, for the queue
    load_options: Callable[[], tuple] = lambda: ()  # loader options for what summary reads
    owner: Callable[[Any], Any] = lambda obj: None  # the stakeholder whose members act for it
    title: Callable[[Any], str] = lambda obj: getattr(obj, "name", None) or obj.title
    aside: Callable[[Any], str] = lambda obj: ""  # shown after the title in lists (an acronym)
    fields: tuple[FieldSpec, ...] = ()
    reviewed: bool = True
    # The domain's own checks on changed values, before an edit is saved or proposed and
    # before an approved change is applied (raise a refusal to stop it).
    check_change: Callable[[Any, dict[str, Any]], None] = lambda obj, data: None
    # What the domain derives from the fields, redone after a change is applied (a
    # commitment's progress and next due date).
    after_change: Callable[[Any], None] = lambda obj: None
    permissions: dict[str, str] = field(default_factory=dict)  # action -> its own rule

    def __post_init__(self) -> None:
        if not self.plural:
            object.__setattr__(self, "plural", f"{self.key}s")
        if self.queue_label is None:
            object.__setattr__(self, "queue_label", self.label)

    def spec(self, name: str) -> FieldSpec:
        return next(spec for spec in self.fields if spec.name == name)

    def permission(self, action: str) -> str:
        """The rule that governs ``action`` on this kind: its own if it has one, else the
        shared ``entry.<action>``."""
        return self.permissions.get(action, f"entry.{action}")

    def path(self, entry_id: int) -> str:
        return url_for(self.endpoint, **{self.id_arg: entry_id})


_TYPES: dict[str, EntryType] = {}
_BY_MODEL: dict[type, EntryType] = {}


def register(entry_type: EntryType) -> EntryType:
    """Make ``entry_type`` known; registering the same key again replaces it."""
    old = _TYPES.get(entry_type.key)
    if old is not None:
        _BY_MODEL.pop(old.model, None)
    _TYPES[entry_type.key] = entry_type
    _BY_MODEL[entry_type.model] = entry_type
    return entry_type


def unregister(key: str) -> None:
    old = _TYPES.pop(key, None)
    if old is not None:
        _BY_MODEL.pop(old.model, None)


def get(key: str) -> EntryType | None:
    return _TYPES.get(key)


def of(obj: Any) -> EntryType:
    """The entry type of ``obj`` (a KeyError names a model nobody registered)."""
    for cls in type(obj).__mro__:
        if cls in _BY_MODEL:
            return _BY_MODEL[cls]
    raise KeyError(f"{type(obj).__name__} is not a registered entry type")


def key_of(obj: Any) -> str:
    return of(obj).key


def reviewed() -> Iterator[EntryType]:
    return (t for t in _TYPES.values() if t.reviewed)


def title(obj: Any) -> str:
    return of(obj).title(obj)


def owner(obj: Any) -> Any:
    return of(obj).owner(obj)


def page_path(key: str, entry_id: int) -> str | None:
    """The site path of entry ``entry_id`` of kind ``key``; None for a kind without a page."""
    entry_type = _TYPES.get(key)
    if entry_type is None:
        return None
    return entry_type.path(entry_id)


def public_url(obj: Any) -> str:
    """The entry's address on the public site (PUBLIC_URL), whatever Host a request named."""
    entry_type = of(obj)
    if has_request_context():
        path = entry_type.path(obj.id)
    else:
        with current_app.test_request_context():
            path = entry_type.path(obj.id)
    return current_app.config["PUBLIC_URL"] + path
