"""Upload, preview and confirm an import; download its template.

Upload reads and checks the file and stores the result as an ``ImportBatch`` (the database,
not Redis: the confirmation stamps the batch in the same transaction as the rows it writes, so
"confirmed twice" cannot happen, and the batch outlives a Redis flush). The preview only reads
that row: two statements however long the file. Confirming is a POST from the preview, never
from the upload.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import update

from registry.commit import Refused, committing
from registry.extensions import db
from registry.htmx import render
from registry.imports import bp, reading
from registry.imports import stakeholders as spec
from registry.models import ImportBatch
from registry.permissions import requires

LIFETIME = timedelta(hours=24)  # a preview may be confirmed for this long
KIND = "stakeholders"


class UploadForm(FlaskForm):
    """Upload a file: a CSRF-protected POST (the file itself is read from ``request.files``)."""


class ConfirmForm(FlaskForm):
    """Confirm a previewed import: a CSRF-protected POST."""


class AlreadyConfirmed(Refused):
    status = 409


def _me():
    return current_user._get_current_object()


def _upload_page(form: UploadForm, status: int = 200, problem: str | None = None):
    return render(
        "imports/upload.html",
        status=status,
        form=form,
        problem=problem,
        columns=spec.NAMES,
        required=spec.REQUIRED,
        max_kb=reading.MAX_BYTES // 1024,
        max_rows=reading.MAX_ROWS,
    )


@bp.route("/", methods=["GET", "POST"])
@requires("stakeholder.import")
def upload():
    """The upload form; a file sent is read, checked and kept for its preview."""
    form = UploadForm()
    if request.method == "GET":
        return _upload_page(form)
    if not form.validate():
        return _upload_page(form, 400, _("The form expired. Choose the file again."))
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        return _upload_page(form, 400, _("Choose a CSV or Excel (.xlsx) file to import."))
    try:
        data = sent.stream.read(reading.MAX_BYTES + 1)
    finally:
        sent.close()  # a large upload is spooled to a temporary file: let it go now
    try:
        table = reading.read(sent.filename, data)
        content = spec.check(table)
    except reading.Unreadable as refused:
        return _upload_page(form, refused.status, refused.message)
    now = datetime.now(UTC)
    with committing():
        batch = ImportBatch(
            kind=KIND,
            owner_id=current_user.id,
            filename=sent.filename[:200],
            content=content,
            expires_at=now + LIFETIME,
        )
        db.session.add(batch)
    return redirect(url_for("imports.preview", batch_id=batch.id), 303)


def _load(batch_id: int) -> ImportBatch:
    """The officer's own batch; anyone else's (or none) is a 404."""
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or batch.owner_id != current_user.id or batch.kind != KIND:
        abort(404)
    return batch


def _expired(batch: ImportBatch) -> bool:
    expires = batch.expires_at
    if expires.tzinfo is None:  # SQLite gives back naive UTC
        expires = expires.replace(tzinfo=UTC)
    return expires <= datetime.now(UTC)


def _preview_page(batch: ImportBatch, status: int = 200, problem: str | None = None):
    content = batch.content
    return render(
        "imports/preview.html",
        status=status,
        batch=batch,
        form=ConfirmForm(),
        problem=problem,
        content=content,
        columns=content["columns"],
        rows=content["rows"],
        summary=spec.summary(content),
        expired=_expired(batch),
        create=spec.CREATE,
    )


@bp.route("/<int:batch_id>", methods=["GET", "POST"])
@requires("stakeholder.import")
def preview(batch_id: int):
    """Every row of the file with its errors, possible duplicates and what will happen; the
    POST confirms it."""
    batch = _load(batch_id)
    if request.method == "GET":
        return _preview_page(batch)
    form = ConfirmForm()
    if not form.validate():
        return _preview_page(
            batch, 400, _("The form expired. Look at the rows again, then confirm.")
        )
    if batch.confirmed_at is not None:
        return _preview_page(
            batch, 409, _("This import was already confirmed: nothing more was written.")
        )
    if _expired(batch):
        return _preview_page(
            batch, 410, _("This preview is more than a day old. Upload the file again.")
        )
    anyway = {int(v) for v in request.form.getlist("anyway") if v.isdecimal() and len(v) < 7}
    rows = spec.to_write(batch.content, anyway)
    skipped = len(batch.content["rows"]) - len(rows)
    me = _me()
    try:
        with committing():
            # Stamped first, only if no one stamped it meanwhile: two confirmations at once
            # write the rows once (the other finds nothing to stamp).
            stamped = db.session.execute(
                update(ImportBatch)
                .where(ImportBatch.id == batch.id, ImportBatch.confirmed_at.is_(None))
                .values(confirmed_at=datetime.now(UTC))
                .execution_options(synchronize_session=False)
            ).rowcount
            if stamped != 1:
                raise AlreadyConfirmed(
                    _("This import was already confirmed: nothing more was written.")
                )
            written = spec.write(rows, me)
            spec.record(batch, written, skipped, me)
    except Refused as refused:
        db.session.expire_all()
        return _preview_page(
            _load(batch_id),
            refused.status,
            _("Nothing was imported: %(why)s", why=refused.message),
        )
    flash(
        _(
            "Imported %(written)d stakeholders as drafts; %(skipped)d rows were skipped.",
            written=len(written),
            skipped=skipped,
        ),
        "success",
    )
    return redirect(url_for("imports.preview", batch_id=batch.id), 303)


# --- the template -----------------------------------------------------------------------------


@bp.route("/template.<fmt>")
@requires("stakeholder.import")
def template(fmt: str):
    """The columns and one example row, as CSV (UTF-8 with a byte-order mark, so Excel reads
    accents right) or as an Excel workbook."""
    header = spec.NAMES
    example = [spec.EXAMPLE[name] for name in header]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerows([header, example])
        body = ("\ufeff" + out.getvalue()).encode("utf-8")
        mimetype = "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("stakeholders")
        sheet.append(header)
        sheet.append(example)
        out_bytes = io.BytesIO()
        book.save(out_bytes)
        body = out_bytes.getvalue()
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        abort(404)
    response = current_app.response_class(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="stakeholders-import.{fmt}"'
    return response
