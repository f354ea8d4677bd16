"""The review queue: what waits for an administrator, from every registered source.

A source is one kind of thing that waits: the submitted entries of each reviewed entry type
(made here from ``registry.entries``), pending revisions of any entry, and each request type
that registers itself (a membership claim, a request to join an initiative). A source says
which rows wait and since when, how to load them and which decisions it offers; a decision
is a move of ``workflow.transition`` by the subject's own rule table. The queue pages over
the union of the sources in SQL; each source loads its page rows in a constant number of
queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, String, cast, func, literal, select, union_all
from sqlalchemy.orm import joinedload

from registry import entries, revisions, workflow
from registry.entries import EntryType
from registry.extensions import db
from registry.models import Review, Revision, RevisionStatus, Status, User
from registry.permissions import can


@dataclass(frozen=True)
class Choice:
    """A decision a source offers: the button's value, its label, and how loud it is."""

    value: str
    label: Any
    style: str = ""  # "", "secondary" or "danger"
    outcome: Any = ""  # what the row says once made


@dataclass
class QueueItem:
    """One thing waiting (or just decided): what it is, about which entry, who, since."""

    source: QueueSource
    subject: Any  # the entry itself, a revision or a request
    entry: Any  # the entry it is about
    who: User | None
    since: datetime

    @property
    def key(self) -> str:
        return f"{self.source.key}-{self.subject.id}"

    @property
    def label(self) -> str:
        return str(self.source.label)

    @property
    def title(self) -> str:
        return entries.title(self.entry)

    @property
    def aside(self) -> str:
        return entries.of(self.entry).aside(self.entry)

    @property
    def url(self) -> str:
        return entries.of(self.entry).path(self.entry.id)

    @property
    def pending(self) -> bool:
        return self.source.is_pending(self.subject)

    @property
    def details(self) -> list[str]:
        return self.source.details(self)

    @property
    def quote(self) -> str:
        return self.source.quote(self)

    @property
    def link(self) -> tuple[str, str] | None:
        return self.source.link(self)

    @property
    def state(self) -> str:
        """Once no longer pending: what became of it."""
        return self.source.state(self)


@dataclass(frozen=True)
class QueueSource:
    key: str  # names its items: "<key>-<id>"
    slug: str  # its decisions' URL segment: /review/<slug>/<id>
    label: Any  # "New organization"
    asked: Any  # "Submitted by"
    hint: Any  # when a comment is required
    choices: tuple[Choice, ...]
    model: type  # the table its rows are in
    pending: Callable[[], list]  # the conditions of a row that waits
    since: Callable[[], Any]  # the column saying since when a row waits
    load: Callable[[list[int]], list[QueueItem]]  # items by id, any state
    is_pending: Callable[[Any], bool]
    details: Callable[[QueueItem], list[str]] = lambda item: []
    quote: Callable[[QueueItem], str] = lambda item: ""
    link: Callable[[QueueItem], tuple[str, str] | None] = lambda item: None
    state: Callable[[QueueItem], str] = lambda item: _("it has been decided")
    outcome: Callable[[QueueItem, Choice], str] = lambda item, choice: str(choice.outcome)
    order: int = 100  # sources are listed in this order, then by key
    # Who sees and decides its items (a rule of ``registry.permissions``): administrators
    # decide entries, changes and membership claims; staff, requests to join an initiative.
    permission: str = "review.decide"

    def choice(self, value: str) -> Choice | None:
        return next((c for c in self.choices if c.value == value), None)

    def waiting(self) -> Select:
        """Rows (key "<key>:<id>", since) of what waits, for the queue's one statement."""
        key = item_key(self.key, self.model.id)
        return select(key, self.since().label("since")).where(*self.pending())

    def count(self):
        """How many wait: the pending conditions alone, not the "since" of every row."""
        return select(func.count()).select_from(self.model).where(*self.pending())


_REQUEST_SOURCES: dict[str, QueueSource] = {}
_EVERYONE = object()  # ``sources()`` without a user: every source


def register(source: QueueSource) -> QueueSource:
    """Add a request type's source to the queue (entry types and revisions come on their own)."""
    _REQUEST_SOURCES[source.key] = source
    return source


def sources(user: Any = _EVERYONE) -> list[QueueSource]:
    """The registered sources, or only those whose items ``user`` may decide."""
    found = [entry_source(t) for t in entries.reviewed()]
    found.append(REVISIONS)
    found.extend(_REQUEST_SOURCES.values())
    if user is not _EVERYONE:
        found = [source for source in found if can(user, source.permission)]
    return sorted(found, key=lambda s: (s.order, s.key))


def source_for_slug(slug: str) -> QueueSource | None:
    return next((s for s in sources() if s.slug == slug), None)


def _by_key() -> dict[str, QueueSource]:
    return {s.key: s for s in sources()}


def item_key(key: str, id_column: Any):
    """The queue's key for a row: "<source key>:<id>"."""
    return (literal(f"{key}:") + cast(id_column, String)).label("key")


def waiting_count(user: Any) -> int:
    """Everything waiting for ``user``'s decision, in one query (for the navigation)."""
    mine = sources(user)
    if not mine:
        return 0
    counts = [source.count().scalar_subquery() for source in mine]
    total = counts[0]
    for count in counts[1:]:
        total = total + count
    return int(db.session.scalar(select(total)) or 0)


def queue_statement(user: Any) -> Select:
    """Keys ("<source>:<id>") of everything waiting for ``user``, oldest first, for the
    shared paginator: one statement across the sources, so the queue pages in SQL whatever
    its length."""
    waiting = union_all(*(source.waiting() for source in sources(user))).subquery()
    return select(waiting.c.key).order_by(waiting.c.since, waiting.c.key)


