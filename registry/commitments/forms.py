"""The commitment form, with repeating rows of deliverables and resources (the progress report
form is in ``report_forms``). Every field is checked here, server-side, with a message that
says how to put it right (forms are sent with ``novalidate``); the domain's rules are the
services'.

Rows are added and removed by submit buttons (``action`` = ``add-deliverable``,
``remove-deliverable-2`` …): htmx sends them and swaps the rows in place; without JavaScript
the same buttons post the form and it comes back with the row added or removed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    Field,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from registry import currencies
from registry.forms import IsoDateField, clean_text, one_line
from registry.frameworks import picker
from registry.models import RESOURCE_KIND_LABELS, ResourceKind

DATE_FORMAT = _l("Enter the date as year-month-day, like 2026-03-31")
MAX_DELIVERABLES = 30
MAX_RESOURCES = 20
_SEPARATORS = re.compile(r"[\s,_\u00a0\u202f]")  # 1,000 or 1 000: thousands, not decimals


def _id(value: Any) -> Any:
    """A row's or an item's id; anything else (text, a huge number) is none."""
    if isinstance(value, str):
        value = value.strip()
        return int(value) if value.isdecimal() and 0 < int(value) < 2**31 else None
    return value


class NumberField(StringField):
    """A number as people type it ("80", "2.5", "1,000,000"); blank is none. Anything else is
    a clear error, never a guess; so are infinities and NaN."""

    def __init__(self, *args: Any, message: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.message = message or _l("Enter a number, such as 80 or 2.5")

    def process_formdata(self, valuelist: list[str]) -> None:
        text = _SEPARATORS.sub("", valuelist[0] if valuelist else "")
        self.raw = (valuelist[0] if valuelist else "").strip()
        if not text:
            self.data = None
            return
        try:
            number = float(text)
        except ValueError:
            self.data = None
            raise ValueError(str(self.message)) from None
        if not math.isfinite(number) or abs(number) > 1e15:
            self.data = None
            raise ValueError(str(_l("Enter a number that is not so large")))
        self.data = number

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return f"{self.data:g}" if abs(self.data) < 1e15 else str(self.data)


class DeliverableForm(Form):
    id = HiddenField(filters=[_id])
    title = StringField(
        _l("Deliverable"),
        description=_l("What will exist or be done, e.g. “Cities trained on the framework”."),
        filters=[one_line],
        validators=[Length(max=300, message=_l("The deliverable must be 300 characters or fewer"))],
    )
    indicator = StringField(
        _l("Indicator (optional)"),
        description=_l("How it is measured, e.g. “number of cities reporting”."),
        filters=[one_line],
        validators=[Length(max=300, message=_l("The indicator must be 300 characters or fewer"))],
    )
    baseline = NumberField(_l("Baseline (optional)"), description=_l("Where it stands today."))
    target = NumberField(_l("Target"), description=_l("The value to reach."))
    unit = StringField(
        _l("Unit (optional)"),
        description=_l("e.g. cities, people."),
        filters=[one_line],
        validators=[Length(max=60, message=_l("The unit must be 60 characters or fewer"))],
    )
    due_on = IsoDateField(_l("Due date"), format_message=DATE_FORMAT, validators=[Optional()])

    def is_blank(self) -> bool:
        return not any(
            (self.title.data, self.indicator.data, self.unit.data, self.due_on.data)
        ) and (self.baseline.data is None and self.target.data is None)

    def validate_title(self, field: Field) -> None:
        if not field.data and not self.is_blank():
            raise ValidationError(_("Give the deliverable a title"))

    def values(self) -> dict[str, Any]:
        return {
            "id": self.id.data or None,
            "title": self.title.data,
            "indicator": self.indicator.data or None,
            "baseline": self.baseline.data,
            "target": self.target.data,
            "unit": self.unit.data or None,
            "due_on": self.due_on.data.isoformat() if self.due_on.data else None,
        }


class ResourceForm(Form):
    id = HiddenField(filters=[_id])
    kind = SelectField(_l("Kind of resource"), validate_choice=False, filters=[clean_text])
    amount = NumberField(
        _l("Amount"),
        description=_l("For money: the amount pledged."),
        message=_l("Enter the amount as a number, such as 250000"),
    )
    currency = SelectField(_l("Currency"), validate_choice=False, filters=[clean_text])
    description = StringField(
        _l("What is offered"),
        description=_l("e.g. “two trainers for six months”, or what the money is for."),
        filters=[one_line],
        validators=[Length(max=300, message=_l("The description must be 300 characters or fewer"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [
            ("", _("Choose a kind")),
            *((k.value, str(label)) for k, label in RESOURCE_KIND_LABELS.items()),
        ]
        self.currency.choices = [("", _("No currency")), *currencies.choices()]

    def is_blank(self) -> bool:
        return not (self.kind.data or self.currency.data or self.description.data) and (
            self.amount.data is None
        )

    def validate_kind(self, field: Field) -> None:
        if self.is_blank():
            return
        if field.data not in {k.value for k in ResourceKind}:
            raise ValidationError(_("Choose the kind of resource"))

    def validate_amount(self, field: Field) -> None:
        if field.data is not None and field.data < 0:
            raise ValidationError(_("The amount cannot be negative"))
        if field.data is not None and field.data > 1e12:
            raise ValidationError(_("Enter an amount below a trillion"))
        if self.kind.data == ResourceKind.FINANCIAL.value and field.data is None:
            raise ValidationError(_("Enter the amount of money"))

    def validate_currency(self, field: Field) -> None:
        if field.data and not currencies.is_known(field.data):
            raise ValidationError(_("Choose a currency from the list"))
        if self.kind.data == ResourceKind.FINANCIAL.value and not field.data:
            raise ValidationError(_("Choose the currency of the amount"))

    def validate_description(self, field: Field) -> None:
        if self.kind.data and self.kind.data != ResourceKind.FINANCIAL.value and not field.data:
            raise ValidationError(_("Say what is offered"))

    def values(self) -> dict[str, Any]:
        return {
            "id": self.id.data or None,
            "kind": self.kind.data,
            "amount": self.amount.data,
            "currency": (self.currency.data or "").upper() or None,
            "description": self.description.data or None,
        }


class CommitmentForm(picker.AlignmentForm, FlaskForm):
    title = StringField(
        _l("Title"),
        description=_l(
            "The pledge in a line, e.g. “80 cities apply the Global Urban Monitoring Framework”."
        ),
        filters=[one_line],
        validators=[
            DataRequired(_l("Enter a title")),
            Length(max=200, message=_l("The title must be 200 characters or fewer")),
        ],
    )
    description = TextAreaField(
        _l("Description"),
        description=_l("What will be done, for whom and where. Up to 10,000 characters."),
        filters=[clean_text],
        validators=[
            Length(max=10000, message=_l("The description must be 10,000 characters or fewer"))
        ],
    )
    initiative_id = SelectField(
        _l("Within an initiative (optional)"),
        description=_l("An initiative your organization is a partner of."),
        validate_choice=False,
        filters=[_id],
    )
    engagement_id = SelectField(
        _l("Announced at (optional)"),
        description=_l("The roundtable or conference where the pledge was made."),
        validate_choice=False,
        filters=[_id],
    )
    starts_on = IsoDateField(_l("Start date (optional)"), format_message=DATE_FORMAT)
    ends_on = IsoDateField(_l("End date"), format_message=DATE_FORMAT)
    deliverables = FieldList(
        FormField(DeliverableForm), min_entries=1, max_entries=MAX_DELIVERABLES
    )
    resources = FieldList(FormField(ResourceForm), min_entries=1, max_entries=MAX_RESOURCES)
    alignment, alignment_q = picker.fields()
    version = HiddenField()

    def __init__(self, *args: Any, initiatives=(), engagements=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initiative_id.choices = [("", _("None")), *((i.id, i.title) for i in initiatives)]
        self.engagement_id.choices = [("", _("None")), *((e.id, e.title) for e in engagements)]

    def validate_ends_on(self, field: Field) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_("The end date must be on or after the start date"))

    def data_for_model(self) -> dict[str, Any]:
        """The form as plain values, the shape the services, revisions and SMART rule read;
        blank rows are left out."""
        return {
            "title": self.title.data or "",
            "description": self.description.data or "",
            "initiative_id": self.initiative_id.data or None,
            "engagement_id": self.engagement_id.data or None,
            "starts_on": self.starts_on.data.isoformat() if self.starts_on.data else None,
            "ends_on": self.ends_on.data.isoformat() if self.ends_on.data else None,
            "deliverables": [
                row.form.values() for row in self.deliverables if not row.form.is_blank()
            ],
            "resources": [row.form.values() for row in self.resources if not row.form.is_blank()],
            "alignment": self.alignment_ids(),
        }

    def field_named(self, name: str) -> Field | None:
        """The field whose input is named ``name`` (a service's refusal names it so)."""
        return next((field for field in fields_of(self) if field.name == name), None)


def fields_of(form: Any) -> Iterator[Field]:
    """Every input field of ``form``, those in its rows included."""
    for field in form:
        if isinstance(field, FieldList):
            for entry in field:
                yield from fields_of(entry.form)
        elif isinstance(field, FormField):
            yield from fields_of(field.form)
        else:
            yield field


class ButtonForm(FlaskForm):
    """A button that changes something: its CSRF token, nothing more."""
