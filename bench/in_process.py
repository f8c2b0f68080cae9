"""What the in-process benches (profile_render.py, ab.py) do as a browser or a staff
member would: send back a form's hidden fields, have a staff account to sign in with."""
import re

HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*>')
NAME, VALUE = re.compile(r'name="([^"]+)"'), re.compile(r'value="([^"]*)"')


def hidden_fields(html: str) -> dict[str, str]:
    """The first form's hidden fields (CSRF token, one-time token) as a page sends them."""
    fields = {}
    for tag in HIDDEN.findall(html):
        name, value = NAME.search(tag), VALUE.search(tag)
        if name and value:
            fields.setdefault(name.group(1), value.group(1))
    return fields


def ensure_staff(app, email: str, password: str) -> None:
    """A staff account with this email and password in `app`'s database (made once)."""
    from app.extensions import db  # the app package of whichever code tree `app` is
    from app.models import Role, User
    with app.app_context():
        if db.session.scalar(db.select(User).filter_by(email=email)) is None:
            user = User(email=email, role=Role.STAFF)
            user.set_password(password)
            db.session.add(user)
            db.session.commit()
