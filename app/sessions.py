"""Flask's signed-cookie sessions, with the signer made once per key.

Flask builds a new URLSafeTimedSerializer to open the session and another to save it,
on every request: a twentieth of the CPU of a kept storefront page. The serializer is
stateless, so one per set of keys does.
"""
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class CookieSessionInterface(SecureCookieSessionInterface):
    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        made = app.extensions.get("session_serializer")
        if made is None or made[0] != keys:
            made = (keys, super().get_signing_serializer(app))
            app.extensions["session_serializer"] = made
        return made[1]
