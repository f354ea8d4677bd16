"""Forms for initiatives and partnerships. Every field is checked here, server-side, with a
message that says how to put it right (forms are sent with ``novalidate``)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from registry import countries
from registry.forms import IsoDateField, clean_text, one_line
from registry.frameworks import picker
from registry.models import (
    INITIATIVE_KIND_LABELS,
    INITIATIVE_STATUS_LABELS,
    PARTNERSHIP_BASIS_LABELS,
    PARTNERSHIP_ROLE_LABELS,
    InitiativeKind,
    InitiativeStatus,
    PartnershipBasis,
    PartnershipRole,
)
from registry.stakeholders.forms import _one_of, _website, normalize_website

DATE_FORMAT = _l("Enter the date as year-month-day, like 2024-03-31")
COUNTRY_CODES = countries.codes()


def _stakeholder_id(value: Any) -> Any:
    """A chosen organization's id; anything else (a name, a huge number) is no choice."""
    if isinstance(value, str):
        value = value.strip()
        return int(value) if value.isdecimal() and 0 < int(value) < 2**31 else None
    return value


def _choices(labels: dict) -> list[tuple[str, str]]:
    return [(member.value, str(label)) for member, label in labels.items()]


def stakeholder_pick(label: Any, description: Any) -> tuple[Field, Field]:
    """A search box (``<name>_q``) and the organization chosen from its matches: htmx lists
    the matches as radio buttons while the user types; without JavaScript the form comes back
    with them to choose from. The view resolves the choice (``views.pick``)."""
    query = StringField(
        label,
        description=description,
        filters=[one_line],
        validators=[Length(max=200, message=_l("Type at most 200 characters"))],
    )
    chosen = HiddenField(filters=[_stakeholder_id])
    return query, chosen


class InitiativeForm(picker.AlignmentForm, FlaskForm):
    title = StringField(
        _l("Title"),
        description=_l("As the initiative names itself, e.g. “National Urban Policy Programme”."),
        filters=[one_line],
        validators=[
            DataRequired(_l("Enter the initiative's title")),
            Length(max=200, message=_l("The title must be 200 characters or fewer")),
        ],
    )
    kind = SelectField(
        _l("Kind"),
        validate_choice=False,
        filters=[clean_text],
        validators=[
            DataRequired(_l("Choose what kind of initiative it is")),
            _one_of(frozenset(k.value for k in InitiativeKind), _l("Choose a kind from the list")),
        ],
    )
    status = SelectField(
        _l("Status"),
        validate_choice=False,
        filters=[clean_text],
        validators=[
            DataRequired(_l("Choose the initiative's status")),
            _one_of(
                frozenset(s.value for s in InitiativeStatus), _l("Choose a status from the list")
            ),
        ],
    )
    summary = TextAreaField(
        _l("Summary (optional)"),
        description=_l("What it does, with whom, for whom. Up to 5,000 characters."),
        filters=[clean_text],
        validators=[Length(max=5000, message=_l("The summary must be 5,000 characters or fewer"))],
    )
    lead_q, lead_stakeholder_id = stakeholder_pick(
        _l("Lead organization (optional)"),
        _l("Type part of its name, then choose it from the organizations found."),
    )
    countries = SelectMultipleField(
        _l("Countries (optional)"),
        description=_l("Where it works. Hold Ctrl (or ⌘) to choose several."),
        validate_choice=False,
        validators=[_one_of(COUNTRY_CODES, _l("Choose countries from the list"))],
    )
    cities = StringField(
        _l("Cities or localities (optional)"),
        description=_l("Separated by commas, e.g. “Nakuru, Kisumu”."),
        filters=[one_line],
        validators=[Length(max=300, message=_l("The cities must be 300 characters or fewer"))],
    )
    starts_on = IsoDateField(
        _l("Start date"),
        format_message=DATE_FORMAT,
        validators=[InputRequired(_l("Enter the date it started or starts"))],
    )
    ends_on = IsoDateField(_l("End date (optional)"), format_message=DATE_FORMAT)
    website = StringField(
        _l("Website (optional)"),
        filters=[clean_text, normalize_website],
        validators=[
            Length(max=300, message=_l("The website address must be 300 characters or fewer")),
            _website,
        ],
    )
    alignment, alignment_q = picker.fields()
    version = HiddenField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [("", _("Choose a kind")), *_choices(INITIATIVE_KIND_LABELS)]
        self.status.choices = _choices(INITIATIVE_STATUS_LABELS)
        self.countries.choices = countries.by_name()

    def validate_ends_on(self, field: Field) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_("The end date must be on or after the start date"))

    def data_for_model(self) -> dict[str, Any]:
        return {
            "title": self.title.data,
            "kind": InitiativeKind(self.kind.data),
            "status": InitiativeStatus(self.status.data),
            "summary": self.summary.data or "",
            "lead_stakeholder_id": self.lead_stakeholder_id.data or None,
            "countries": sorted(set(self.countries.data or [])),
            "cities": self.cities.data or None,
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
            "website": self.website.data or None,
            "alignment": self.alignment_ids(),
        }