def load_items(keys: list[str]) -> list[QueueItem]:
    """The queue items for ``keys``, in that order: a constant number of queries per source."""
    by_key = _by_key()
    ids: dict[str, list[int]] = {}
    for key in keys:
        kind, _sep, number = key.partition(":")
        if kind in by_key and number.isdecimal():
            ids.setdefault(kind, []).append(int(number))
    found: dict[str, QueueItem] = {}
    for kind, wanted in ids.items():
        for item in by_key[kind].load(wanted):
            found[f"{kind}:{item.subject.id}"] = item
    return [found[key] for key in keys if key in found]


def item_for(source: QueueSource, subject_id: int) -> QueueItem | None:
    found = source.load([subject_id])
    return found[0] if found else None


def decision_on(entry: Any, user: Any) -> QueueItem | None:
    """The queue item of a submitted entry, for whoever may decide it: the entry's own page
    (where the submission mail leads) offers the decision itself."""
    if entry.status != Status.SUBMITTED:
        return None
    source = source_for_slug(entries.of(entry).plural)
    if source is None or not can(user, source.permission):
        return None
    return item_for(source, entry.id)


# --- submitted entries of each reviewed entry type --------------------------------------------

ENTRY_CHOICES = (
    Choice("approve", _l("Approve"), outcome=_l("Approved by you. It is now public.")),
    Choice(
        "request_changes",
        _l("Request changes"),
        "secondary",
        outcome=_l("Changes requested by you."),
    ),
    Choice("reject", _l("Reject"), "danger", outcome=_l("Rejected by you.")),
)


def _latest_submit(entry_type: EntryType, column):
    """``column`` of the enclosing query's entry's latest submit Review (correlated)."""
    model = entry_type.model
    return (
        select(func.max(column))
        .where(
            Review.entry_type == entry_type.key,
            Review.entry_id == model.id,
            Review.to_status == Status.SUBMITTED.value,
        )
        .correlate(model)
        .scalar_subquery()
    )


def _decision_choices() -> tuple[Choice, ...]:
    """The workflow's decisions on a submitted entry, as buttons: the rule table says which,
    ``ENTRY_CHOICES`` their order (the one that cannot be taken back last)."""
    decisions = {
        action
        for action, rule in workflow.RULES.items()
        if rule.permission == "decide" and Status.SUBMITTED in rule.sources
    }
    return tuple(choice for choice in ENTRY_CHOICES if choice.value in decisions)


def entry_source(entry_type: EntryType) -> QueueSource:
    model = entry_type.model

    def load(ids: list[int]) -> list[QueueItem]:
        stmt = (
            select(model, Review)
            .outerjoin(Review, Review.id == _latest_submit(entry_type, Review.id))
            .options(joinedload(Review.reviewer), *entry_type.load_options())
            .where(model.id.in_(ids))
        )
        return [
            QueueItem(
                source,
                entry,
                entry,
                submit.reviewer if submit else getattr(entry, "created_by", None),
                submit.created_at if submit else entry.updated_at,
            )
            for entry, submit in db.session.execute(stmt).unique()
        ]

    def state(item: QueueItem) -> str:
        label = workflow.STATUS_LABELS[item.subject.status]
        return _("it is now “%(state)s”", state=label)

    source = QueueSource(
        key=entry_type.key,
        slug=entry_type.plural,
        label=entry_type.queue_label,
        asked=_l("Submitted by"),
        hint=_l("Required to reject or to request changes."),
        choices=_decision_choices(),
        model=model,
        pending=lambda: [model.status == Status.SUBMITTED],
        since=lambda: func.coalesce(
            _latest_submit(entry_type, Review.created_at), model.updated_at
        ),
        load=load,
        is_pending=lambda entry: entry.status == Status.SUBMITTED,
        details=lambda item: [line for line in [entry_type.summary(item.entry)] if line],
        state=state,
        order=10,
    )
    return source


# --- pending revisions of any entry ---------------------------------------------------------


def _revision_load(ids: list[int]) -> list[QueueItem]:
    stmt = select(Revision).options(joinedload(Revision.author)).where(Revision.id.in_(ids))
    found = list(db.session.scalars(stmt))
    # The row lists the changed fields: the entries come with what their diff reads.
    about = revisions.entries_of(found)
    return [
        QueueItem(REVISIONS, revision, about[revision.id], revision.author, revision.created_at)
        for revision in found
        if revision.id in about
    ]


def _revision_details(item: QueueItem) -> list[str]:
    fields = [change.label for change in revisions.diff(item.subject, item.entry)]
    if not fields:
        return [_("No field differs from the public version any more.")]
    return [_("Changes: %(fields)s.", fields=", ".join(fields))]


def _revision_link(item: QueueItem) -> tuple[str, str]:
    return url_for("review.revision", revision_id=item.subject.id), _(
        "Compare with the public version"
    )


REVISIONS = QueueSource(
    key="revision",
    slug="revisions",
    label=_l("Change to a public entry"),
    asked=_l("Proposed by"),
    hint=_l("Required to reject."),
    choices=(
        Choice(
            "approve",
            _l("Approve"),
            outcome=_l("Change approved by you. The public page shows it now."),
        ),
        Choice(
            "reject",
            _l("Reject"),
            "danger",
            outcome=_l("Change rejected by you. The public page is unchanged."),
        ),
    ),
    model=Revision,
    pending=lambda: [Revision.status == RevisionStatus.PENDING],
    since=lambda: Revision.created_at,
    load=_revision_load,
    is_pending=lambda revision: revision.status == RevisionStatus.PENDING,
    details=_revision_details,
    link=_revision_link,
    order=20,
)
