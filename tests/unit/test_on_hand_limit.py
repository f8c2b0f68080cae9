"""How far on hand may go: receipts and adjustments stop at MAX_ON_HAND."""
import pytest

from app.domain.errors import StockAdjustmentRefused
from app.domain.stock import MAX_ON_HAND, check_on_hand_room

FULL = f"On hand cannot go above {MAX_ON_HAND:,} units: "


@pytest.mark.parametrize("on_hand, units", [
    (0, 1),
    (0, MAX_ON_HAND),                      # from nothing to the limit at once
    (MAX_ON_HAND - 1, 1),                  # the last unit
    (MAX_ON_HAND, 0),                      # nothing added
    (MAX_ON_HAND, -5),                     # taking away is never this rule's business
    (MAX_ON_HAND + 10, -1),                # a figure saved above the limit can still go down
    (MAX_ON_HAND + 10, 0),                 # ... or be left as it is
])
def test_on_hand_may_reach_the_limit(on_hand, units):
    check_on_hand_room(on_hand, units)


@pytest.mark.parametrize("on_hand, units, message", [
    (0, MAX_ON_HAND + 1, f"add at most {MAX_ON_HAND:,} more"),
    (MAX_ON_HAND - 1, 2, "add at most 1 more"),
    (MAX_ON_HAND, 1, "this product is full"),
    (MAX_ON_HAND + 10, 1, "this product is full"),
])
def test_on_hand_may_not_pass_the_limit(on_hand, units, message):
    with pytest.raises(StockAdjustmentRefused) as refused:
        check_on_hand_room(on_hand, units)
    assert refused.value.message == FULL + message
    assert refused.value.field == "quantity"


def test_the_limit_fits_the_integer_column_with_room_for_a_receipt():
    assert 2 * MAX_ON_HAND < 2**31 - 1
