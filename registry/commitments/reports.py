"""Progress reports on a commitment: its organization's members (or staff) write a dated report
that is public at once; an officer marks one verified; an administrator hides one, with a
reason, in two steps (a page asks for the reason). Progress and the light follow from the
visible reports (``services``, ``progress.refresh``), never from a typed percentage.

Each view loads the commitment (404 when it may not be seen), then authorizes (403), validates
its form, calls one service and commits once; a refused form is 422 with the form again, a
refusal its own 4xx with the message, a success 303 to the commitment's page at the report.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from registry.commit import FieldRefused, Refused, committing
from registry.commitments import bp, progress, services
from registry.commitments.forms import ButtonForm, fields_of
from registry.commitments.report_forms import HideReportForm, ReportForm
from registry.commitments.views import detail_context, load, me
from registry.extensions import db
from registry.htmx import render
from registry.models import Commitment, ProgressReport, Status
from registry.permissions import authorize, can, requires


def _at_report(commitment: Commitment, report: ProgressReport):
    url = url_for("commitments.detail", commitment_id=commitment.id, _anchor=f"report-{report.id}")
    return redirect(url, 303)


def _refused(commitment_id: int, message: str, status: int):
    """The commitment's page with the refusal said at its top; nothing was written."""
    db.session.rollback()
    commitment = load(commitment_id)
    return render(
        "commitments/detail.html", status=status, **detail_context(commitment, error=message)
    )


def _published(commitment: Commitment) -> bool:
    return commitment.status == Status.APPROVED


def load_report(commitment: Commitment, report_id: int) -> ProgressReport:
    """One report of ``commitment``: 404 when it is another's, or hidden and the user may not
    see hidden reports."""
    if not 0 < report_id < 2**31:
        abort(404)
    report = db.session.get(ProgressReport, report_id)
    if report is None or report.commitment_id != commitment.id:
        abort(404)
    if report.hidden and not can(current_user, "commitment.hide_report", commitment):
        abort(404)
    return report


# --- write a report -----------------------------------------------------------------------------


def _blank_form(commitment: Commitment) -> ReportForm:
    return ReportForm(
        formdata=None,
        data={
            "reported_on": progress.today(),
            "updates": [{"deliverable_id": d.id} for d in commitment.deliverables],
        },
    )


def _render_form(commitment: Commitment, form: ReportForm, status: int = 200, **context: Any):
    if not form.updates.entries and commitment.deliverables:
        for deliverable in commitment.deliverables:  # a post without its rows: offer them again
            form.updates.append_entry({"deliverable_id": deliverable.id})
    return render(
        "commitments/report_form.html",
        status=status,
        commitment=commitment,
        form=form,
        deliverables={d.id: d for d in commitment.deliverables},
        problems=[
            (f.id, f.errors[0])
            for f in fields_of(form)
            if f.errors and f.type not in ("CSRFTokenField", "HiddenField")
        ],
        **context,
    )


@bp.route("/<int:commitment_id>/reports/new", methods=["GET", "POST"])
@requires("commitment.report")
def report_create(commitment_id: int):
    """Report progress on a published commitment: public at once, progress follows."""
    commitment = load(commitment_id)
    if not _published(commitment):
        return _refused(
            commitment_id,
            _("Progress is reported on published commitments only: this one is not public yet."),
            409,
        )
    authorize("commitment.report", commitment)
    if request.method == "GET":
        return _render_form(commitment, _blank_form(commitment))
    form = ReportForm()
    if not form.validate():
        return _render_form(commitment, form, 422)
    try:
        with committing():
            report = services.add_report(commitment, form.data_for_model(), me())
    except FieldRefused as refusal:
        field = form.field_named(refusal.field) or form.narrative
        field.errors = [*field.errors, refusal.message]
        return _render_form(load(commitment_id), form, refusal.status)
    except Refused as refusal:
        return _render_form(load(commitment_id), form, refusal.status, problem=refusal.message)
    flash(_("Your progress report is published."), "success")
    return _at_report(commitment, report)


# --- verify, hide -------------------------------------------------------------------------------


@bp.route("/<int:commitment_id>/reports/<int:report_id>/verify", methods=["POST"])
@requires("commitment.verify")
def report_verify(commitment_id: int, report_id: int):
    """An officer marks a report as checked (the timeline says so)."""
    commitment = load(commitment_id)
    authorize("commitment.verify", commitment)
    report = load_report(commitment, report_id)
    if not ButtonForm().validate():  # a CSRF-protected button, nothing more
        abort(400)
    try:
        with committing():
            services.verify_report(report, me())
    except Refused as refusal:
        return _refused(commitment_id, refusal.message, refusal.status)
    flash(
        _("The report of %(date)s is marked verified.", date=format_date(report.reported_on)),
        "success",
    )
    return _at_report(commitment, report)


def _hide_page(commitment, report, form, status: int = 200, **context: Any):
    return render(
        "commitments/report_hide.html",
        status=status,
        commitment=commitment,
        report=report,
        form=form,
        **context,
    )


@bp.route("/<int:commitment_id>/reports/<int:report_id>/hide", methods=["GET", "POST"])
@requires("commitment.hide_report")
def report_hide(commitment_id: int, report_id: int):
    """Hide a report, in two steps: this page asks why; the report then no longer counts
    towards progress or the light, and only administrators still see it."""
    commitment = load(commitment_id)
    authorize("commitment.hide_report", commitment)
    report = load_report(commitment, report_id)
    if report.hidden:
        return _hide_page(
            commitment, report, None, 409, problem=_("This report is already hidden.")
        )
    form = HideReportForm() if request.method == "POST" else HideReportForm(formdata=None)
    if request.method == "GET":
        return _hide_page(commitment, report, form)
    if not form.validate():
        return _hide_page(commitment, report, form, 422)
    try:
        with committing():
            services.hide_report(report, form.reason.data or "", me())
    except FieldRefused as refusal:
        form.reason.errors = [*form.reason.errors, refusal.message]
        commitment = load(commitment_id)
        return _hide_page(commitment, load_report(commitment, report_id), form, refusal.status)
    except Refused as refusal:
        commitment = load(commitment_id)
        report = load_report(commitment, report_id)
        return _hide_page(commitment, report, form, refusal.status, problem=refusal.message)
    flash(_("The report is hidden. It no longer counts towards progress."), "success")
    return _at_report(commitment, report)
