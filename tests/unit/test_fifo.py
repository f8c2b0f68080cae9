"""Who gets stock: what a purchase takes (take_stock) and which waiting lines get arrivals."""
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.errors import InsufficientStock
from app.domain.stock import Allocation, Take, WaitingLine, allocate_fifo, take_stock

MONDAY = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def waiting(line_id: int, order_id: int, hours: int, unallocated: int) -> WaitingLine:
    return WaitingLine(line_id=line_id, order_id=order_id,
                       placed_at=MONDAY + timedelta(hours=hours), unallocated=unallocated)


# -- allocate_fifo ----------------------------------------------------------------------

def test_the_oldest_order_is_served_first_whatever_the_line_ids():
    lines = [waiting(1, 10, hours=5, unallocated=2), waiting(2, 20, hours=1, unallocated=2)]
    assert allocate_fifo(2, lines) == [Allocation(line_id=2, order_id=20, units=2)]


def test_lines_placed_at_the_same_time_are_served_by_line_id():
    lines = [waiting(7, 1, hours=0, unallocated=1), waiting(3, 2, hours=0, unallocated=1)]
    assert allocate_fifo(1, lines) == [Allocation(line_id=3, order_id=2, units=1)]


def test_the_last_line_served_is_filled_in_part():
    lines = [waiting(1, 1, 0, 3), waiting(2, 2, 1, 4), waiting(3, 3, 2, 5)]
    assert allocate_fifo(5, lines) == [Allocation(1, 1, 3), Allocation(2, 2, 2)]


def test_a_line_never_gets_more_than_it_needs():
    assert allocate_fifo(100, [waiting(1, 1, 0, 3), waiting(2, 2, 1, 4)]) == [
        Allocation(1, 1, 3), Allocation(2, 2, 4)]


def test_a_line_that_needs_nothing_gets_nothing():
    assert allocate_fifo(2, [waiting(1, 1, 0, 0), waiting(2, 2, 1, 2)]) == [Allocation(2, 2, 2)]


@pytest.mark.parametrize("quantity", [0, -3])
def test_no_units_serve_no_one(quantity):
    assert allocate_fifo(quantity, [waiting(1, 1, 0, 2)]) == []


def test_no_one_waiting_takes_nothing():
    assert allocate_fifo(5, []) == []


@st.composite
def queues(draw):
    count = draw(st.integers(0, 15))
    line_ids = draw(st.lists(st.integers(1, 1000), min_size=count, max_size=count, unique=True))
    # Few distinct hours, so ties on placed_at are common and the line id decides.
    return [waiting(line_id, order_id=draw(st.integers(1, 5)), hours=draw(st.integers(0, 3)),
                    unallocated=draw(st.integers(1, 20))) for line_id in line_ids]


@settings(max_examples=300, deadline=None)
@given(st.integers(-5, 200), queues())
def test_fifo_serves_a_prefix_of_the_queue_and_allocates_all_it_can(quantity, lines):
    allocations = allocate_fifo(quantity, lines)
    queue = sorted(lines, key=lambda w: (w.placed_at, w.line_id))
    need = sum(w.unallocated for w in lines)

    assert sum(a.units for a in allocations) == min(max(quantity, 0), need)
    assert [a.line_id for a in allocations] == [w.line_id for w in queue[:len(allocations)]]
    for allocation, line in zip(allocations, queue, strict=False):
        assert 0 < allocation.units <= line.unallocated
        assert allocation.order_id == line.order_id
    # Every line served but the last is filled whole.
    for allocation, line in zip(allocations[:-1], queue, strict=False):
        assert allocation.units == line.unallocated


# -- take_stock ---------------------------------------------------------------------------

@pytest.mark.parametrize(("requested", "available", "room", "allocated", "waiting"), [
    (2, 5, 0, 2, 0),       # in stock: nothing waits
    (5, 5, 0, 5, 0),       # the last units
    (5, 3, None, 3, 2),    # beyond stock, no backorder limit
    (5, 0, None, 0, 5),
    (5, -2, None, 0, 5),   # oversold: nothing to commit, all waits
    (5, 3, 2, 3, 2),       # exactly the room left on backorder
    (4, 0, 10, 0, 4),
])
def test_a_purchase_commits_what_is_available_and_the_rest_waits(requested, available, room,
                                                                 allocated, waiting):
    assert take_stock("SKU-1", requested, available, room) == Take(allocated=allocated,
                                                                   waiting=waiting)


@pytest.mark.parametrize(("requested", "available", "room", "message"), [
    (5, 3, 0, "Only 3 of SKU-1 left"),        # backorders not allowed
    (5, 3, 1, "Only 4 of SKU-1 left"),        # backorder room counts as left
    (1, 0, 0, "SKU-1 is out of stock"),
    (3, -2, 0, "SKU-1 is out of stock"),
    (3, 0, 2, "Only 2 of SKU-1 left"),
])
def test_a_purchase_beyond_stock_and_backorder_room_is_refused_with_what_is_left(
        requested, available, room, message):
    with pytest.raises(InsufficientStock) as refused:
        take_stock("SKU-1", requested, available, room)
    assert refused.value.message == message
    assert refused.value.field == "quantity"
