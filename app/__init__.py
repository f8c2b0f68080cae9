"""The application factory: a short list of named steps."""
import logging
from pathlib import Path

from flask import Flask, render_template
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import Config, ProductionConfig, check_production
from app.extensions import csrf, db, huey, limiter, login_manager, migrate, page_cache
from app.sessions import CookieSessionInterface


def create_app(config: type[Config] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config or Config)
    app.session_interface = CookieSessionInterface()
    if config is not None and issubclass(config, ProductionConfig):
        check_production(app.config)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_input_guard(app)
    register_security_headers(app)
    register_template_helpers(app)
    register_commands(app)
    if app.config["PROXY_COUNT"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_COUNT"],
                                x_proto=app.config["PROXY_COUNT"])
    logging.basicConfig(level=logging.INFO)
    return app


def register_extensions(app: Flask) -> None:
    from app.database import configure_engine
    from app.models import User
    from app.services import catalog, staff

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, directory=str(Path(app.root_path).parent / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    huey.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        # None when the account was deactivated or its sessions ended: signed out.
        user = staff.signed_in_user(session_id)
        if user is not None:
            # Detached: a service's rollback cannot expire it, so it loads once per request.
            db.session.expunge(user)
        return user

    with app.app_context():
        configure_engine(db.engine)
        page_cache.init_app(app, db.engine, read_faces=catalog.faces,
                            flushed=catalog.flushed_changes)


def register_blueprints(app: Flask) -> None:
    from app.admin import bp as admin_bp
    from app.auth import bp as auth_bp
    from app.cart import bp as cart_bp
    from app.shop import bp as shop_bp
    from app.webhooks import bp as webhooks_bp

    app.register_blueprint(shop_bp)
    app.register_blueprint(cart_bp)
    app.register_blueprint(webhooks_bp)
    app.register_blueprint(auth_bp, url_prefix="/admin")
    app.register_blueprint(admin_bp, url_prefix="/admin")


def register_errorhandlers(app: Flask) -> None:
    from flask_wtf.csrf import CSRFError

    def render_error(error):
        code = getattr(error, "code", 500)
        headers = {"Retry-After": error.retry_after} if getattr(error, "retry_after", None) else {}
        return render_template(f"errors/{code}.html", error=error), code, headers

    for code in (400, 403, 404, 405, 413, 429, 500):
        app.errorhandler(code)(render_error)
    app.errorhandler(CSRFError)(lambda error: (render_template(
        "errors/400.html", error=error), 400))


def register_input_guard(app: Flask) -> None:
    """A NUL byte is never meant: PostgreSQL refuses it in text, so refuse it first."""
    from flask import abort, request

    @app.before_request
    def refuse_nul_bytes():
        form = request.form.values() if request.method == "POST" else ()
        if any("\x00" in value for value in (request.path, *request.args.values(), *form)):
            abort(400)


def register_security_headers(app: Flask) -> None:
    policy = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
              "form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'")
    headers = [("Content-Security-Policy", policy), ("X-Content-Type-Options", "nosniff"),
               ("X-Frame-Options", "DENY"), ("Referrer-Policy", "same-origin")]

    @app.after_request
    def set_headers(response):
        if "Content-Security-Policy" not in response.headers:  # else a view chose its own
            response.headers.extend(headers)
        return response


def register_template_helpers(app: Flask) -> None:
    from app.templating import register

    register(app)


def register_commands(app: Flask) -> None:
    from app.cli import register

    register(app)
