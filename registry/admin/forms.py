"""Forms for managing accounts."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, NumberRange

from registry.ids import MAX_ID
from registry.models import ROLE_LABELS


class RoleForm(FlaskForm):
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()],
        validators=[InputRequired(_l("Choose a role"))],
    )
    next = HiddenField()


class ActiveForm(FlaskForm):
    """Deactivate or restore an account: a CSRF-protected POST button."""

    active = SelectField(
        _l("Account state"),
        choices=[SelectChoice("1", _l("Active")), SelectChoice("0", _l("Deactivated"))],
        validators=[InputRequired()],
    )
    next = HiddenField()


class AddMembershipForm(FlaskForm):
    stakeholder_id = RadioField(
        _l("Organization"),
        coerce=int,
        validate_choice=False,  # the choices come from a search; the service checks the id
        validators=[
            DataRequired(_l("Choose the organization this person acts for")),
            NumberRange(1, MAX_ID, _l("Choose an organization from the list")),
        ],
    )
