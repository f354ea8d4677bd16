"""The review queue and its decisions, archiving, and merging duplicates (administrators).

Each queue row is a component: an htmx POST answers with the row replaced by its outcome (or
by the reason it was refused, 409/422); a plain POST flashes and goes back to the queue with
a 303, or shows the queue again with the reason and that status.
"""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from registry import entries
from registry.commit import Refused, committing
from registry.extensions import db
from registry.htmx import render, wants_fragment
from registry.ids import db_id
from registry.models import RevisionStatus, Stakeholder, Status
from registry.pagination import paginate
from registry.permissions import authorize, requires
from registry.review import bp, merge, queue, services
from registry.review.forms import ArchiveForm, MergeForm, decision_form, first_error
from registry.review.queue import QueueItem, QueueSource
from registry.workflow import STATUS_LABELS, transition


def _actor():
    return current_user._get_current_object()


# --- the queue ----------------------------------------------------------------------------


def _queue(status: int = 200, refused: QueueItem | None = None, error: str = "", comment=""):
    """The queue page; after a refused plain POST, the reason at the top and in the row."""
    page = paginate(queue.queue_statement(_actor()))
    return render(
        "review/index.html",
        status=status,
        page=page,
        items=queue.load_items(page.items),
        refused=refused,
        errors={refused.key: error} if refused else {},
        comments={refused.key: comment} if refused else {},
    )


@bp.route("/")
@requires("review.queue")
def index():
    """Everything waiting for this staff member's decision, oldest first."""
    return _queue()


def _answer(
    item: QueueItem,
    outcome: str | None = None,
    error: str | None = None,
    status: int = 200,
    comment: str = "",
):
    """htmx: the row replaces itself. Plain POST: flash and back to the queue (303), or the
    queue again with the reason, in the row and at the top, and the refusal's status."""
    if wants_fragment():
        return render(
            "review/index.html",
            block="item",
            status=status,
            item=item,
            outcome=outcome,
            error=error,
            comment=comment,
            waiting=queue.waiting_count(_actor()) if outcome else None,
        )
    if error:
        return _queue(status, refused=item, error=error, comment=comment)
    flash(_("“%(name)s”: %(outcome)s", name=item.title, outcome=outcome), "success")
    return redirect(url_for("review.index"), 303)


def _source(slug: str) -> QueueSource:
    """The source named by ``slug``, if the user decides its items (403 otherwise)."""
    source = queue.source_for_slug(slug)
    if source is None:
        abort(404)
    authorize(source.permission)
    return source


def _item(source: QueueSource, subject_id: int) -> QueueItem:
    """The queue item for one subject (whatever its state now), or 404."""
    item = queue.item_for(source, subject_id)
    if item is None:
        abort(404)
    return item


@bp.route("/<slug>/<int:subject_id>", methods=["POST"])
@requires("review.respond")
def decide(slug: str, subject_id: int):
    """Decide one thing that waits: the choices are those its source offers (approve, ask for
    changes, reject, decline); a comment where the rule requires one."""
    source = _source(slug)
    item = _item(source, subject_id)
    form = decision_form(source)
    comment = form.comment.data or ""
    # The diff page posts plainly and wants itself back on a refusal; the queue row not.
    from_page = request.form.get("origin") == "revision" and not wants_fragment()

    def refused(message: str, status: int):
        if from_page:
            found = _load_revision(subject_id)
            return _revision_page(found, status=status, error=message, comment=comment)
        return _answer(_item(source, subject_id), error=message, status=status, comment=comment)

    if not form.validate():
        return refused(first_error(form), 422)
    choice = source.choice(form.action.data)
    try:
        with committing():
            transition(item.subject, choice.value, _actor(), comment)
    except Refused as refusal:
        return refused(refusal.message, refusal.status)
    if request.form.get("origin") == "entry" and not wants_fragment():
        # Decided on the entry's own page (where the reviewer's mail leads): back to it.
        outcome = source.outcome(item, choice)
        flash(_("“%(name)s”: %(outcome)s", name=item.title, outcome=outcome), "success")
        return redirect(item.url, 303)
    return _answer(_item(source, subject_id), outcome=source.outcome(item, choice))


