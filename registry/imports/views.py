"""Upload, preview and confirm an import; download its template: the same views for every
kind (``common.Kind``), each kind at its own address (``/stakeholders/import/``,
``/commitments/import/``), the kind given by the address.

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
from registry.imports import bp, common, reading
from registry.imports import commitments as commitment_import
from registry.imports import stakeholders as stakeholder_import
from registry.models import ImportBatch
from registry.permissions import authorize, requires

LIFETIME = timedelta(hours=24)  # a preview may be confirmed for this long
KINDS = {kind.name: kind for kind in (stakeholder_import.KIND, commitment_import.KIND)}


class UploadForm(FlaskForm):
    """Upload a file: a CSRF-protected POST (the file itself is read from ``request.files``)."""


class ConfirmForm(FlaskForm):
    """Confirm a previewed import: a CSRF-protected POST."""


class AlreadyConfirmed(Refused):
    status = 409


def _me():
    return current_user._get_current_object()


def _kind(name: str) -> common.Kind:
    """The kind the address names, once the user may import it."""
    kind = KINDS[name]
    authorize(kind.permission)
    return kind


def _upload_page(
    kind: common.Kind, form: UploadForm, status: int = 200, problem: str | None = None
):
    return render(
        "imports/upload.html",
        status=status,
        kind=kind,
        form=form,
        problem=problem,
        max_kb=reading.MAX_BYTES // 1024,
        max_rows=reading.MAX_ROWS,
    )


@requires("import.file")
def upload(kind: str):
    """The upload form; a file sent is read, checked and kept for its preview."""
    spec = _kind(kind)
    form = UploadForm()
    if request.method == "GET":
        return _upload_page(spec, form)
    if not form.validate():
        return _upload_page(spec, form, 400, _("The form expired. Choose the file again."))
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        return _upload_page(spec, form, 400, _("Choose a CSV or Excel (.xlsx) file to import."))
    try:
        data = sent.stream.read(reading.MAX_BYTES + 1)
    finally:
        sent.close()  # a large upload is spooled to a temporary file: let it go now
    try:
        table = reading.read(sent.filename, data)
        content = spec.check(table, _me())
    except reading.Unreadable as refused:
        return _upload_page(spec, form, refused.status, refused.message)
    now = datetime.now(UTC)
    with committing():
        batch = ImportBatch(
            kind=spec.name,
            owner_id=current_user.id,
            filename=sent.filename[:200],
            content=content,
            expires_at=now + LIFETIME,
        )
        db.session.add(batch)
    return redirect(url_for("imports.preview", kind=spec.name, batch_id=batch.id), 303)


def _load(kind: common.Kind, batch_id: int) -> ImportBatch:
    """The officer's own batch of this kind; anyone else's (or none) is a 404."""
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or batch.owner_id != current_user.id or batch.kind != kind.name:
        abort(404)
    return batch


def _expired(batch: ImportBatch) -> bool:
    expires = batch.expires_at
    if expires.tzinfo is None:  # SQLite gives back naive UTC
        expires = expires.replace(tzinfo=UTC)
    return expires <= datetime.now(UTC)


def _preview_page(
    kind: common.Kind, batch: ImportBatch, status: int = 200, problem: str | None = None
):
    content = batch.content
    return render(
        "imports/preview.html",
        status=status,
        kind=kind,
        batch=batch,
        form=ConfirmForm(),
        problem=problem,
        content=content,
        columns=content["columns"],
        rows=content["rows"],
        summary=common.summary(content),
        written=content.get("written") or {},
        expired=_expired(batch),
        create=common.CREATE,
    )


@requires("import.file")
def preview(kind: str, batch_id: int):
    """Every row of the file with its errors, possible duplicates and what will happen; the
    POST confirms it."""
    spec = _kind(kind)
    batch = _load(spec, batch_id)
    if request.method == "GET":
        return _preview_page(spec, batch)
    form = ConfirmForm()
    if not form.validate():
        return _preview_page(
            spec, batch, 400, _("The form expired. Look at the rows again, then confirm.")
        )
    if batch.confirmed_at is not None:
        return _preview_page(
            spec, batch, 409, _("This import was already confirmed: nothing more was written.")
        )
    if _expired(batch):
        return _preview_page(
            spec, batch, 410, _("This preview is more than a day old. Upload the file again.")
        )
    anyway = {int(v) for v in request.form.getlist("anyway") if v.isdecimal() and len(v) < 7}
    rows = common.to_write(batch.content, anyway)
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
            # Which entry each line became, for the preview's links once confirmed.
            batch.content = {
                **batch.content,
                "written": {
                    str(row["line"]): entry.id for row, entry in zip(rows, written, strict=True)
                },
            }
            common.record(batch, [entry.id for entry in written], skipped, me)
            message = spec.done(written, skipped)  # read before the commit expires the rows
    except Refused as refused:
        db.session.expire_all()
        return _preview_page(
            spec,
            _load(spec, batch_id),
            refused.status,
            _("Nothing was imported: %(why)s", why=refused.message),
        )
    flash(message, "success")
    return redirect(url_for("imports.preview", kind=spec.name, batch_id=batch.id), 303)


# --- the template -----------------------------------------------------------------------------


@requires("import.file")
def template(kind: str, fmt: str):
    """The columns and one example row, as CSV (UTF-8 with a byte-order mark, so Excel reads
    accents right) or as an Excel workbook."""
    spec = _kind(kind)
    header = list(spec.columns)
    example = [spec.example.get(name, "") for name in header]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerows([header, example])
        body = ("\ufeff" + out.getvalue()).encode("utf-8")
        mimetype = "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(spec.name)
        sheet.append(header)
        sheet.append(example)
        out_bytes = io.BytesIO()
        book.save(out_bytes)
        body = out_bytes.getvalue()
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        abort(404)
    response = current_app.response_class(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{spec.name}-import.{fmt}"'
    return response


for _name in KINDS:
    _defaults = {"kind": _name}
    bp.add_url_rule(
        f"/{_name}/import/", view_func=upload, methods=["GET", "POST"], defaults=_defaults
    )
    bp.add_url_rule(
        f"/{_name}/import/<int:batch_id>",
        view_func=preview,
        methods=["GET", "POST"],
        defaults=_defaults,
    )
    bp.add_url_rule(f"/{_name}/import/template.<fmt>", view_func=template, defaults=_defaults)
