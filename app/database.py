"""Engine set-up per database: SQLite gets WAL, a busy timeout, BEGIN IMMEDIATE for writes
and a lower() that knows more than ASCII."""
from sqlalchemy import Engine, event


def unicode_lower(value):
    """lower() as PostgreSQL's: "THÉ" becomes "thé" (SQLite's own leaves the É alone)."""
    return value.lower() if isinstance(value, str) else value


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # We issue BEGIN ourselves (below), so the driver must not.
        dbapi_connection.isolation_level = None
        # ilike() is lower(x) LIKE lower(y) on SQLite: searches then match "THÉ" and "thé".
        dbapi_connection.create_function("lower", 1, unicode_lower, deterministic=True)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 30000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        immediate = connection.get_execution_options().get("write_transaction")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
