"""Order rules: statuses and their moves, and how an order splits into a backorder."""
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from app.domain.errors import BackordersDisabled, IllegalTransition, InvalidQuantity


class OrderStatus(enum.StrEnum):
    NEW = "New"
    ON_HOLD = "On Hold"
    NEW_BACKORDER = "New Backorder"
    BACKORDER_APPROVED = "Backorder Approved"
    PICK = "Pick"
    PACK = "Pack"
    DISPATCHED = "Dispatched"
    CANCELLED = "Cancelled"


# Orders that still hold or wait for stock.
OPEN_STATUSES = (OrderStatus.NEW, OrderStatus.ON_HOLD, OrderStatus.NEW_BACKORDER,
                 OrderStatus.BACKORDER_APPROVED, OrderStatus.PICK, OrderStatus.PACK)
BACKORDER_STATUSES = (OrderStatus.NEW_BACKORDER, OrderStatus.BACKORDER_APPROVED)
# Only these may put lines on backorder (docs/rules.md, Split).
SPLITTABLE_STATUSES = (OrderStatus.NEW, OrderStatus.ON_HOLD)
NOT_SPLITTABLE = "Only orders with New or On Hold status can have order lines in backorder"

MOVES: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.NEW: frozenset({OrderStatus.ON_HOLD, OrderStatus.PICK, OrderStatus.CANCELLED}),
    OrderStatus.ON_HOLD: frozenset({OrderStatus.NEW, OrderStatus.CANCELLED}),
    OrderStatus.NEW_BACKORDER: frozenset(
        {OrderStatus.BACKORDER_APPROVED, OrderStatus.NEW, OrderStatus.CANCELLED}),
    OrderStatus.BACKORDER_APPROVED: frozenset({OrderStatus.NEW, OrderStatus.CANCELLED}),
    OrderStatus.PICK: frozenset({OrderStatus.PACK, OrderStatus.CANCELLED}),
    OrderStatus.PACK: frozenset({OrderStatus.DISPATCHED, OrderStatus.CANCELLED}),
    OrderStatus.DISPATCHED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}


def next_statuses(current: OrderStatus) -> list[OrderStatus]:
    """The statuses staff may choose next, in the order of the enum."""
    return [s for s in OrderStatus if s in MOVES[current]]


def check_move(current: OrderStatus, target: OrderStatus, fully_allocated: bool) -> None:
    """Raise IllegalTransition unless an order may go from `current` to `target`."""
    if target not in MOVES[current]:
        raise IllegalTransition(f"An order cannot move from {current} to {target}")
    if target in (OrderStatus.PICK, OrderStatus.NEW) and current is not OrderStatus.ON_HOLD \
            and not fully_allocated:
        if target is OrderStatus.PICK:
            raise IllegalTransition("An order moves to Pick only when every line is fully allocated")
        raise IllegalTransition("This backorder is still waiting for stock")


@dataclass(frozen=True)
class Line:
    """An order line as the split sees it. `id` names the line it came from."""

    id: int
    sku: str
    quantity: int
    allocated: int
    unit_price: Decimal

    @property
    def subtotal(self) -> Decimal:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class SplitRules:
    create_backorder: bool
    disable_partial: bool
    keep_empty_parent: bool


@dataclass(frozen=True)
class SplitPlan:
    """What the parent keeps and what the backorder takes.

    `backorder` is empty when the whole order itself becomes the backorder.
    """

    parent: tuple[Line, ...]
    backorder: tuple[Line, ...]
    parent_paid: Decimal
    backorder_paid: Decimal
    order_becomes_backorder: bool = False

    @property
    def parent_total(self) -> Decimal:
        return sum((line.subtotal for line in self.parent), Decimal("0.00"))

    @property
    def backorder_total(self) -> Decimal:
        return sum((line.subtotal for line in self.backorder), Decimal("0.00"))


def plan_split(lines: Sequence[Line], bko: Mapping[int, int], paid: Decimal,
               rules: SplitRules) -> SplitPlan | None:
    """Split an order by the units placed on backorder (BKO) per line id.

    Units move with their allocation: the unallocated units of a line go first,
    so a shopper never loses stock already committed to them. Payment stays with
    the parent up to its new total; the rest credits the backorder. Returns None
    when nothing is on backorder.
    """
    # A line left out of `bko` has none of its units on backorder.
    bko = {line.id: bko.get(line.id, 0) for line in lines}
    for line in lines:
        if not 0 <= bko[line.id] <= line.quantity:
            raise InvalidQuantity(f"BKO for {line.sku} must be a whole number from 0 to {line.quantity}")
    if not any(bko.values()):
        return None
    if not rules.create_backorder:
        raise BackordersDisabled(
            "Turn on 'Create backorder when backorder items' to put order lines on backorder")
    if rules.disable_partial:
        bko = {line.id: line.quantity for line in lines}

    everything = all(bko[line.id] == line.quantity for line in lines)
    if everything and not rules.keep_empty_parent:
        return SplitPlan(parent=tuple(lines), backorder=(), parent_paid=paid,
                         backorder_paid=Decimal("0.00"), order_becomes_backorder=True)

    kept: list[Line] = []
    moved: list[Line] = []
    for line in lines:
        units = bko[line.id]
        moved_allocated = max(0, units - (line.quantity - line.allocated))
        if line.quantity - units:
            kept.append(replace(line, quantity=line.quantity - units,
                                allocated=line.allocated - moved_allocated))
        if units:
            moved.append(replace(line, quantity=units, allocated=moved_allocated))
    parent_total = sum((line.subtotal for line in kept), Decimal("0.00"))
    parent_paid = min(paid, parent_total)
    return SplitPlan(parent=tuple(kept), backorder=tuple(moved),
                     parent_paid=parent_paid, backorder_paid=paid - parent_paid)


def fill_bko_with_unallocated(lines: Sequence[Line]) -> dict[int, int]:
    """What `Backorder Out of Stock Products` puts in the BKO column."""
    return {line.id: line.quantity - line.allocated for line in lines}
