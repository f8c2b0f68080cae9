"""The migration that gives an adjustment's reason its own column moves the reasons
already written, and its downgrade puts them back. It runs on a database of its own
(SQLite file, or a PostgreSQL database made for it), from an empty schema."""
from collections.abc import Iterator

import pytest
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from app import create_app
from app.config import TestConfig
from app.extensions import db, page_cache
from tests.support.databases import scratch_database

BEFORE = "3c5f0e2a9b41"
NOTE = "a7d2c4e81f03"


@pytest.fixture
def empty_database(tmp_path) -> Iterator[str]:
    with scratch_database("backorders_migrate", tmp_path) as uri:
        yield uri


@pytest.fixture
def migrating(empty_database) -> Iterator[Flask]:
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = empty_database
        PAGE_CACHE_SIZE = 0

    app = create_app(Config)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    page_cache.close(app)


def ledger() -> list[tuple[str, str, str]]:
    return [tuple(row) for row in db.session.execute(text(
        "SELECT reason, reference, note FROM stock_movements ORDER BY id"))]


def test_adjustment_reasons_move_from_reference_to_note_and_back(migrating):
    upgrade(revision=BEFORE)
    db.session.execute(text(
        "INSERT INTO products (id, sku, name, description, price, on_hand, committed, waiting, "
        "backorder_policy) VALUES (1, 'TEA-1', 'Tea', '', 10, 5, 0, 0, 'STORE')"))
    for reason, reference in [("opening stock", ""), ("receipt", "PO-1"),
                              ("adjustment", "damaged"), ("allocate", "PO-1")]:
        db.session.execute(text(
            "INSERT INTO stock_movements (product_id, on_hand_delta, committed_delta, "
            "waiting_delta, reason, reference, created_at) "
            "VALUES (1, 1, 0, 0, :reason, :reference, CURRENT_TIMESTAMP)"),
            {"reason": reason, "reference": reference})
    db.session.commit()

    upgrade(revision=NOTE)
    assert ledger() == [("opening stock", "", ""), ("receipt", "PO-1", ""),
                        ("adjustment", "", "damaged"), ("allocate", "PO-1", "")]
    db.session.commit()

    downgrade(revision=BEFORE)
    assert [tuple(row) for row in db.session.execute(text(
        "SELECT reason, reference FROM stock_movements ORDER BY id"))] == [
        ("opening stock", ""), ("receipt", "PO-1"), ("adjustment", "damaged"),
        ("allocate", "PO-1")]
