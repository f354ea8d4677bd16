"""The forms of the framework pages: a resolution and its paragraphs (administrators), an
implementation status and hiding one (officers). Fields are parsed and length-checked here
with a message that says how to put them right; the domain's rules (the symbol's pattern, a
unique code, the parent, the period) are the services', said beside the field they concern.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from registry.forms import IsoDateField, MultiCheckboxField, clean_text, one_line
from registry.models import IMPLEMENTATION_STATE_LABELS, ImplementationState

YEAR_MESSAGE = _l("Enter the year as four digits, like 2023")
POSITION_MESSAGE = _l("Enter a whole number from 0 to 9999, or leave it blank")


def _parent(value: Any) -> int | None:
    """The parent select's value: "" is none; anything not a number is refused as none of
    the choices would be (the service says so beside the field)."""
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # no such paragraph: the service refuses it with its message


class ResolutionForm(FlaskForm):
    code = StringField(
        _l("Symbol"),
        description=_l("As the Assembly writes it, like HSP/HA.2/RES.9."),
        filters=[one_line],
        validators=[
            DataRequired(_l("Enter the resolution's symbol")),
            Length(max=60, message=_l("The symbol must be 60 characters or fewer")),
        ],
    )
    year = IntegerField(
        _l("Year of adoption"),
        validators=[
            InputRequired(YEAR_MESSAGE),
            NumberRange(min=1000, max=9999, message=YEAR_MESSAGE),
        ],
    )
    title = StringField(
        _l("Title"),
        filters=[one_line],
        validators=[
            DataRequired(_l("Enter the resolution's title")),
            Length(max=400, message=_l("The title must be 400 characters or fewer")),
        ],
    )
    description = TextAreaField(
        _l("Description (optional)"),
        description=_l("A few sentences on what the resolution asks for."),
        filters=[clean_text],
        validators=[Length(max=5000, message=_l("Write 5,000 characters or fewer"))],
    )

    def values(self) -> dict[str, Any]:
        return {
            "code": self.code.data or "",
            "year": self.year.data,
            "title": self.title.data or "",
            "description": self.description.data or "",
        }


class ResolutionEditForm(ResolutionForm):
    """The same, without the symbol: it is the resolution's identity (its address and the
    alignments hang on it)."""

    code = None  # type: ignore[assignment]

    def values(self) -> dict[str, Any]:
        return {
            "year": self.year.data,
            "title": self.title.data or "",
            "description": self.description.data or "",
        }


class ParagraphForm(FlaskForm):
    code = StringField(
        _l("Paragraph"),
        description=_l("Its number, like OP3; a sub-paragraph like OP2(a)."),
        filters=[one_line],
        validators=[
            DataRequired(_l("Enter the paragraph's number")),
            Length(max=30, message=_l("The number must be 30 characters or fewer")),
        ],
    )
    parent_id = SelectField(
        _l("Part of (optional)"),
        description=_l("For a sub-paragraph: the paragraph it belongs to."),
        coerce=_parent,
        validate_choice=False,  # the service checks the parent and says why it is refused
    )
    position = IntegerField(
        _l("Position (optional)"),
        description=_l("Where it comes in the list: lower numbers first. Blank: at the end."),
        validators=[Optional(), NumberRange(min=0, max=9999, message=POSITION_MESSAGE)],
    )
    title = TextAreaField(
        _l("Text"),
        description=_l("What the paragraph says, or a summary of it."),
        filters=[clean_text],
        validators=[
            DataRequired(_l("Enter the paragraph's text")),
            Length(max=5000, message=_l("Write 5,000 characters or fewer")),
        ],
    )

    def values(self) -> dict[str, Any]:
        return {
            "code": self.code.data or "",
            "parent_id": self.parent_id.data,
            "position": self.position.data,
            "title": self.title.data or "",
        }


class ConfirmForm(FlaskForm):
    """A confirmed change: its CSRF token, nothing more."""


def _ids(values: list[Any]) -> list[int]:
    found = []
    for value in values or []:
        try:
            found.append(int(value))
        except (TypeError, ValueError):
            found.append(-1)  # refused by the service: not a paragraph of this resolution
    return found


class StatusForm(FlaskForm):
    state = RadioField(
        _l("Where it stands"),
        choices=[
            SelectChoice(state.value, label) for state, label in IMPLEMENTATION_STATE_LABELS.items()
        ],
        validators=[InputRequired(_l("Choose where it stands"))],
    )
    period = StringField(
        _l("For which period (needed when planned)"),
        description=_l("Like 2024, 2024-25, Q3 2024, H1 2025 or April 2024."),
        filters=[one_line],
        validators=[Length(max=40, message=_l("Write the period in 40 characters or fewer"))],
    )
    text = TextAreaField(
        _l("What was done, is under way or is planned"),
        description=_l(
            "One bullet point of the briefing, in plain words. Put **two asterisks** around "
            "a phrase to show it in bold."
        ),
        filters=[one_line],
        validators=[
            DataRequired(_l("Say what was done, is under way or is planned")),
            Length(max=2000, message=_l("Write 2,000 characters or fewer")),
        ],
    )
    items = MultiCheckboxField(
        _l("Operative paragraphs it serves"),
        description=_l("Choose none for a line about the resolution as a whole."),
        coerce=str,
        validate_choice=False,  # the service checks they are this resolution's paragraphs
    )
    recorded_on = IsoDateField(
        _l("Recorded on"),
        description=_l("The day it was reported: today, or an earlier day like 2024-03-21."),
        format_message=_l("Enter the date like 2024-03-21"),
        validators=[InputRequired(_l("Enter the date it was reported"))],
    )
    position = IntegerField(
        _l("Position (optional)"),
        description=_l("Where it comes in the resolution's list: lower numbers first."),
        validators=[Optional(), NumberRange(min=0, max=9999, message=POSITION_MESSAGE)],
    )

    def values(self) -> dict[str, Any]:
        return {
            "state": ImplementationState(self.state.data),
            "period": self.period.data or "",
            "text": self.text.data or "",
            "items": _ids(self.items.data),
            "recorded_on": self.recorded_on.data,
            "position": self.position.data,
        }


class HideStatusForm(FlaskForm):
    reason = TextAreaField(
        _l("Why is it hidden?"),
        description=_l("Staff see this reason beside the hidden line; the public does not."),
        filters=[clean_text],
        validators=[
            DataRequired(_l("Say why the line is hidden")),
            Length(max=2000, message=_l("Write 2,000 characters or fewer")),
        ],
    )
