"""The write endpoints: a stakeholder, a commitment, a progress report, as the forms make them.

A body is JSON, read into a pydantic model (``schemas``: no unknown field, no loose type)
and then put, field by field, into the page's own WTForms form: every rule the form checks is
checked here with the same message, and the same service writes it through the same commit
boundary, review machinery and permission policy. So an entry made through the API is what
the form would have made for the token's owner: a draft, or (``submit``) waiting in the review
queue. Refusals are problem documents: 415 (not JSON), 413 (too large), 422 with an
``errors`` list (JSON pointer and message per field), 403, 404, 409.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from flask import Response, current_app, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from pydantic import BaseModel, ValidationError
from werkzeug.datastructures import MultiDict

from registry.api import bp, schemas
from registry.api.problems import document, problem
from registry.api.views import created_record, public_url
from registry.commit import FieldRefused, Refused, Taken, committing
from registry.commitments import queries as commitment_queries
from registry.commitments import services as commitment_services
from registry.commitments.forms import CommitmentForm, fields_of
from registry.commitments.report_forms import ReportForm
from registry.extensions import db
from registry.models import Commitment, ProgressReport, Stakeholder, Status
from registry.permissions import can, requires
from registry.stakeholders import services as stakeholder_services
from registry.stakeholders.forms import StakeholderForm
from registry.stakeholders.similar import similar as similar_stakeholders

TITLES = {
    403: _l("Not allowed"),
    404: _l("Not found"),
    409: _l("Conflict"),
    413: _l("Too large"),
    415: _l("Unsupported media type"),
    422: _l("Could not be processed"),
}
NO_CSRF = {"csrf": False}  # the API takes no session: a token, not a cookie, proves who asks


def _refusal(status: int, detail: str, **extra: Any) -> Response:
    return problem(status, str(TITLES.get(status, _l("Bad request"))), detail, **extra)


def _pointer(name: str) -> str:
    """A form field's name (``deliverables-0-title``) as a JSON pointer into the body."""
    return "#/" + "/".join(name.split("-"))


def _invalid(errors: Iterable[tuple[str, str]]) -> Response:
    found = [{"pointer": pointer, "detail": str(detail)} for pointer, detail in errors]
    return _refusal(
        422,
        _("Some of what you sent is not valid: see errors, one per field."),
        errors=found,
    )


def _form_errors(form: Any) -> Response:
    return _invalid(
        (_pointer(field.name), message)
        for field in fields_of(form)
        if field.errors
        for message in field.errors
    )


def _encodable(value: Any) -> bool:
    """No lone surrogate anywhere (JSON may escape one; no database can store it)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(_encodable(v) for v in value.values())
    if isinstance(value, list):
        return all(_encodable(v) for v in value)
    return True


def _body(model: type[BaseModel]) -> BaseModel | Response:
    """The request's JSON as ``model``, or the problem that says why it is not."""
    if request.mimetype != "application/json":
        return _refusal(415, _("Send the body as JSON, with Content-Type: application/json."))
    limit = current_app.config["API_MAX_BODY"]
    too_large = _(
        "The body is larger than the API accepts (%(limit)d bytes): send less.", limit=limit
    )
    if request.content_length is not None and request.content_length > limit:
        return _refusal(413, too_large)
    raw = request.get_data(cache=False)  # bounded by MAX_CONTENT_LENGTH in any case
    if len(raw) > limit:
        return _refusal(413, too_large)
    try:
        found = model.model_validate_json(raw, strict=True)
    except ValidationError as exc:
        return _invalid(
            (
                "#/" + "/".join(str(part) for part in error["loc"]),
                error["msg"],
            )
            for error in exc.errors(include_url=False, include_input=False)
        )
    if not _encodable(found.model_dump()):
        return _invalid([("#", _("The text contains a character that is not valid Unicode."))])
    return found


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "y" if value else ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _formdata(values: dict[str, Any], prefix: str = "") -> MultiDict:
    """The body as the form would post it: rows as ``deliverables-0-title``, lists as
    repeated keys, false and null as nothing sent."""
    found: MultiDict = MultiDict()
    for name, value in values.items():
        key = f"{prefix}{name}"
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for index, row in enumerate(value):
                for sub_key, sub_value in _formdata(row, f"{key}-{index}-").items(multi=True):
                    found.add(sub_key, sub_value)
        elif isinstance(value, list):
            for item in value:
                found.add(key, _text(item))
        elif value is not None and value is not False:
            found.add(key, _text(value))
    return found


def _created(noun: str, entry_id: int) -> Response:
    response = document(
        {
            "data": created_record(noun, entry_id),
            "links": {"self": public_url("api.entry", noun=noun, entry_id=entry_id)},
            "meta": {},
        },
        201,
    )
    response.headers["Location"] = public_url("api.entry", noun=noun, entry_id=entry_id)
    return response


def _me():
    return current_user._get_current_object()


# --- stakeholders ------------------------------------------------------------------------------


