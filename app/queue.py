"""The task queue (Huey): work that talks to Stripe runs in a worker, not in a request.

QUEUE_URL picks the broker: `redis://127.0.0.1:6379/0` in production (any number of
workers on any hosts), else a SQLite file under instance/ for one machine (`make run`).
Run a worker with `huey_consumer app.jobs.huey` (see README). The tests run jobs at
once, in the calling thread (Huey's immediate mode), except the one that runs a consumer.
"""
import os
from pathlib import Path

from huey import Huey, RedisHuey, SqliteHuey

from app.config import INSTANCE_DIR


def make_queue(url: str) -> Huey:
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("backorders", url=url)
    if url.startswith("sqlite:///"):
        filename = Path(url.removeprefix("sqlite:///"))
        filename.parent.mkdir(parents=True, exist_ok=True)  # a fresh checkout, a copy of app/
        return SqliteHuey("backorders", filename=str(filename))
    raise RuntimeError(f"QUEUE_URL must be redis://... or sqlite:///...; it is {url!r}")


huey = make_queue(os.environ.get("QUEUE_URL")
                  or f"sqlite:///{INSTANCE_DIR / 'queue.sqlite3'}")
