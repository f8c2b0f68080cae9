"""Which requests may be answered with the page every anonymous shopper sees."""
from flask import Flask, get_flashed_messages, session
from flask_login import current_user, user_logged_in, user_logged_out

# Set when someone signs in and removed when they sign out, through Flask-Login's
# public signals. Without it in the session nobody can be signed in (we set no
# remember-me cookie), so the user loader, with its session-protection hash, need
# not run on the storefront's busiest path; with it, Flask-Login has the last word.
SIGNED_IN = "signed_in"


def register(app: Flask) -> None:
    user_logged_in.connect(_mark_signed_in, app)
    user_logged_out.connect(_unmark_signed_in, app)


def _mark_signed_in(_app, **_extra) -> None:
    session[SIGNED_IN] = True


def _unmark_signed_in(_app, **_extra) -> None:
    session.pop(SIGNED_IN, None)


def anyone_signed_in() -> bool:
    return SIGNED_IN in session and current_user.is_authenticated


def shared_page() -> bool:
    """The page every anonymous shopper sees: nobody signed in, no message waiting."""
    return not anyone_signed_in() and not get_flashed_messages()
