"""Which status an order may move to, and when (app.domain.orders.check_move)."""
import pytest

from app.domain.errors import IllegalTransition
from app.domain.orders import (OPEN_STATUSES, OrderStatus, check_move, move_refusal,
                               next_statuses, statuses_to_offer)

S = OrderStatus
NEW, ON_HOLD, NEW_BKO, APPROVED = S.NEW, S.ON_HOLD, S.NEW_BACKORDER, S.BACKORDER_APPROVED
PICK, PACK, DISPATCHED, CANCELLED = S.PICK, S.PACK, S.DISPATCHED, S.CANCELLED
ALLOCATED, WAITING = True, False

NEXT = {
    NEW: [ON_HOLD, PICK, CANCELLED],
    ON_HOLD: [NEW, CANCELLED],
    NEW_BKO: [NEW, APPROVED, CANCELLED],
    APPROVED: [NEW, CANCELLED],
    PICK: [PACK, CANCELLED],
    PACK: [DISPATCHED, CANCELLED],
    DISPATCHED: [],
    CANCELLED: [],
}

# current, target, every line fully allocated?
ALLOWED = [
    (NEW, ON_HOLD, ALLOCATED), (NEW, ON_HOLD, WAITING),
    (NEW, PICK, ALLOCATED),
    (ON_HOLD, NEW, ALLOCATED), (ON_HOLD, NEW, WAITING),
    (NEW_BKO, APPROVED, ALLOCATED), (NEW_BKO, APPROVED, WAITING),
    (NEW_BKO, NEW, ALLOCATED),
    (APPROVED, NEW, ALLOCATED),
    (PICK, PACK, ALLOCATED),
    (PACK, DISPATCHED, ALLOCATED),
]

REFUSED = [
    (NEW, PICK, WAITING, "An order moves to Pick only when every line is fully allocated"),
    (NEW_BKO, NEW, WAITING, "This backorder is still waiting for stock"),
    (APPROVED, NEW, WAITING, "This backorder is still waiting for stock"),
    (NEW, PACK, ALLOCATED, "An order cannot move from New to Pack"),
    (NEW, DISPATCHED, ALLOCATED, "An order cannot move from New to Dispatched"),
    (NEW, NEW_BKO, WAITING, "An order cannot move from New to New Backorder"),
    (NEW, NEW, ALLOCATED, "An order cannot move from New to New"),
    (ON_HOLD, PICK, ALLOCATED, "An order cannot move from On Hold to Pick"),
    (NEW_BKO, PICK, ALLOCATED, "An order cannot move from New Backorder to Pick"),
    (APPROVED, NEW_BKO, WAITING, "An order cannot move from Backorder Approved to New Backorder"),
    (PICK, NEW, ALLOCATED, "An order cannot move from Pick to New"),
    (PICK, DISPATCHED, ALLOCATED, "An order cannot move from Pick to Dispatched"),
    (PACK, PICK, ALLOCATED, "An order cannot move from Pack to Pick"),
    (DISPATCHED, CANCELLED, ALLOCATED, "An order cannot move from Dispatched to Cancelled"),
    (DISPATCHED, NEW, ALLOCATED, "An order cannot move from Dispatched to New"),
    (CANCELLED, NEW, ALLOCATED, "An order cannot move from Cancelled to New"),
    (CANCELLED, NEW_BKO, WAITING, "An order cannot move from Cancelled to New Backorder"),
]

BEFORE_DISPATCH = [NEW, ON_HOLD, NEW_BKO, APPROVED, PICK, PACK]


@pytest.mark.parametrize(("current", "expected"), NEXT.items(), ids=[str(s) for s in NEXT])
def test_staff_choose_the_next_status_from_these(current, expected):
    assert next_statuses(current) == expected


@pytest.mark.parametrize(("current", "target", "allocated"), ALLOWED)
def test_these_moves_are_allowed(current, target, allocated):
    check_move(current, target, fully_allocated=allocated)  # raises if refused


@pytest.mark.parametrize(("current", "target", "allocated", "message"), REFUSED)
def test_these_moves_are_refused_with_a_reason(current, target, allocated, message):
    with pytest.raises(IllegalTransition) as refused:
        check_move(current, target, fully_allocated=allocated)
    assert refused.value.message == message
    assert refused.value.field == "status"


@pytest.mark.parametrize("current", BEFORE_DISPATCH)
@pytest.mark.parametrize("allocated", [ALLOCATED, WAITING])
def test_any_order_before_dispatch_can_be_cancelled(current, allocated):
    check_move(current, CANCELLED, fully_allocated=allocated)
    assert CANCELLED in next_statuses(current)


@pytest.mark.parametrize("final", [DISPATCHED, CANCELLED])
@pytest.mark.parametrize("target", list(OrderStatus))
def test_dispatched_and_cancelled_orders_move_no_more(final, target):
    with pytest.raises(IllegalTransition):
        check_move(final, target, fully_allocated=True)


def test_open_orders_are_those_not_yet_dispatched_or_cancelled():
    assert set(OPEN_STATUSES) == set(BEFORE_DISPATCH)


def test_an_order_holds_units_unless_the_caller_says_it_is_empty():
    """The tables above leave has_units out: every order in them holds units."""
    assert move_refusal(NEW, PICK, ALLOCATED) is None
    assert statuses_to_offer(NEW, ALLOCATED) == [NEW, ON_HOLD, PICK, CANCELLED]


def test_check_move_refuses_pick_to_an_order_with_no_units_left():
    """An empty parent (every unit on its backorder) has nothing to ship."""
    with pytest.raises(IllegalTransition,
                       match="This order has no items left to ship, so it cannot move to Pick"):
        check_move(NEW, PICK, fully_allocated=ALLOCATED, has_units=False)
