"""Forms for engagements, their participants and outcomes.

Every field is checked here, server-side, with a message beside the field that says how to
put it right (forms are sent with ``novalidate``). The engagement form takes the event's
local dates and times and its zone, and gives the service UTC instants.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import TimeInput

from registry import countries
from registry.engagements import times
from registry.engagements.queries import MAX_DURATION
from registry.forms import IsoDateField, clean_text, one_line
from registry.frameworks import picker
from registry.models.engagements import (
    KIND_LABELS,
    OUTCOME_LABELS,
    ROLE_LABELS,
    EngagementKind,
    OutcomeKind,
    ParticipantRole,
)
from registry.text import split_url

MAX_COUNT = 10_000_000  # more people than any meeting has had: a typing slip
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.h]?([0-5]\d)$")
COUNTRY_CODES = countries.codes()


def _choice(values: frozenset[str], message: Any):
    def check(form: FlaskForm, field: Field) -> None:
        if field.data and field.data not in values:
            raise ValidationError(str(message))

    return check


class TimeText(StringField):
    """A local time of day, "12:45" (a browser's time input sends that; "12.45" and "1245"
    are read too). Blank is "no answer"; anything else unreadable says how to write it."""

    widget = TimeInput()

    def __init__(self, *args: Any, format_message: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.format_message = format_message
        self.parsed: time | None = None

    def process_formdata(self, valuelist: list[str]) -> None:
        super().process_formdata(valuelist)
        text = clean_text(self.data or "")
        self.data = text
        self.parsed = None
        if not text:
            return
        match = _TIME.match(text[:10])
        if match is None:
            raise ValueError(str(self.format_message))
        self.parsed = time(int(match.group(1)), int(match.group(2)))
        self.data = f"{self.parsed:%H:%M}"

    def _value(self) -> str:
        return self.data or ""


class CountField(StringField):
    """A whole number of people, countries or organizations (optional)."""

    def __init__(self, *args: Any, message: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.message = message
        self.number: int | None = None

    def process_formdata(self, valuelist: list[str]) -> None:
        super().process_formdata(valuelist)
        text = clean_text(self.data or "").replace(",", "").replace(" ", "")
        self.data = text
        self.number = None
        if not text:
            return
        if not text.isdecimal() or len(text) > 9 or int(text) > MAX_COUNT:
            raise ValueError(str(self.message))
        self.number = int(text)


def _online_url(form: FlaskForm, field: Field) -> None:
    value = field.data or ""
    if not value:
        return
    parts = split_url(value)
    if (
        parts is None
        or parts.scheme.lower() not in {"http", "https"}
        or not parts.hostname
        or " " in value
        or "." not in parts.hostname.strip(".")
    ):
        raise ValidationError(
            _("Enter the online link's full address, starting with https:// or http://")
        )


def _time_zone(form: FlaskForm, field: Field) -> None:
    name = times.canonical(field.data)
    if name is not None:
        field.data = name
        return
    suggestion = times.closest(field.data)
    if suggestion:
        raise ValidationError(
            _(
                "“%(name)s” is not a time zone we know. Did you mean %(suggestion)s? Enter a "
                "name from the time zone database, like Africa/Nairobi or Europe/Paris",
                name=(field.data or "")[:64],
                suggestion=suggestion,
            )
        )
    raise ValidationError(
        _(
            "“%(name)s” is not a time zone we know. Enter a name from the time zone database, "
            "like Africa/Nairobi or Europe/Paris",
            name=(field.data or "")[:64],
        )
    )


class EngagementForm(picker.AlignmentForm, FlaskForm):
    """Record an engagement, or change one."""

    title = StringField(
        _l("Title"),
        filters=[one_line],
        validators=[
            DataRequired(_l("Enter the engagement's title")),
            Length(max=300, message=_l("The title must be 300 characters or fewer")),
        ],
    )
    kind = SelectField(
        _l("Kind of engagement"),
        validate_choice=False,
        filters=[clean_text],
        validators=[
            DataRequired(_l("Choose what kind of engagement it is")),
            _choice(frozenset(k.value for k in EngagementKind), _l("Choose a kind from the list")),
        ],
    )
    summary = TextAreaField(
        _l("Summary (optional)"),
        description=_l("What it is about and who it brings together. Up to 5,000 characters."),
        filters=[clean_text],
        validators=[Length(max=5000, message=_l("The summary must be 5,000 characters or fewer"))],
    )
    start_date = IsoDateField(
        _l("Start date"),
        description=_l("In the place's own time, for example 2020-10-31."),
        format_message=_l("Enter the start date as year-month-day, for example 2020-10-31"),
        validators=[DataRequired(_l("Enter the start date"))],
    )
    start_time = TimeText(
        _l("Start time"),
        description=_l("24-hour clock, for example 12:45."),
        format_message=_l("Enter the start time as hours and minutes, for example 12:45"),
        validators=[DataRequired(_l("Enter the start time"))],
    )
    end_date = IsoDateField(
        _l("End date (if not the same day)"),
        format_message=_l("Enter the end date as year-month-day, for example 2020-10-31"),
    )
    end_time = TimeText(
        _l("End time"),
        format_message=_l("Enter the end time as hours and minutes, for example 14:45"),
        validators=[DataRequired(_l("Enter the end time"))],
    )
    time_zone = StringField(
        _l("Time zone"),
        description=_l(
            "The zone of the place where it happens, for example Africa/Nairobi. Online: the "
            "organizer's."
        ),
        filters=[one_line],
        validators=[
            DataRequired(_l("Enter the time zone, for example Africa/Nairobi")),
            _time_zone,
        ],
    )
    venue = StringField(
        _l("Venue (optional)"),
        filters=[one_line],
        validators=[Length(max=200, message=_l("The venue must be 200 characters or fewer"))],
    )
    city = StringField(
        _l("City or locality (optional)"),
        filters=[one_line],
        validators=[Length(max=120, message=_l("The city must be 120 characters or fewer"))],
    )
    country = SelectField(
        _l("Country (optional)"),
        validate_choice=False,
        filters=[lambda v: clean_text(v).upper() if isinstance(v, str) else v],
        validators=[_choice(COUNTRY_CODES, _l("Choose a country from the list"))],
    )
    online_url = URLField(
        _l("Online link (optional)"),
        description=_l("Where to join or watch it, starting with https://"),
        filters=[clean_text],
        validators=[
            Length(max=500, message=_l("The online link must be 500 characters or fewer")),
            _online_url,
        ],
    )
    series = StringField(
        _l("Series (optional)"),
        description=_l(
            "The series it belongs to, for example International Conferences on National "
            "Urban Policy. A new name starts a new series."
        ),
        filters=[one_line],
        validators=[Length(max=300, message=_l("The series must be 300 characters or fewer"))],
    )
    attendance_people = CountField(
        _l("People who attended (optional)"),
        message=_l("Enter the number of people as a whole number, for example 250"),
    )
    attendance_countries = CountField(
        _l("Countries they came from (optional)"),
        message=_l("Enter the number of countries as a whole number, for example 25"),
    )
    attendance_organizations = CountField(
        _l("Organizations represented (optional)"),
        message=_l("Enter the number of organizations as a whole number, for example 18"),
    )
    attendance_note = StringField(
        _l("Attendance in words (optional)"),
        description=_l(
            "As it was reported, for example “more than 250 policymakers from more than 25 "
            "countries”."
        ),
        filters=[one_line],
        validators=[
            Length(max=300, message=_l("The attendance note must be 300 characters or fewer"))
        ],
    )
    alignment, alignment_q = picker.fields()
    cancelled = BooleanField(_l("This engagement is cancelled"))
    version = HiddenField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [("", _("Choose a kind"))] + [
            (k.value, str(label)) for k, label in KIND_LABELS.items()
        ]
        self.country.choices = [("", _("No country (online)")), *countries.by_name()]
        self.start_utc: datetime | None = None
        self.end_utc: datetime | None = None

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not (self.venue.data or self.city.data or self.country.data or self.online_url.data):
            self.city.errors.append(_("Enter where it takes place, or its online link"))
            valid = False
        if not valid or self.time_zone.errors:
            return False
        return self._instants()

    def _instants(self) -> bool:
        zone = self.time_zone.data
        start_day: date = self.start_date.data
        end_day: date = self.end_date.data or start_day
        try:
            self.start_utc = times.to_utc(start_day, self.start_time.parsed, zone)
        except times.NoSuchTime:
            self.start_time.errors.append(_skipped(start_day, self.start_time.data, zone))
            return False
        try:
            self.end_utc = times.to_utc(end_day, self.end_time.parsed, zone)
        except times.NoSuchTime:
            self.end_time.errors.append(_skipped(end_day, self.end_time.data, zone))
            return False
        if self.end_utc <= self.start_utc:
            target = self.end_date if self.end_date.data else self.end_time
            target.errors.append(_("The end must be after the start: check the end date and time"))
            return False
        if self.end_utc - self.start_utc > MAX_DURATION:
            self.end_date.errors.append(
                _(
                    "An engagement lasts a year at most: enter a longer programme as several "
                    "engagements in a series"
                )
            )
            return False
        return True

    def data_for_model(self) -> dict[str, Any]:
        return {
            "title": self.title.data,
            "kind": EngagementKind(self.kind.data),
            "summary": self.summary.data or "",
            "start_utc": self.start_utc,
            "end_utc": self.end_utc,
            "time_zone": self.time_zone.data,
            "venue": self.venue.data or None,
            "city": self.city.data or None,
            "country": self.country.data or None,
            "online_url": self.online_url.data or None,
            "series": self.series.data or None,
            "attendance_people": self.attendance_people.number,
            "attendance_countries": self.attendance_countries.number,
            "attendance_organizations": self.attendance_organizations.number,
            "attendance_note": self.attendance_note.data or None,
            "cancelled": bool(self.cancelled.data),
            "alignment": self.alignment_ids(),
        }


def _skipped(day: date, at: str, zone: str) -> str:
    return _(
        "There is no %(time)s on %(day)s in %(zone)s: the clocks skip that hour. Enter a "
        "time before or after the change",
        time=at,
        day=day.isoformat(),
        zone=zone,
    )


class ParticipantForm(FlaskForm):
    """Add a stakeholder to an engagement in a role: typed by name, or picked from the
    suggestions the name brought up."""

    stakeholder_name = StringField(
        _l("Stakeholder"),
        description=_l("Type part of an approved stakeholder's name or acronym."),
        filters=[one_line],
        validators=[Length(max=200, message=_l("The name must be 200 characters or fewer"))],
    )
    stakeholder_id = HiddenField(filters=[clean_text])
    role = SelectField(
        _l("Role"),
        validate_choice=False,
        filters=[clean_text],
        validators=[
            DataRequired(_l("Choose the stakeholder's role")),
            _choice(frozenset(r.value for r in ParticipantRole), _l("Choose a role from the list")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = [(r.value, str(label)) for r, label in ROLE_LABELS.items()]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.stakeholder_name.data and not self.chosen_id():
            self.stakeholder_name.errors.append(_("Type the name of the stakeholder to add"))
            valid = False
        return valid

    def chosen_id(self) -> int | None:
        value = self.stakeholder_id.data or ""
        return int(value) if value.isdecimal() and 0 < int(value) < 2**31 else None


class OutcomeForm(FlaskForm):
    """One outcome: a decision, a success story, a lesson learned or a follow-up action."""

    kind = SelectField(
        _l("Kind of outcome"),
        validate_choice=False,
        filters=[clean_text],
        validators=[
            DataRequired(_l("Choose what kind of outcome it is")),
            _choice(frozenset(k.value for k in OutcomeKind), _l("Choose a kind from the list")),
        ],
    )
    text = TextAreaField(
        _l("Outcome"),
        description=_l("In a few sentences. Up to 5,000 characters."),
        filters=[clean_text],
        validators=[
            DataRequired(_l("Write the outcome")),
            Length(max=5000, message=_l("The outcome must be 5,000 characters or fewer")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [(k.value, str(label)) for k, label in OUTCOME_LABELS.items()]


class ButtonForm(FlaskForm):
    """A POST button (remove a participant or an outcome): its CSRF token, nothing more."""


def _initiative_id(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return int(value) if value.isdecimal() and 0 < int(value) < 2**31 else None
    return value


class InitiativeLinkForm(FlaskForm):
    """An initiative the engagement served, found by typing part of its title."""

    initiative_q = StringField(
        _l("Initiative"),
        description=_l("Type part of its title, then choose it from the initiatives found."),
        filters=[one_line],
        validators=[Length(max=200, message=_l("Type at most 200 characters"))],
    )
    initiative_id = HiddenField(filters=[_initiative_id])
