"""Entry point: `flask --app wsgi ...` and `gunicorn wsgi:app`."""
import os

from app import create_app
from app.config import Config, ProductionConfig

app = create_app(ProductionConfig if os.environ.get("FLASK_ENV") == "production" else Config)
