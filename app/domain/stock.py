"""Stock rules: what a purchase takes from stock, and who gets stock that arrives."""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from app.domain.errors import InsufficientStock, StockAdjustmentRefused

# The most units a product may have on hand. Receipts and adjustments that would go
# past it are refused, so every form that shows on hand (the product form, Receive
# stock, Adjust stock) can take any figure stock can reach; it also keeps on hand far
# inside the database's INTEGER column.
MAX_ON_HAND = 1_000_000


@dataclass(frozen=True)
class Take:
    """What one order line takes: units allocated from stock, units left waiting."""

    allocated: int
    waiting: int


def take_stock(sku: str, requested: int, available: int, backorder_room: int | None) -> Take:
    """Commit what is available; the rest waits, if backorders leave room for it.

    `backorder_room` is None for no limit and 0 when backorders are not allowed.
    """
    allocated = min(requested, max(available, 0))
    waiting = requested - allocated
    if backorder_room is not None and waiting > backorder_room:
        left = allocated + backorder_room
        raise InsufficientStock(
            f"Only {left} of {sku} left" if left else f"{sku} is out of stock")
    return Take(allocated=allocated, waiting=waiting)


def check_on_hand_room(on_hand: int, units: int) -> None:
    """Refuse `units` more on hand when they would take it past MAX_ON_HAND."""
    if units > 0 and on_hand + units > MAX_ON_HAND:
        room = max(MAX_ON_HAND - on_hand, 0)
        raise StockAdjustmentRefused(
            f"On hand cannot go above {MAX_ON_HAND:,} units: "
            + (f"add at most {room:,} more" if room else "this product is full"))


@dataclass(frozen=True)
class WaitingLine:
    line_id: int
    order_id: int
    placed_at: datetime
    unallocated: int


@dataclass(frozen=True)
class Allocation:
    line_id: int
    order_id: int
    units: int


def allocate_fifo(quantity: int, waiting: Iterable[WaitingLine]) -> list[Allocation]:
    """Give `quantity` new units to waiting lines, oldest order first, then line id."""
    allocations = []
    for line in sorted(waiting, key=lambda w: (w.placed_at, w.line_id)):
        if quantity <= 0:  # pragma: no mutate (`< 0` is equivalent: min(0, n) allocates nothing)
            break
        units = min(quantity, line.unallocated)
        if units > 0:
            allocations.append(Allocation(line.line_id, line.order_id, units))
            quantity -= units
    return allocations
