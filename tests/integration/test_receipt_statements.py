"""A receipt runs the same number of SQL statements whether it serves 5 lines or 5,000."""
import secrets
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import insert

from app.domain.buttons import Policy
from app.domain.orders import OrderStatus
from app.extensions import db
from app.models import Order, OrderLine, StockMovement
from app.services.inventory import receive_stock

from tests.support.services import assert_stock_invariants, figures, fresh, product

UNITS_PER_LINE = 2


def add_waiting_backorders(sku: str, count: int, first_number: int) -> None:
    """`count` backorders of one line each waiting for `sku`, inserted in bulk (no checkouts)."""
    waiting_for = product(sku)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    order_ids = db.session.scalars(
        insert(Order).returning(Order.id, sort_by_parameter_order=True),
        [{"reference": f"N{number}", "prefix": "N", "number": number, "suffix": None,
          "status": OrderStatus.NEW_BACKORDER, "customer_name": "Sam Shopper",
          "email": f"shopper{number}@example.com", "address": "1 Main St",
          "payment_method": "Bank deposit", "total": waiting_for.price * UNITS_PER_LINE,
          "amount_paid": Decimal("0.00"), "version": 1, "token": secrets.token_urlsafe(24),
          "placed_at": start + timedelta(seconds=number)}
         for number in range(first_number, first_number + count)]).all()
    db.session.execute(insert(OrderLine), [
        {"order_id": order_id, "product_id": waiting_for.id, "sku": sku,
         "name": waiting_for.name, "unit_price": waiting_for.price,
         "quantity": UNITS_PER_LINE, "allocated": 0} for order_id in order_ids])
    waiting_for.waiting += count * UNITS_PER_LINE
    db.session.add(StockMovement(product_id=waiting_for.id, reason="checkout",
                                 waiting_delta=count * UNITS_PER_LINE))
    db.session.commit()


def count_receipt(count_queries, sku: str, quantity: int) -> tuple[int, int]:
    """(statements run, backorders made ready) by one receipt, from a cold session."""
    db.session.close()
    with count_queries() as counter:
        ready = receive_stock(sku, quantity, "PO-1", user=None)
    return counter.count, len(ready)


@pytest.mark.parametrize("short_by", [0, 1], ids=["every-line-filled", "last-line-in-part"])
def test_a_receipt_serving_5000_lines_runs_as_many_statements_as_one_serving_5(
        ctx, shop, count_queries, short_by):
    shop.product("BIG-1", on_hand=0, policy=Policy.ALWAYS)
    shop.product("SMALL-1", on_hand=0, policy=Policy.ALWAYS)
    add_waiting_backorders("BIG-1", 5000, first_number=10001)
    add_waiting_backorders("SMALL-1", 5, first_number=1001)

    small, small_ready = count_receipt(count_queries, "SMALL-1", 5 * UNITS_PER_LINE - short_by)
    big, big_ready = count_receipt(count_queries, "BIG-1", 5000 * UNITS_PER_LINE - short_by)

    print(f"\nreceipt statements ({short_by=}): 5 lines {small}, 5,000 lines {big}")
    assert (small_ready, big_ready) == (5 - short_by, 5000 - short_by)
    assert big == small
    fresh()
    assert figures("BIG-1") == (10000 - short_by, 10000 - short_by, short_by)
    assert_stock_invariants()
