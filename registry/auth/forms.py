"""Account forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

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


class RegisterForm(FlaskForm):
    name = StringField(
        _l("Your full name"),
        validators=[
            DataRequired(_l("Enter your name")),
            Length(max=120, message=_l("Your name must be 120 characters or fewer")),
        ],
    )
    email = EmailField(
        _l("Email address"),
        description=_l("We will only use it to send you news about your entries."),
        validators=[
            DataRequired(_l("Enter your email address")),
            Length(max=254, message=_l("The email address must be 254 characters or fewer")),
            Email(_l("Enter an email address in the right format, like name@example.org")),
        ],
    )
    password = PasswordField(
        _l("Password"),
        description=_l("At least %(n)d characters.", n=PASSWORD_MIN),
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
    confirm = PasswordField(
        _l("Confirm password"),
        validators=[
            DataRequired(_l("Type the password again")),
            EqualTo("password", message=_l("The two passwords do not match")),
        ],
    )
