"""The review queue and its decisions, archiving, and merging duplicates (administrators).

Each queue row is a component: an htmx POST answers with the row replaced by its outcome (or
by the reason it was refused, 409/422); a plain POST flashes and goes back to the queue with
a 303, or shows the queue again with the reason and that status.
"""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from registry.extensions import db
from registry.htmx import render, wants_fragment
from registry.ids import db_id
from registry.models import RevisionStatus, Stakeholder, Status
from registry.pagination import paginate
from registry.permissions import requires
from registry.review import bp, merge, services
from registry.review.forms import (
    ArchiveForm,
    ClaimDecisionForm,
    MergeForm,
    RevisionDecisionForm,
    StakeholderDecisionForm,
    first_error,
)
from registry.review.services import CLAIM, REVISION, STAKEHOLDER, QueueItem
from registry.stakeholders import revisions
from registry.stakeholders.queries import country_name
from registry.workflow import STATUS_LABELS, WorkflowError, transition

STALE = "stale"  # someone saved the same rows meanwhile (optimistic locking)


def _actor():
    return current_user._get_current_object()


def _stale_message() -> str:
    return _("This entry changed while you were deciding. Look at it again, then decide.")


# --- the queue ----------------------------------------------------------------------------


def _queue(status: int = 200, refused: QueueItem | None = None, error: str = "", comment=""):
    """The queue page; after a refused plain POST, the reason at the top and in the row."""
    page = paginate(services.queue_statement())
    return render(
        "review/index.html",
        status=status,
        page=page,
        items=services.load_items(page.items),
        refused=refused,
        errors={refused.key: error} if refused else {},
        comments={refused.key: comment} if refused else {},
        status_labels=STATUS_LABELS,
        country_name=country_name,
    )


@bp.route("/")
@requires("review.queue")
def index():
    """Everything waiting for an administrator's decision, oldest first."""
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
            waiting=services.waiting_count() if outcome else None,
            status_labels=STATUS_LABELS,
            country_name=country_name,
        )
    if error:
        return _queue(status, refused=item, error=error, comment=comment)
    flash(_("“%(name)s”: %(outcome)s", name=item.stakeholder.name, outcome=outcome), "success")
    return redirect(url_for("review.index"), 303)


STAKEHOLDER_OUTCOMES = {
    "approve": _l("Approved by you. It is now public."),
    "request_changes": _l("Changes requested by you."),
    "reject": _l("Rejected by you."),
}


def _item(kind: str, entry_id: int) -> QueueItem:
    """The queue item for one entry (whatever its state now), or 404."""
    item = services.item_for(kind, entry_id)
    if item is None:
        abort(404)
    return item


@bp.route("/stakeholders/<int:stakeholder_id>", methods=["POST"])
@requires("review.decide")
def decide(stakeholder_id: int):
    """Approve a submitted stakeholder, ask for changes, or reject it."""
    item = _item(STAKEHOLDER, stakeholder_id)
    form = StakeholderDecisionForm()
    comment = form.comment.data or ""
    if not form.validate():
        return _answer(item, error=first_error(form), status=422, comment=comment)
    try:
        transition(item.entry, form.action.data, _actor(), comment)
        db.session.flush()
    except WorkflowError as exc:
        db.session.rollback()
        item = _item(STAKEHOLDER, stakeholder_id)
        return _answer(item, error=str(exc), status=exc.status, comment=comment)
    except StaleDataError:
        db.session.rollback()
        item = _item(STAKEHOLDER, stakeholder_id)
        return _answer(item, error=_stale_message(), status=409, comment=comment)
    db.session.commit()
    return _answer(item, outcome=str(STAKEHOLDER_OUTCOMES[form.action.data]))


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


def _revision_page(revision, status: int = 200, error: str | None = None, comment: str = ""):
    return render(
        "review/revision.html",
        status=status,
        revision=revision,
        stakeholder=revision.stakeholder,
        rows=services.revision_diff(revision),
        pending=revision.status == RevisionStatus.PENDING,
        outdated=revision.base_version != revision.stakeholder.version,
        error=error,
        comment=comment,
    )


