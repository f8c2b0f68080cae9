"""Forms of the staff accounts page. The labels are a contract (docs/guide.md, Staff
accounts): screen readers and browser tests find the fields by them."""
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Regexp

from app.domain.staff import Role
from app.forms import once_field

ROLE_CHOICES = [SelectChoice(role.value, role.label) for role in (Role.ADMIN, Role.STAFF)]


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


class AddAccountForm(FlaskForm):
    email = StringField("Email", filters=[_stripped], validators=[
        DataRequired(message="Enter the email of the person"),
        Email(message="Enter a valid email address"), Length(max=254)])
    role = SelectField("Role", choices=ROLE_CHOICES, default=Role.STAFF.value)
    once = once_field()


class AccountForm(FlaskForm):
    """A button on one account's row, acting on the account as the page showed it."""

    version = HiddenField(validators=[InputRequired(), Regexp(r"^\d{1,9}$")])


class RoleForm(AccountForm):
    role = SelectField("Role", choices=ROLE_CHOICES)
