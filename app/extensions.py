"""Extensions are created here and bound to the app in create_app."""
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase

from app.page_cache import PageCache
from app.queue import TaskQueue
from app.throttle import Limiter


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter()
page_cache = PageCache()
# The jobs (app/jobs.py) are registered on it at import; each app gives it a broker.
huey = TaskQueue("backorders")
