"""Forms for review decisions, archiving and merging (fields are rendered by hand in the
templates: each decision is a row with its own buttons)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange

from registry.ids import MAX_ID
from registry.review.queue import QueueSource

COMMENT_MAX = 2000


def _comment() -> TextAreaField:
    return TextAreaField(
        _l("Comment"),
        validators=[
            Length(max=COMMENT_MAX, message=_l("Keep the comment under 2,000 characters."))
        ],
    )


_CHOOSE = _l("Choose a decision.")


class DecisionForm(FlaskForm):
    """One decision on something in the queue; its choices are those the source offers."""

    action = SelectField(_l("Decision"), validators=[InputRequired(_CHOOSE)])
    comment = _comment()


def decision_form(source: QueueSource) -> DecisionForm:
    form = DecisionForm()
    form.action.choices = [SelectChoice(c.value, c.label) for c in source.choices]
    return form


class ArchiveForm(FlaskForm):
    comment = _comment()


class MergeForm(FlaskForm):
    source_id = IntegerField(
        _l("Duplicate"),
        validators=[
            InputRequired(_l("Choose the duplicate to merge.")),
            NumberRange(1, MAX_ID, _l("Choose the duplicate to merge.")),
        ],
    )
    target_id = IntegerField(
        _l("Entry to keep"),
        validators=[
            InputRequired(_l("Choose the entry to keep.")),
            NumberRange(1, MAX_ID, _l("Choose the entry to keep.")),
        ],
    )


def first_error(form: FlaskForm) -> str:
    """The first validation message, for a row or page that shows one message."""
    if form.errors.get("action"):  # WTForms' own "Not a valid choice" says too little
        return str(_CHOOSE)
    for errors in form.errors.values():
        if errors:
            return str(errors[0])
    return str(_CHOOSE)
