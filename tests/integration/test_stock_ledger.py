"""The stock ledger replays to every product's figures, whatever happened in between."""
import pytest
from sqlalchemy import update

from app.domain.buttons import Policy
from app.domain.errors import StockAdjustmentRefused
from app.domain.orders import OrderStatus
from app.extensions import db
from app.models import Product
from app.services.inventory import adjust_stock, receive_stock

from tests.support.services import (assert_stock_invariants, figures, ledger, lines, move, place,
                                    save)


def test_ledger_replays_to_every_product_figure_after_a_day_of_trading(ctx, shop):
    shop.product("TEA-1", on_hand=5)
    shop.product("POT-1", on_hand=0, policy=Policy.ALWAYS)
    shop.settings(out_of_stock_checkout=True)
    first = place({"TEA-1": 3, "POT-1": 1}).order.reference   # TEA 3 committed, POT 1 waits
    second = place({"TEA-1": 4}).order.reference              # TEA 2 committed, 2 wait
    third = place({"POT-1": 2}).order.reference               # POT 2 wait
    receive_stock("POT-1", 2, "PO-1", user=None)              # first gets 1, third 1 of 2
    with pytest.raises(StockAdjustmentRefused):
        adjust_stock("TEA-1", -1, "damaged", user=None)       # all 5 are committed
    adjust_stock("TEA-1", 1, "found in a count", user=None)   # second gets it: 3 of 4
    move(second, OrderStatus.CANCELLED)                       # its 3 go back, 1 stops waiting
    move(first, OrderStatus.PICK, OrderStatus.PACK, OrderStatus.DISPATCHED)
    save(third, qty={"POT-1": 1})                             # the unit still waiting goes
    adjust_stock("TEA-1", -1, "damaged", user=None)           # 3 on hand, none committed

    assert lines(first) == [("POT-1", 1, 1), ("TEA-1", 3, 3)]
    assert lines(second) == [("TEA-1", 4, 0)]
    assert lines(third) == [("POT-1", 1, 1)]
    assert figures("TEA-1") == (2, 0, 0)
    assert figures("POT-1") == (1, 1, 0)
    reasons = {row[0] for row in ledger("TEA-1") + ledger("POT-1")}
    assert reasons == {"opening stock", "checkout", "receipt", "allocate", "adjustment",
                       "cancel", "dispatch", "quantity change"}
    assert_stock_invariants()


@pytest.mark.parametrize("column, value, problem", [
    (Product.on_hand, 6, "ledger replays"),
    (Product.committed, 1, "committed 1 but open lines hold 2"),
    (Product.waiting, 0, "waiting 0 but open lines lack 1"),
])
def test_invariant_check_catches_a_figure_nothing_explains(ctx, shop, column, value, problem):
    shop.settings(out_of_stock_checkout=True)
    shop.product("TEA-1", on_hand=2)
    place({"TEA-1": 3})
    assert_stock_invariants()

    db.session.execute(update(Product).values({column: value}))
    db.session.commit()

    with pytest.raises(AssertionError, match=problem):
        assert_stock_invariants()