@bp.route("/revisions/<int:revision_id>", methods=["GET"])
@requires("review.decide")
def revision(revision_id: int):
    """A proposed change to a public entry, field by field, with the decision form."""
    return _revision_page(_load_revision(revision_id))


def _load_revision(revision_id: int):
    found = services.load_revision(revision_id)
    if found is None:
        abort(404)
    return found


def _revision_page(found, status: int = 200, error: str | None = None, comment: str = ""):
    revision, entry = found
    return render(
        "review/revision.html",
        status=status,
        revision=revision,
        entry=entry,
        entry_title=entries.title(entry),
        entry_url=entries.of(entry).path(entry.id),
        rows=services.revision_diff(revision, entry),
        pending=revision.status == RevisionStatus.PENDING,
        outdated=revision.base_version != entry.version,
        error=error,
        comment=comment,
    )


# --- archiving and restoring --------------------------------------------------------------


def _archive_page(stakeholder, error=None, status=200, comment=""):
    """The second step before archiving (it names the entry and says what happens), or the
    restore control with the reason a restore was refused."""
    return render(
        "review/archive.html",
        status=status,
        stakeholder=stakeholder,
        archived=stakeholder.status == Status.ARCHIVED,
        returns_to=STATUS_LABELS[services.archived_from(stakeholder)]
        if stakeholder.status == Status.ARCHIVED
        else None,
        error=error,
        comment=comment,
    )


@bp.route("/stakeholders/<int:stakeholder_id>/archive", methods=["GET", "POST"])
@requires("stakeholder.archive")
def archive(stakeholder_id: int):
    """Archive an entry, in two steps: this page says what will happen, its button does it.
    The entry leaves the public registry; its record is kept and can be restored."""
    stakeholder = db.get_or_404(Stakeholder, stakeholder_id)
    if request.method == "GET":
        return _archive_page(stakeholder)
    form = ArchiveForm()
    comment = form.comment.data or ""
    if not form.validate():
        return _archive_page(stakeholder, error=first_error(form), status=422, comment=comment)
    if request.form.get("confirm") != "yes":
        # Only the confirmation page's button says yes: a stray POST changes nothing.
        return _archive_page(stakeholder, comment=comment)
    try:
        with committing():
            transition(stakeholder, "archive", _actor(), comment)
    except Refused as refusal:
        stakeholder = db.get_or_404(Stakeholder, stakeholder_id)
        return _archive_page(
            stakeholder, error=refusal.message, status=refusal.status, comment=comment
        )
    flash(
        _(
            "“%(name)s” is archived. It is no longer public; you can restore it from this page.",
            name=stakeholder.name,
        ),
        "success",
    )
    return redirect(url_for("stakeholders.detail", stakeholder_id=stakeholder.id), 303)


@bp.route("/stakeholders/<int:stakeholder_id>/restore", methods=["POST"])
@requires("stakeholder.archive")
def restore(stakeholder_id: int):
    """Take an entry out of the archive, back to the state it was archived from."""
    stakeholder = db.get_or_404(Stakeholder, stakeholder_id)
    form = ArchiveForm()
    comment = form.comment.data or ""
    if not form.validate():
        return _archive_page(stakeholder, error=first_error(form), status=422, comment=comment)
    try:
        with committing():
            target = services.restore(stakeholder, _actor(), comment)
    except Refused as refusal:
        stakeholder = db.get_or_404(Stakeholder, stakeholder_id)
        return _archive_page(
            stakeholder, error=refusal.message, status=refusal.status, comment=comment
        )
    flash(
        _(
            "“%(name)s” is restored: it is “%(state)s” again.",
            name=stakeholder.name,
            state=STATUS_LABELS[target],
        ),
        "success",
    )
    return redirect(url_for("stakeholders.detail", stakeholder_id=stakeholder.id), 303)


