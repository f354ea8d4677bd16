"""Forms for registering and editing stakeholders, their contacts, claims and withdrawals.

Every field is checked here, server-side, with a message that says how to put it right; the
browser's own checks are only a convenience (forms are sent with ``novalidate``).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    Optional,
    StopValidation,
    ValidationError,
)

from registry import countries
from registry.forms import IsoDateField, MultiCheckboxField, clean_text, one_line
from registry.models import SCALE_LABELS, Scale
from registry.models.stakeholders import ORG_ID, normalize_org_identifier
from registry.taxonomy import CONSTITUENCIES, CONSTITUENCY_CODES, SECTOR_CODES, SECTORS
from registry.text import split_url

SCALE_HINTS = {
    Scale.LOCAL: _l("A city, district, neighbourhood or settlement"),
    Scale.NATIONAL: _l("One country"),
    Scale.REGIONAL: _l("Several countries in one region"),
    Scale.GLOBAL: _l("Worldwide"),
}

PHONE = re.compile(r"^[0-9 +().-]*$")


COUNTRY_CODES = countries.codes()


def latest_today() -> date:
    """Today's date where it is latest on Earth (UTC+14): a date someone gave today, in
    their own time zone, is never "in the future"."""
    return (datetime.now(UTC) + timedelta(hours=14)).date()


def _one_of(codes: frozenset[str], message: Any):
    def check(form: FlaskForm, field: Field) -> None:
        values = field.data if isinstance(field.data, list) else [field.data]
        if any(v and v not in codes for v in values):
            raise ValidationError(str(message))

    return check


# A scheme before "://" or before a colon that is not a port ("javascript:", "mailto:").
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:(?:/|(?![0-9]))", re.IGNORECASE)


def normalize_website(value: Any) -> Any:
    """``example.org`` or ``www.example.org/path`` as people type them, with https:// in front.

    Only an address with no scheme at all gets one; anything with a scheme is left as typed,
    so ``javascript:`` and the like still reach ``_website`` and are refused there. A filter,
    not a step in the view: create, edit and a proposed change all store the same form."""
    if not isinstance(value, str) or not value:
        return value
    if value.startswith("//"):
        return "https:" + value
    if _SCHEME.match(value):
        return value
    return "https://" + value


def _website(form: FlaskForm, field: Field) -> None:
    value = field.data or ""
    if not value:
        return
    parts = split_url(value)
    message = _("Enter the website's full address, starting with https:// or http://")
    if parts is None or parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        raise ValidationError(message)
    # A public website has a name with a dot in it: not "localhost", not "https://kwsc", not
    # a bracketed IP address that no visitor could use.
    if " " in value or "[" in parts.netloc or "." not in parts.hostname.strip("."):
        raise ValidationError(message)


def _org_identifier(form: FlaskForm, field: Field) -> None:
    if field.data and not ORG_ID.match(field.data):
        raise ValidationError(
            _(
                "Enter the identifier as org-id.guide writes it: the list's prefix, a hyphen, "
                "then the number, like XM-DAC-41120 or GB-CHC-1234567"
            )
        )


class StakeholderForm(FlaskForm):
    """Register or edit an organization."""

    name = StringField(
        _l("Name of the organization"),
        description=_l("Its full name, as the organization writes it."),
        filters=[one_line],
        validators=[
            DataRequired(_l("Enter the name of the organization")),
            Length(max=200, message=_l("The name must be 200 characters or fewer")),
        ],
    )
    acronym = StringField(
        _l("Acronym or short name (optional)"),
        filters=[one_line],
        validators=[Length(max=30, message=_l("The acronym must be 30 characters or fewer"))],
    )
    org_identifier = StringField(
        _l("Organization identifier (optional)"),
        description=_l(
            "Its identifier on org-id.guide, if it has one, like XM-DAC-41120 or KE-RCO-12345."
        ),
        filters=[normalize_org_identifier],
        validators=[
            Length(max=80, message=_l("The identifier must be 80 characters or fewer")),
            _org_identifier,
        ],
    )
    sector = SelectField(
        _l("Sector"),
        description=_l("What kind of body the organization is."),
        validate_choice=False,  # checked below, with a message that says what to do
        filters=[clean_text],
        validators=[
            DataRequired(_l("Choose the organization's sector")),
            _one_of(SECTOR_CODES, _l("Choose a sector from the list")),
        ],
    )
    constituencies = MultiCheckboxField(
        _l("Whom does it speak for? (optional)"),
        description=_l("Select all that apply."),
        validate_choice=False,
        validators=[_one_of(CONSTITUENCY_CODES, _l("Choose groups from the list"))],
    )
    country = SelectField(
        _l("Country (optional)"),
        description=_l("Where it is based."),
        validate_choice=False,
        filters=[lambda v: clean_text(v).upper() if isinstance(v, str) else v],
        validators=[_one_of(COUNTRY_CODES, _l("Choose a country from the list"))],
    )
    city = StringField(
        _l("City or locality (optional)"),
        filters=[one_line],
        validators=[Length(max=120, message=_l("The city must be 120 characters or fewer"))],
    )
    scale = RadioField(
        _l("At what scale does it work?"),
        validate_choice=False,
        filters=[clean_text],
        validators=[
            DataRequired(_l("Choose the scale the organization works at")),
            _one_of(frozenset(s.value for s in Scale), _l("Choose a scale from the list")),
        ],
    )
    website = URLField(
        _l("Website (optional)"),
        description=_l("For example www.example.org"),
        filters=[clean_text, normalize_website],
        validators=[
            Length(max=300, message=_l("The website address must be 300 characters or fewer")),
            _website,
        ],
    )
    description = TextAreaField(
        _l("What does it do? (optional)"),
        description=_l("A few sentences about its work. Up to 5,000 characters."),
        filters=[clean_text],
        validators=[
            Length(max=5000, message=_l("The description must be 5,000 characters or fewer"))
        ],
    )
    # The version the editor loaded: a save based on an older one is refused (409).
    version = HiddenField()
    # Shown only when similar organizations exist: the user says theirs is not among them.
    not_listed = BooleanField(_l("None of these is my organization"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sector.choices = [("", _("Choose a sector"))] + [
            (code, _(name)) for code, name in SECTORS
        ]
        self.constituencies.choices = [(code, _(name)) for code, name in CONSTITUENCIES]
        self.country.choices = [("", _("Not given")), *countries.by_name()]
        self.scale.choices = [(s.value, SCALE_LABELS[s]) for s in Scale]

    def data_for_model(self) -> dict[str, Any]:
        """The values as ``revisions.FIELDS`` names them; an empty optional value is None."""
        return {
            "name": self.name.data,
            "acronym": self.acronym.data or None,
            "org_identifier": self.org_identifier.data or None,
            "sector_code": self.sector.data,
            "constituencies": sorted(set(self.constituencies.data or [])),
            "country": self.country.data or None,
            "city": self.city.data or None,
            "scale": Scale(self.scale.data),
            "website": self.website.data or None,
            "description": self.description.data or "",
        }

    @classmethod
    def from_values(cls, values: dict[str, Any], **kwargs: Any) -> StakeholderForm:
        """A form showing ``values`` (a ``revisions.snapshot`` or a revision's data)."""
        return cls(
            formdata=None,
            name=values.get("name"),
            acronym=values.get("acronym"),
            org_identifier=values.get("org_identifier"),
            sector=values.get("sector_code"),
            constituencies=list(values.get("constituencies") or []),
            country=values.get("country"),
            city=values.get("city"),
            scale=values.get("scale"),
            website=values.get("website"),
            description=values.get("description"),
            **kwargs,
        )


def _phone(form: FlaskForm, field: Field) -> None:
    value = field.data or ""
    if value and (not PHONE.match(value) or not any(ch.isdigit() for ch in value)):
        raise ValidationError(
            _("Enter a phone number using digits, spaces and + ( ) - . only, like +254 20 123 4567")
        )


def _date_required(form: FlaskForm, field: Field) -> None:
    # Not DataRequired: it would replace a format error with "enter the date".
    if field.data is None and not field.process_errors:
        raise StopValidation(_("Enter the date the person agreed, like 2026-03-27"))


def _not_in_future(form: FlaskForm, field: Field) -> None:
    if field.data and field.data > latest_today():
        raise ValidationError(_("The date of consent cannot be in the future"))


class ContactForm(FlaskForm):
    """A focal person of the organization: personal data, never shown to the public."""

    name = StringField(
        _l("Full name"),
        filters=[one_line],
        validators=[
            DataRequired(_l("Enter the person's name")),
            Length(max=120, message=_l("The name must be 120 characters or fewer")),
        ],
    )
    position = StringField(
        _l("Position (optional)"),
        description=_l("Their role in the organization, like Programme coordinator."),
        filters=[one_line],
        validators=[Length(max=120, message=_l("The position must be 120 characters or fewer"))],
    )
    email = EmailField(
        _l("Email address (optional)"),
        filters=[clean_text],
        validators=[
            Optional(),
            Length(max=254, message=_l("The email address must be 254 characters or fewer")),
            Email(_l("Enter an email address in the right format, like name@example.org")),
        ],
    )
    phone = StringField(
        _l("Phone number (optional)"),
        description=_l("With the country code, like +254 20 123 4567."),
        filters=[clean_text],
        validators=[
            Length(max=40, message=_l("The phone number must be 40 characters or fewer")),
            _phone,
        ],
    )
    consent_at = IsoDateField(
        _l("Date the person agreed to be listed"),
        format_message=_l("Enter the date the person agreed as year-month-day, like 2026-03-27"),
        description=_l(
            "Staff can see these details; the public never can. Only add someone who agreed to "
            "it. For example 2026-03-27."
        ),
        validators=[
            _date_required,
            _not_in_future,
        ],
    )

    def data_for_model(self) -> dict[str, Any]:
        consent = self.consent_at.data
        return {
            "name": self.name.data,
            "position": self.position.data or None,
            "email": (self.email.data or "").lower() or None,
            "phone": self.phone.data or None,
            "consent_at": datetime(consent.year, consent.month, consent.day, tzinfo=UTC),
        }


class ClaimForm(FlaskForm):
    """Ask to act for an organization already in the registry."""

    message = TextAreaField(
        _l("Who are you, and how can staff check it?"),
        description=_l(
            "Your role in the organization, and how we can confirm it: an official email "
            "address, a colleague we can contact, a web page that names you."
        ),
        filters=[clean_text],
        validators=[
            DataRequired(_l("Tell us who you are and how staff can check it")),
            Length(max=2000, message=_l("The message must be 2,000 characters or fewer")),
        ],
    )


class SubmitForm(FlaskForm):
    """Submit an entry for review: a CSRF-protected POST button."""


class WithdrawForm(FlaskForm):
    comment = TextAreaField(
        _l("Why are you withdrawing it? (optional)"),
        filters=[clean_text],
        validators=[Length(max=2000, message=_l("The reason must be 2,000 characters or fewer"))],
    )


class DeleteForm(FlaskForm):
    """Remove a contact person: a CSRF-protected POST button."""
