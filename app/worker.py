"""The worker's entry point: `huey_consumer app.worker.huey`.

It builds the app as wsgi.py does (the same environment: DATABASE_URL, QUEUE_URL, mail,
Stripe), without the page cache, and serves it: each job runs in this app's context. Start as many workers as the
queue needs, on this host or others, against the same QUEUE_URL (Redis beyond one machine).
"""
import logging

from app import create_app, jobs
from app.config import config_from_environment
from app.extensions import huey


class WorkerConfig(config_from_environment()):
    # A worker renders emails, never pages: no page cache, so no listening connection.
    PAGE_CACHE_SIZE = 0


app = create_app(WorkerConfig)
huey.serve(app)
# The consumer gives Huey's log a handler of its own: not the app's too, or each line shows twice.
logging.getLogger("huey").propagate = False

__all__ = ["app", "huey", "jobs"]  # jobs: imported to register what the consumer runs