# --- merging duplicates -------------------------------------------------------------------

# Which block an htmx request for the merge page wants, by the element it swaps.
MERGE_BLOCKS = {
    "source-candidates": "source_candidates",
    "target-candidates": "target_candidates",
    "preview": "preview",
}


def _chosen(value: int | None) -> Stakeholder | None:
    return db.session.get(Stakeholder, value) if value else None


def _merge_page(
    source_id: int | None,
    target_id: int | None,
    source_q: str = "",
    target_q: str = "",
    status: int = 200,
    error: str | None = None,
):
    source, target = _chosen(source_id), _chosen(target_id)
    htmx = getattr(request, "htmx", None)
    block = MERGE_BLOCKS.get(htmx.target if htmx else None)
    return render(
        "review/merge.html",
        block=block,
        status=status,
        source=source,
        target=target,
        source_q=source_q,
        target_q=target_q,
        source_candidates=merge.candidates(source_q, source),
        target_candidates=merge.candidates(target_q, target),
        preview=merge.preview(source, target) if source and target else None,
        recent=merge.recent() if block is None else [],
        error=error,
        status_labels=STATUS_LABELS,
    )


@bp.route("/merge", methods=["GET"])
@requires("stakeholder.merge")
def merge_preview():
    """Choose a duplicate and the entry to keep, and see what merging would move."""
    args = request.args
    return _merge_page(
        args.get("source_id", type=db_id),
        args.get("target_id", type=db_id),
        args.get("source_q", "")[:200],
        args.get("target_q", "")[:200],
    )


@bp.route("/merge", methods=["POST"], endpoint="merge")
@requires("stakeholder.merge")
def merge_stakeholders():
    """Merge the duplicate into the entry that is kept."""
    form = MergeForm()
    if not form.validate():
        return _merge_page(
            request.form.get("source_id", type=db_id),
            request.form.get("target_id", type=db_id),
            status=422,
            error=first_error(form),
        )
    source = db.get_or_404(Stakeholder, form.source_id.data)
    target = db.get_or_404(Stakeholder, form.target_id.data)
    try:
        with committing():
            record = merge.merge(source, target, _actor())
    except Refused as refusal:
        return _merge_page(source.id, target.id, status=refusal.status, error=refusal.message)
    flash(
        _(
            "“%(source)s” was merged into “%(target)s”.",
            source=record.source.name,
            target=record.target.name,
        ),
        "success",
    )
    return redirect(url_for("review.merge_detail", merge_id=record.id), 303)


def _load_merge(merge_id: int):
    record = merge.load(merge_id)
    if record is None:
        abort(404)
    return record


def _merge_detail_page(record, status: int = 200, error: str | None = None):
    return render(
        "review/merge_detail.html",
        status=status,
        record=record,
        lines=merge.moved_lines(record),
        error=error,
        status_labels=STATUS_LABELS,
        source_status=Status(record.source_status),
    )


@bp.route("/merges/<int:merge_id>", methods=["GET"])
@requires("stakeholder.merge")
def merge_detail(merge_id: int):
    """One merge: what moved, and the button to undo it."""
    return _merge_detail_page(_load_merge(merge_id))


@bp.route("/merges/<int:merge_id>/undo", methods=["POST"])
@requires("stakeholder.merge")
def merge_undo(merge_id: int):
    """Undo a merge: the recorded rows move back and the duplicate returns as it was."""
    record = _load_merge(merge_id)
    try:
        with committing():
            merge.undo(record, _actor())
    except Refused as refusal:
        record = _load_merge(merge_id)
        return _merge_detail_page(record, status=refusal.status, error=refusal.message)
    flash(_("The merge was undone: “%(name)s” is back.", name=record.source.name), "success")
    return redirect(url_for("review.merge_detail", merge_id=record.id), 303)
