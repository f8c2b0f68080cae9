"""Every row of every table, to show that a refused or failed change left nothing behind.

`before = snapshot(app)`, do the thing that must be refused, then
`assert changes(before, snapshot(app)) == {}` (or `snapshot(app) == before`).
"""
from flask import Flask, current_app
from sqlalchemy import select

from app.extensions import db

Rows = dict[str, list[tuple]]


def snapshot(app: Flask | None = None) -> Rows:
    """All rows of all tables, ordered by primary key, read on a connection of their own.

    Without `app`, the current app context's app (the integration tests run in one).
    """
    app = app or current_app._get_current_object()
    with app.app_context():
        with db.engine.connect() as conn:
            return {table.name: [tuple(row) for row in conn.execute(
                        select(table).order_by(*table.primary_key.columns))]
                    for table in db.metadata.sorted_tables}


def changes(before: Rows, after: Rows) -> dict[str, dict[str, list[tuple]]]:
    """The rows that differ, per table: {} when nothing changed."""
    diff = {}
    for name in before.keys() | after.keys():
        old, new = set(before.get(name, [])), set(after.get(name, []))
        if old != new:
            diff[name] = {"gone": sorted(old - new, key=repr), "new": sorted(new - old, key=repr)}
    return diff