def _role_field(label: Any = None) -> SelectField:
    return SelectField(
        label or _l("Role"),
        validate_choice=False,
        filters=[clean_text],
        validators=[
            DataRequired(_l("Choose the partner's role")),
            _one_of(frozenset(r.value for r in PartnershipRole), _l("Choose a role from the list")),
        ],
    )


def _basis_field() -> SelectField:
    return SelectField(
        _l("Basis"),
        description=_l("What the partnership rests on."),
        validate_choice=False,
        filters=[clean_text],
        validators=[
            DataRequired(_l("Choose the basis of the partnership")),
            _one_of(
                frozenset(b.value for b in PartnershipBasis), _l("Choose a basis from the list")
            ),
        ],
    )


class _Period:
    def validate_ends_on(self, field: Field) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_("The end date must be on or after the start date"))


class PartnerFields(_Period, FlaskForm):
    """Role, basis and period: editing a partnership in place."""

    role = _role_field()
    basis = _basis_field()
    starts_on = IsoDateField(_l("From (optional)"), format_message=DATE_FORMAT)
    ends_on = IsoDateField(_l("Until (optional)"), format_message=DATE_FORMAT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = [("", _("Choose a role")), *_choices(PARTNERSHIP_ROLE_LABELS)]
        self.basis.choices = _choices(PARTNERSHIP_BASIS_LABELS)
        if not self.basis.data:
            self.basis.data = PartnershipBasis.INFORMAL.value

    def partnership_data(self) -> dict[str, Any]:
        return {
            "role": PartnershipRole(self.role.data),
            "basis": PartnershipBasis(self.basis.data),
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
        }


class PartnerForm(PartnerFields):
    """Add a partner: an approved organization found by name, then its role and period."""

    stakeholder_q, stakeholder_id = stakeholder_pick(
        _l("Organization"),
        _l("Type part of its name, then choose it from the organizations found."),
    )


class EndForm(FlaskForm):
    ends_on = IsoDateField(
        _l("Ended on"),
        format_message=DATE_FORMAT,
        validators=[InputRequired(_l("Enter the date the partnership ended"))],
    )
    note = StringField(
        _l("Why (optional)"),
        filters=[one_line],
        validators=[Length(max=500, message=_l("Keep the reason to 500 characters or fewer"))],
    )


class JoinForm(_Period, FlaskForm):
    """A member asks, on behalf of its organization, to join an initiative."""

    stakeholder_id = SelectField(
        _l("On behalf of"),
        validate_choice=False,
        filters=[_stakeholder_id],
        validators=[DataRequired(_l("Choose the organization that would join"))],
    )
    role = _role_field(_l("Role you propose"))
    starts_on = IsoDateField(_l("From (optional)"), format_message=DATE_FORMAT)
    ends_on = IsoDateField(_l("Until (optional)"), format_message=DATE_FORMAT)
    message = TextAreaField(
        _l("What would your organization bring? (optional)"),
        description=_l("The staff read this when they decide. Up to 2,000 characters."),
        filters=[clean_text],
        validators=[Length(max=2000, message=_l("Keep the message to 2,000 characters or fewer"))],
    )

    def __init__(self, *args: Any, organizations=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stakeholder_id.choices = [(str(s.id), s.name) for s in organizations]
        # Asking to lead is for staff to settle with the lead: members offer the other roles.
        self.role.choices = [
            ("", _("Choose a role")),
            *[
                (role.value, str(label))
                for role, label in PARTNERSHIP_ROLE_LABELS.items()
                if role != PartnershipRole.LEAD
            ],
        ]

    def validate_role(self, field: Field) -> None:
        if field.data == PartnershipRole.LEAD.value:
            raise ValidationError(_("Choose a role from the list"))

    def join_data(self) -> dict[str, Any]:
        return {
            "role": PartnershipRole(self.role.data),
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
            "message": self.message.data or "",
        }
