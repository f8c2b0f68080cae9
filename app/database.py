"""Engine set-up per database: SQLite gets WAL, a busy timeout, BEGIN IMMEDIATE for writes
and a lower() that knows more than ASCII; on both, reads that need no transaction."""
from sqlalchemy import Engine, event

# A connection's execution option: its statements each see the latest commit, with no
# BEGIN or ROLLBACK around them (read_latest_options below).
READ_LATEST = "read_latest"


def read_latest_options(engine: Engine) -> dict:
    """The execution options for reads outside any transaction: PostgreSQL's autocommit;
    on SQLite, whose driver never begins on its own here (see on_connect), no BEGIN."""
    if engine.dialect.name == "postgresql":
        return {READ_LATEST: True, "isolation_level": "AUTOCOMMIT"}
    return {READ_LATEST: True}


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
        if connection.get_execution_options().get(READ_LATEST):
            return  # each statement is a transaction of its own
        immediate = connection.get_execution_options().get("write_transaction")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
