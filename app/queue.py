"""The task queue (Huey), configured by create_app: importing it opens nothing.

The jobs (app/jobs.py) are registered on one `TaskQueue`, created in app/extensions.py.
Which broker it talks to comes from each app's config when create_app runs
(`init_app`), and the broker itself is opened on first use:

- QUEUE_URL `redis://...` in production: any number of workers on any hosts;
- QUEUE_URL `sqlite:///path`, by default a file under instance/: one machine (`make run`);
- QUEUE_IMMEDIATE (the tests): a job runs at once, in the thread that asked for it.

A web process enqueues through the app of the request (or command) at hand. A worker
process (`huey_consumer app.worker.huey`, see app/worker.py) has no app context in its
threads: it serves the app it was given with `serve`, and each job runs in that app's
context.
"""
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, current_app, has_app_context
from huey import Huey
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

EXTENSION = "task_queue"


def storage_for(url: str, name: str):
    """The Huey storage QUEUE_URL names (made here, opened by Huey on first use)."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisStorage(name, url=url)
    if url.startswith("sqlite:///"):
        filename = Path(url.removeprefix("sqlite:///"))
        filename.parent.mkdir(parents=True, exist_ok=True)  # a fresh checkout, a copy of app/
        return SqliteStorage(name, filename=str(filename))
    raise RuntimeError(f"QUEUE_URL must be redis://... or sqlite:///...; it is {url!r}")


class AppQueue:
    """One app's broker: made from its config, opened when a job first needs it."""

    def __init__(self, url: str, name: str, immediate: bool):
        self.url, self.name, self.immediate = url, name, immediate
        self._storage = None

    @property
    def storage(self):
        if self._storage is None:
            self._storage = (MemoryStorage(self.name) if self.immediate
                             else storage_for(self.url, self.name))
        return self._storage

    def __repr__(self) -> str:
        return f"<AppQueue {self.name} {'immediate' if self.immediate else self.url}>"


class TaskQueue(Huey):
    """Huey whose broker and mode are those of the app in use (see the module's doc)."""

    def __init__(self, name: str = "backorders"):
        self.served: Flask | None = None
        super().__init__(name)

    def init_app(self, app: Flask) -> None:
        app.extensions[EXTENSION] = AppQueue(app.config["QUEUE_URL"], app.config["QUEUE_NAME"],
                                             app.config["QUEUE_IMMEDIATE"])

    def serve(self, app: Flask) -> None:
        """Run this process's jobs (a worker's, with no app context) in `app`."""
        self.served = app

    def app(self) -> Flask:
        """The app a job runs in: the one at hand (immediate mode), else the served one."""
        if has_app_context() and EXTENSION in current_app.extensions:
            return current_app._get_current_object()
        if self.served is None:
            raise RuntimeError("The task queue has no app: a web process enqueues inside an "
                               "app context; a worker runs app.worker.huey, which serves one.")
        return self.served

    @contextmanager
    def app_context(self) -> Iterator[Flask]:
        """A fresh app context (and so its own database session) for one job."""
        app = self.app()
        with app.app_context():
            yield app

    def app_queue(self) -> AppQueue:
        return self.app().extensions[EXTENSION]

    # Huey reads these two attributes everywhere; they follow the app in use. Huey's own
    # constructor assigns them before any app exists: those values are not used.
    @property
    def storage(self):
        return self.app_queue().storage

    @storage.setter
    def storage(self, value) -> None:
        pass

    @property
    def _immediate(self) -> bool:
        return self.app_queue().immediate

    @_immediate.setter
    def _immediate(self, value: bool) -> None:
        pass

    @property
    def immediate(self) -> bool:
        return self._immediate

    @immediate.setter
    def immediate(self, value: bool) -> None:
        raise AttributeError("Set QUEUE_IMMEDIATE in the app's config: each app has its mode.")

    def create_storage(self):
        return None  # the apps make theirs (AppQueue)
