"""Form pieces shared by the blueprints."""
import secrets

from wtforms import HiddenField
from wtforms.validators import Length, Optional


def new_once_token() -> str:
    return secrets.token_urlsafe(16)


def once_field(field_id: str = "once") -> HiddenField:
    """A one-time token rendered with the form: the services apply a token once,
    so a double click or a resent form changes nothing the second time."""
    return HiddenField(id=field_id, default=new_once_token,
                       validators=[Optional(), Length(max=64)])
