"""A database of a test's own: a SQLite file, or a PostgreSQL database made and dropped."""
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.config import database_url


def test_database_url() -> str:
    """The PostgreSQL server of TEST_DATABASE_URL, or "" for SQLite."""
    return database_url(os.environ["TEST_DATABASE_URL"]) if os.environ.get("TEST_DATABASE_URL") \
        else ""


test_database_url.__test__ = False


@contextmanager
def scratch_database(prefix: str, folder: Path, server: str | None = None) -> Iterator[str]:
    """Yield the URL of an empty database named after `prefix` on the PostgreSQL `server`
    (default: TEST_DATABASE_URL's), or a SQLite file in `folder` when there is none; drop
    it afterwards."""
    server = test_database_url() if server is None else server
    if not server:
        yield f"sqlite:///{folder / f'{prefix}.sqlite3'}"
        return
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
                {"name": name})
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()