@bp.route("/revisions/<int:revision_id>", methods=["POST"])
@requires("review.decide")
def decide_revision(revision_id: int):
    """Approve a proposed change (the public page shows it at once) or reject it."""
    revision = _load_revision(revision_id)
    form = RevisionDecisionForm()
    comment = form.comment.data or ""
    # The diff page posts plainly and wants itself back on a refusal; the queue row not.
    from_page = request.form.get("origin") == "revision"

    def refused(message: str, status: int):
        if from_page and not wants_fragment():
            return _revision_page(
                _load_revision(revision_id), status=status, error=message, comment=comment
            )
        return _answer(_item(REVISION, revision_id), error=message, status=status, comment=comment)

    if not form.validate():
        return refused(first_error(form), 422)
    approve = form.action.data == "approve"
    try:
        revisions.decide(revision, approve, _actor(), comment)
        db.session.flush()
    except WorkflowError as exc:
        db.session.rollback()
        return refused(str(exc), exc.status)
    except StaleDataError:
        db.session.rollback()
        return refused(_stale_message(), 409)
    db.session.commit()
    outcome = (
        _("Change approved by you. The public page shows it now.")
        if approve
        else _("Change rejected by you. The public page is unchanged.")
    )
    return _answer(_item(REVISION, revision_id), outcome=outcome)


@bp.route("/claims/<int:claim_id>", methods=["POST"])
@requires("review.decide")
def decide_claim(claim_id: int):
    """Let a person act for an organization, or decline their request."""
    item = _item(CLAIM, claim_id)
    form = ClaimDecisionForm()
    comment = form.comment.data or ""
    if not form.validate():
        return _answer(item, error=first_error(form), status=422, comment=comment)
    approve = form.action.data == "approve"
    try:
        services.decide_claim(item.entry, approve, _actor(), comment)
        db.session.flush()
    except WorkflowError as exc:
        db.session.rollback()
        return _answer(_item(CLAIM, claim_id), error=str(exc), status=exc.status, comment=comment)
    db.session.commit()
    outcome = (
        _("Approved by you: %(user)s can now act for it.", user=item.who.name)
        if approve
        else _("Declined by you.")
    )
    return _answer(item, outcome=outcome)


# --- archiving ----------------------------------------------------------------------------


def _archive_answer(stakeholder, outcome=None, error=None, status=200, comment=""):
    return render(
        "review/archive.html",
        block="archive",
        status=status,
        stakeholder=stakeholder,
        outcome=outcome,
        error=error,
        comment=comment,
    )


@bp.route("/stakeholders/<int:stakeholder_id>/archive", methods=["POST"])
@requires("stakeholder.archive")
def archive(stakeholder_id: int):
    """Archive an entry: it leaves the public registry, its record is kept."""
    stakeholder = db.get_or_404(Stakeholder, stakeholder_id)
    form = ArchiveForm()
    comment = form.comment.data or ""
    if not form.validate():
        return _archive_answer(stakeholder, error=first_error(form), status=422, comment=comment)
    try:
        transition(stakeholder, "archive", _actor(), comment)
        db.session.flush()
    except WorkflowError as exc:
        db.session.rollback()
        stakeholder = db.get_or_404(Stakeholder, stakeholder_id)
        return _archive_answer(stakeholder, error=str(exc), status=exc.status, comment=comment)
    except StaleDataError:
        db.session.rollback()
        stakeholder = db.get_or_404(Stakeholder, stakeholder_id)
        return _archive_answer(stakeholder, error=_stale_message(), status=409, comment=comment)
    db.session.commit()
    if wants_fragment():
        return _archive_answer(stakeholder, outcome=_("Archived by you."))
    flash(_("“%(name)s” is archived.", name=stakeholder.name), "success")
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
        record = merge.merge(source, target, _actor())
        db.session.flush()
    except merge.MergeError as exc:
        db.session.rollback()
        return _merge_page(source.id, target.id, status=exc.status, error=str(exc))
    except StaleDataError:
        db.session.rollback()
        return _merge_page(source.id, target.id, status=409, error=_stale_message())
    db.session.commit()
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
        merge.undo(record, _actor())
        db.session.flush()
    except merge.MergeError as exc:
        db.session.rollback()
        return _merge_detail_page(_load_merge(merge_id), status=exc.status, error=str(exc))
    except StaleDataError:
        db.session.rollback()
        return _merge_detail_page(_load_merge(merge_id), status=409, error=_stale_message())
    db.session.commit()
    flash(_("The merge was undone: “%(name)s” is back.", name=record.source.name), "success")
    return redirect(url_for("review.merge_detail", merge_id=record.id), 303)
