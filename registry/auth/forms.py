"""Account forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, RadioField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from registry.passwords import too_weak

PASSWORD_MIN = 10
PASSWORD_MAX = 128


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        validators=[DataRequired(_l("Enter your email address")), Length(max=254)],
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password")), Length(max=PASSWORD_MAX)],
    )
    remember = BooleanField(_l("Keep me logged in on this device"))
    next = HiddenField()


def _one_line(value):
    return " ".join(value.split()) if isinstance(value, str) else value


class StrongPassword:
    """Refuse a password that is easy to guess, or made of the person's own name or address:
    those on the form (``fields``) and those the view knows (``form.personal``)."""

    def __init__(self, *fields: str) -> None:
        self.fields = fields

    def __call__(self, form, field) -> None:
        personal = [form[name].data or "" for name in self.fields]
        personal += getattr(form, "personal", [])
        if field.data and too_weak(field.data, *personal):
            raise ValidationError(
                _l(
                    "This password is too easy to guess. Use a phrase of several unrelated "
                    "words, and not your name, your email address or a common password."
                )
            )


def password_field(label):
    return PasswordField(
        label,
        description=_l(
            "At least %(n)d characters. A phrase of several unrelated words is easy to "
            "remember and hard to guess.",
            n=PASSWORD_MIN,
        ),
        validators=[
            DataRequired(_l("Choose a password")),
            Length(
                min=PASSWORD_MIN,
                max=PASSWORD_MAX,
                message=_l(
                    "The password must be between %(min)d and %(max)d characters",
                    min=PASSWORD_MIN,
                    max=PASSWORD_MAX,
                ),
            ),
        ],
    )


def confirm_field():
    return PasswordField(
        _l("Confirm password"),
        validators=[
            DataRequired(_l("Type the password again")),
            EqualTo("password", message=_l("The two passwords do not match")),
        ],
    )


class RegisterForm(FlaskForm):
    name = StringField(
        _l("Your full name"),
        filters=[_one_line],  # names go into mails: no line breaks
        validators=[
            DataRequired(_l("Enter your name")),
            Length(max=120, message=_l("Your name must be 120 characters or fewer")),
        ],
    )
    email = EmailField(
        _l("Email address"),
        description=_l(
            "We send a link to it to confirm your account, then news about your entries. "
            "It is never shown publicly."
        ),
        validators=[
            DataRequired(_l("Enter your email address")),
            Length(max=254, message=_l("The email address must be 254 characters or fewer")),
            Email(_l("Enter an email address in the right format, like name@example.org")),
        ],
    )
    password = password_field(_l("Password"))
    confirm = confirm_field()

    def validate_password(self, field) -> None:
        StrongPassword("name", "email")(self, field)


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        validators=[
            DataRequired(_l("Enter your email address")),
            Length(max=254, message=_l("The email address must be 254 characters or fewer")),
            Email(_l("Enter an email address in the right format, like name@example.org")),
        ],
    )


class ResetPasswordForm(FlaskForm):
    """A new password from a mailed link; ``personal`` is set by the view (name, email)."""

    password = password_field(_l("New password"))
    confirm = confirm_field()

    def validate_password(self, field) -> None:
        StrongPassword()(self, field)


class ChangePasswordForm(ResetPasswordForm):
    current = PasswordField(
        _l("Current password"),
        validators=[
            DataRequired(_l("Enter your current password")),
            Length(max=PASSWORD_MAX),
        ],
    )


class ConfirmForm(FlaskForm):
    """A button that makes a change: the CSRF token is all it carries."""


class ApiTokenForm(FlaskForm):
    """A new personal API token: what it is for, what it may do, how long it lasts."""

    name = StringField(
        _l("Name"),
        description=_l("What it is for, so you can tell it apart: e.g. “City dashboard”."),
        filters=[lambda v: _one_line(v).replace("\x00", "") if isinstance(v, str) else v],
        validators=[
            DataRequired(_l("Give the token a name")),
            Length(max=80, message=_l("The name must be 80 characters or fewer")),
        ],
    )
    scope = RadioField(
        _l("What may it do?"),
        validate_choice=False,
        default="read",
        validators=[DataRequired(_l("Choose what the token may do"))],
    )
    expires = RadioField(
        _l("How long does it last?"),
        validate_choice=False,
        default="90",
        validators=[DataRequired(_l("Choose how long the token lasts"))],
    )

    def __init__(self, *args, **kwargs) -> None:
        from registry.api.tokens import EXPIRY_LABELS
        from registry.models import TOKEN_SCOPE_LABELS

        super().__init__(*args, **kwargs)
        self.scope.choices = [(s.value, label) for s, label in TOKEN_SCOPE_LABELS.items()]
        self.expires.choices = list(EXPIRY_LABELS.items())

    def validate_scope(self, field) -> None:
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose what the token may do"))

    def validate_expires(self, field) -> None:
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose how long the token lasts"))
