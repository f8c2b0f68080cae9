from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import InputRequired, Length

from app.domain.staff import MAX_PASSWORD


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[InputRequired(message="Enter your email"),
                                            Length(max=254)])
    password = PasswordField("Password", validators=[InputRequired(message="Enter your password"),
                                                     Length(max=200)])


class LogoutForm(FlaskForm):
    """Signing out changes state, so it is a POST with a CSRF token."""


class SetPasswordForm(FlaskForm):
    """A new password, twice; app.domain.staff.check_new_password judges it."""

    password = PasswordField("New password", validators=[
        InputRequired(message="Enter a password"), Length(max=MAX_PASSWORD)],
        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("Type it again", validators=[
        InputRequired(message="Type the password again")],
        render_kw={"autocomplete": "new-password"})
