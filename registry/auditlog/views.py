"""The audit log: every recorded change, newest first, filtered by who, what and when."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from flask import current_app, request
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import joinedload

from registry import entries, lists
from registry.auditlog import bp, describe
from registry.extensions import db
from registry.htmx import render
from registry.ids import MAX_ID
from registry.lists import DESC, Listing, Sort
from registry.models import AuditEvent, User
from registry.pagination import numbered_pages, requested_page
from registry.permissions import requires
from registry.text import clean, escape_like

MAX_TEXT = 200

# The log as a list of the list machinery: newest first by keyset; its count is capped (the
# log only grows), never maintained.
LISTING = Listing(
    key="audit",
    model=AuditEvent,
    public=lambda: [],
    is_public=lambda event: True,
    facets=(),
    sorts={"newest": Sort("newest", (AuditEvent.created_at, AuditEvent.id), first=DESC)},
    default_sort="newest",
    counted=False,
)


def _text(args: Mapping[str, str], name: str) -> str:
    return clean(args.get(name), MAX_TEXT)


@dataclass
class AuditFilters:
    """What the administrator asked for; a value that cannot be used is dropped with a
    message saying why, never a 500."""

    actor: str = ""
    entry_type: str = ""
    entry_id: str = ""
    action: str = ""
    date_from: str = ""
    date_to: str = ""
    problems: list[str] = field(default_factory=list)

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> AuditFilters:
        return cls(**{name: _text(args, name) for name in cls.fields()})

    @staticmethod
    def fields() -> tuple[str, ...]:
        return ("actor", "entry_type", "entry_id", "action", "date_from", "date_to")

    def args(self) -> dict[str, str]:
        """Query arguments for a link to this list (pagination); empty ones left out."""
        return {name: getattr(self, name) for name in self.fields() if getattr(self, name)}

    def _date(self, name: str, label: str) -> date | None:
        value = getattr(self, name)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.problems.append(
                _(
                    "“%(value)s” is not a date (%(label)s): write it as YYYY-MM-DD, "
                    "for example 2026-03-31. That filter is not applied.",
                    value=value,
                    label=label,
                )
            )
            return None

    def request(self) -> lists.Request:
        """The matching events for the list machinery: newest first, by keyset."""
        where: dict[str, ColumnElement[bool]] = {}
        if self.actor:
            # The accounts whose address matches, as a subquery: no join, so the page keeps
            # the index on (actor_id, created_at, id) and events without an actor stay out.
            pattern = f"%{escape_like(self.actor.lower())}%"
            where["actor"] = AuditEvent.actor_id.in_(
                select(User.id).where(User.email.like(pattern, escape="\\"))
            )
        if self.entry_type:
            where["entry_type"] = AuditEvent.entry_type == self.entry_type
        if self.entry_id:
            if self.entry_id.isdecimal() and int(self.entry_id) <= MAX_ID:
                where["entry_id"] = AuditEvent.entry_id == int(self.entry_id)
            else:
                self.problems.append(
                    _(
                        "“%(value)s” is not an entry number: use digits only. "
                        "That filter is not applied.",
                        value=self.entry_id,
                    )
                )
        if self.action:
            where["action"] = AuditEvent.action == self.action
        start = self._date("date_from", _("from"))
        end = self._date("date_to", _("to"))
        if start:
            where["date_from"] = AuditEvent.created_at >= datetime.combine(
                start, datetime.min.time(), UTC
            )
        if end and end < date.max:  # the last day there is has no end to compare with
            # "To" includes the whole of that day.
            where["date_to"] = AuditEvent.created_at < datetime.combine(
                end + timedelta(days=1), datetime.min.time(), UTC
            )
        if start and end and start > end:
            self.problems.append(_("The “from” date is after the “to” date: nothing can match."))
        return lists.Request(LISTING, where, {}, "newest", DESC)


def entry_types() -> list[tuple[str, str]]:
    """The kinds of entry the log holds events about, as (value, label), by label."""
    keys = db.session.scalars(select(AuditEvent.entry_type).distinct())
    return sorted(((key, describe.kind_label(key)) for key in keys), key=lambda pair: pair[1])


def actions() -> list[tuple[str, str]]:
    """The actions the log holds, as (value, label), by label; a label two kinds share says
    which kind it is about."""
    names = list(db.session.scalars(select(AuditEvent.action).distinct()))
    labels = [describe.action_label(name) for name in names]
    choices = []
    for name, label in zip(names, labels, strict=True):
        if labels.count(label) > 1:
            label = _(
                "%(action)s (%(kind)s)",
                action=label,
                kind=describe.kind_label(name.partition(".")[0]),
            )
        choices.append((name, label))
    return sorted(choices, key=lambda pair: (pair[1], pair[0]))


def entry_url(event: AuditEvent) -> str | None:
    """The page of the entry an event is about, where its kind has one."""
    if event.entry_id is None:
        return None
    return entries.page_path(event.entry_type, event.entry_id)


@bp.route("/")
@requires("audit.view")
def index():
    """Every recorded change, newest first, filtered and paged by keyset."""
    filters = AuditFilters.from_args(request.args)
    listed = filters.request()
    per_page = current_app.config["PER_PAGE"]
    page, status, notice = requested_page(
        lambda cursor, number: lists.page(
            listed,
            cursor=cursor,
            number=number,
            per_page=per_page,
            options=[joinedload(AuditEvent.actor)],
        )
    )
    total, _facets = lists.counts(listed)
    return render(
        "auditlog/index.html",
        block="results",
        status=status,
        notice=notice,
        filters=filters,
        page=page,
        total=total,
        numbered=numbered_pages(page, total),
        # Names for the ids on this page, loaded once for all its rows.
        names=describe.Names(page.items),
        describe=describe.describe,
        action_label=describe.action_label,
        kind_label=describe.kind_label,
        entry_url=entry_url,
        # Called by the template only when the whole page (with the form) is rendered.
        entry_types=entry_types,
        actions=actions,
    )
