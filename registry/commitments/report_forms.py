"""The progress report form: the report's date and period, what happened, an evidence link,
and one row per deliverable of the commitment (the value achieved so far, or the day it was
done). Fields are parsed and checked here with a message that says how to put them right;
the domain's rules (dates, whose deliverables) are the services'.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, FieldList, Form, FormField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from registry.commitments.forms import DATE_FORMAT, MAX_DELIVERABLES, NumberField, _id, fields_of
from registry.commitments.services import is_web_link
from registry.forms import IsoDateField, clean_text


class DeliverableUpdateForm(Form):
    deliverable_id = HiddenField(filters=[_id])
    achieved = NumberField(
        _l("Achieved so far (optional)"),
        description=_l("The value reached to date, in the deliverable's unit."),
    )
    done_on = IsoDateField(
        _l("Done on (optional)"),
        description=_l("Only once it is done: the day it was finished, like 2026-03-31."),
        format_message=DATE_FORMAT,
    )

    def validate_achieved(self, field: Field) -> None:
        if field.data is not None and field.data < 0:
            raise ValidationError(_("The value cannot be negative"))

    def values(self) -> dict[str, Any]:
        return {
            "deliverable_id": self.deliverable_id.data,
            "achieved": self.achieved.data,
            "done_on": self.done_on.data,
        }


class ReportForm(FlaskForm):
    reported_on = IsoDateField(
        _l("Date of the report"),
        description=_l("Today, or an earlier day: like 2026-03-31."),
        format_message=DATE_FORMAT,
    )
    covers_from = IsoDateField(_l("Period covered: from (optional)"), format_message=DATE_FORMAT)
    covers_to = IsoDateField(_l("Period covered: to (optional)"), format_message=DATE_FORMAT)
    narrative = TextAreaField(
        _l("What happened"),
        description=_l("What was done in the period, what changed, what got in the way."),
        filters=[clean_text],
        validators=[
            Length(max=10000, message=_l("Write 10,000 characters or fewer")),
        ],
    )
    evidence_url = StringField(
        _l("Evidence link (optional)"),
        description=_l("A web page that shows it, starting with https://"),
        filters=[clean_text],
        validators=[Length(max=500, message=_l("The link must be 500 characters or fewer"))],
    )
    updates = FieldList(FormField(DeliverableUpdateForm), max_entries=MAX_DELIVERABLES)

    def validate_covers_to(self, field: Field) -> None:
        if field.data and self.covers_from.data and field.data < self.covers_from.data:
            raise ValidationError(_("The end of the period must be on or after its start"))

    def validate_evidence_url(self, field: Field) -> None:
        if field.data and not is_web_link(field.data):
            raise ValidationError(_("Enter a web address starting with http:// or https://"))

    def data_for_model(self) -> dict[str, Any]:
        """The form as the plain values ``services.add_report`` reads; every row kept, so a
        refusal's field name (``updates-2-achieved``) is the row on the page."""
        return {
            "reported_on": self.reported_on.data,
            "covers_from": self.covers_from.data,
            "covers_to": self.covers_to.data,
            "narrative": self.narrative.data or "",
            "evidence_url": self.evidence_url.data or None,
            "updates": [row.form.values() for row in self.updates],
        }

    def field_named(self, name: str) -> Field | None:
        """The field whose input is named ``name`` (a service's refusal names it so)."""
        return next((field for field in fields_of(self) if field.name == name), None)


class HideReportForm(FlaskForm):
    reason = TextAreaField(
        _l("Why is it hidden?"),
        description=_l(
            "Administrators see this reason beside the hidden report; the public does not."
        ),
        filters=[clean_text],
        validators=[
            DataRequired(_l("Say why the report is hidden")),
            Length(max=2000, message=_l("Write 2,000 characters or fewer")),
        ],
    )