@bp.route("/stakeholders", methods=["POST"], endpoint="create_stakeholder")
@requires("stakeholder.create")
def create_stakeholder():
    """Register an organization as its form does: a draft, or submitted for review."""
    body = _body(schemas.StakeholderIn)
    if isinstance(body, Response):
        return body
    values = body.model_dump(exclude={"submit"})
    form = StakeholderForm(formdata=_formdata(values), meta=NO_CSRF)
    if not form.validate():
        return _form_errors(form)
    data = form.data_for_model()
    user = _me()
    try:
        stakeholder_services.check_identifier_free(None, data["org_identifier"])
        matches = similar_stakeholders(data["name"], org_identifier=data["org_identifier"])
        if matches and not form.not_listed.data:
            return _invalid(
                [
                    (
                        "#/not_listed",
                        _(
                            "Organizations with a name like this are registered already: "
                            "%(names)s. If yours is one of them, ask to join it on the site; "
                            "if not, send not_listed: true.",
                            names="; ".join(f"{m.name} (#{m.id})" for m in matches),
                        ),
                    )
                ]
            )
        with committing():
            stakeholder = stakeholder_services.create_stakeholder(data, user)
            if body.submit:
                if not can(user, "stakeholder.submit", stakeholder):
                    raise Refused(
                        _("Confirm your email address before submitting entries for review."),
                        403,
                    )
                stakeholder_services.submit(stakeholder, user)
    except (stakeholder_services.IdentifierTaken, Taken):  # checked first, or lost a race
        return _invalid(
            [("#/org_identifier", _("Another organization already has this identifier"))]
        )
    except Refused as refusal:
        return _refusal(refusal.status, refusal.message)
    return _created("stakeholders", stakeholder.id)


# --- commitments -------------------------------------------------------------------------------


@bp.route("/commitments", methods=["POST"], endpoint="create_commitment")
@requires("commitment.create")
def create_commitment():
    """Write a commitment for an organization the token's owner acts for, as its form does."""
    body = _body(schemas.CommitmentIn)
    if isinstance(body, Response):
        return body
    user = _me()
    stakeholder = db.session.get(Stakeholder, body.stakeholder_id)
    if (
        stakeholder is None
        or stakeholder.merged_into_id is not None
        or not can(user, "stakeholder.view", stakeholder)
    ):
        return _invalid([("#/stakeholder_id", _("There is no organization with this id."))])
    if not can(user, "commitment.write_for", stakeholder):
        return _refusal(403, _("You can write commitments only for organizations you act for."))
    values = body.model_dump(exclude={"submit", "stakeholder_id"})
    form = CommitmentForm(
        formdata=_formdata(values),
        meta=NO_CSRF,
        initiatives=commitment_services.initiatives_for(stakeholder),
        engagements=commitment_services.engagements_for(stakeholder),
    )
    if not form.validate():
        return _form_errors(form)
    try:
        with committing():
            commitment = commitment_services.create(stakeholder, form.data_for_model(), user)
            if body.submit:
                if not can(user, "entry.submit", commitment):
                    raise Refused(
                        _("Confirm your email address before submitting entries for review."),
                        403,
                    )
                commitment_services.submit(commitment, user)
    except FieldRefused as refusal:
        return _invalid([(_pointer(refusal.field), refusal.message)])
    except Refused as refusal:
        return _refusal(refusal.status, refusal.message)
    return _created("commitments", commitment.id)


# --- progress reports --------------------------------------------------------------------------


def _report(report: ProgressReport) -> dict[str, Any]:
    def day(value: date | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "id": report.id,
        "commitment_id": report.commitment_id,
        "reported_on": day(report.reported_on),
        "covers_from": day(report.covers_from),
        "covers_to": day(report.covers_to),
        "narrative": report.narrative,
        "evidence_url": report.evidence_url,
        "verification": str(report.verification),
        "updates": [
            {"deliverable_id": u.deliverable_id, "achieved": u.achieved, "done_on": day(u.done_on)}
            for u in report.updates
        ],
    }


@bp.route("/commitments/<int:commitment_id>/reports", methods=["POST"], endpoint="create_report")
@requires("commitment.report")
def create_report(commitment_id: int):
    """Report progress on a published commitment, as its report form does: public at once."""
    user = _me()
    commitment: Commitment | None = commitment_queries.get_commitment(commitment_id)
    if commitment is None or not can(user, "entry.view", commitment):
        return _refusal(404, _("There is no commitment with this id."))
    if commitment.status != Status.APPROVED:
        return _refusal(
            409,
            _("Progress is reported on published commitments only: this one is not public yet."),
        )
    if not can(user, "commitment.report", commitment):
        return _refusal(403, _("You can report only on commitments of organizations you act for."))
    body = _body(schemas.ReportIn)
    if isinstance(body, Response):
        return body
    form = ReportForm(formdata=_formdata(body.model_dump()), meta=NO_CSRF)
    if not form.validate():
        return _form_errors(form)
    try:
        with committing():
            report = commitment_services.add_report(commitment, form.data_for_model(), user)
    except FieldRefused as refusal:
        return _invalid([(_pointer(refusal.field), refusal.message)])
    except Refused as refusal:
        return _refusal(refusal.status, refusal.message)
    location = public_url("api.entry", noun="commitments", entry_id=commitment.id)
    response = document({"data": _report(report), "links": {"commitment": location}, "meta": {}})
    response.status_code = 201
    response.headers["Location"] = location
    return response
