from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import InputRequired, Length


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[InputRequired(message="Enter your email"),
                                            Length(max=254)])
    password = PasswordField("Password", validators=[InputRequired(message="Enter your password"),
                                                     Length(max=200)])


class LogoutForm(FlaskForm):
    """Signing out changes state, so it is a POST with a CSRF token."""
