"""Reads outside a transaction (read_latest): each statement sees the latest commit, and
a use case after them still commits, or rolls back, as one transaction."""
import pytest
from sqlalchemy import create_engine, select, text

from app.domain.errors import StockAdjustmentRefused
from app.extensions import db
from app.models import Product
from app.services import read_latest
from app.services.catalog import product_offer
from app.services.inventory import adjust_stock, receive_stock


def other_connection_sets_on_hand(sku: str, on_hand: int) -> None:
    """Another process's commit, on an engine of its own."""
    engine = create_engine(db.engine.url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE products SET on_hand = :n WHERE sku = :sku"),
                           {"n": on_hand, "sku": sku})
    engine.dispose()


def test_each_read_sees_what_was_committed_before_it(ctx, shop):
    shop.product("TEA-1", on_hand=5)
    read_latest()
    assert db.session.scalar(select(Product.on_hand).where(Product.sku == "TEA-1")) == 5
    other_connection_sets_on_hand("TEA-1", 9)
    # Inside a transaction SQLite would go on reading its first snapshot (5).
    assert db.session.scalar(select(Product.on_hand).where(Product.sku == "TEA-1")) == 9


def test_a_use_case_after_reading_commits_as_one_transaction(ctx, shop):
    shop.product("TEA-1", on_hand=5)
    read_latest()
    assert product_offer("TEA-1").product.on_hand == 5
    receive_stock("TEA-1", 3, "delivery", None)
    db.session.remove()
    assert db.session.scalar(select(Product.on_hand).where(Product.sku == "TEA-1")) == 8


def test_a_use_case_after_reading_that_fails_changes_nothing(ctx, shop):
    shop.product("TEA-1", on_hand=5)
    read_latest()
    assert product_offer("TEA-1").product.on_hand == 5
    with pytest.raises(StockAdjustmentRefused):
        adjust_stock("TEA-1", -50, "count", None)
    db.session.remove()
    assert db.session.scalar(select(Product.on_hand).where(Product.sku == "TEA-1")) == 5


def test_a_page_read_sends_no_begin(ctx, shop, count_queries):
    shop.product("TEA-1", on_hand=5)
    db.session.remove()
    with count_queries() as counter:
        read_latest()
        product_offer("TEA-1")
        db.session.remove()
    assert [s.split()[0].upper() for s in counter.statements] == ["SELECT"], counter.statements
