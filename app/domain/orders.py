"""Order rules: statuses and their moves, and how an order splits into a backorder."""
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from app.domain.errors import (BackordersDisabled, DispatchNotConfirmed, DomainError,
                               IllegalTransition, InvalidQuantity, OrderNotEditable)
from app.domain.money import format_money


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
# Only these may put lines on backorder, or have their lines changed (docs/rules.md, Split).
SPLITTABLE_STATUSES = (OrderStatus.NEW, OrderStatus.ON_HOLD)
NOT_SPLITTABLE = "Only orders with New or On Hold status can have order lines in backorder"
BACKORDERS_OFF = "Turn on 'Create backorder when backorder items' to put order lines on backorder"
NOT_EDITABLE = "Quantities can change only on orders with New or On Hold status"
NOTHING_TO_SHIP = "This order has no items left to ship, so it cannot move to Pick"
# The most units one order line (or cart line) may hold.
MAX_LINE_QUANTITY = 999

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


def move_refusal(current: OrderStatus, target: OrderStatus, fully_allocated: bool,
                 has_units: bool = True) -> str | None:
    """Why an order may not go from `current` to `target`, or None when it may."""
    if target not in MOVES[current]:
        return f"An order cannot move from {current} to {target}"
    if target is OrderStatus.PICK and not has_units:
        return NOTHING_TO_SHIP
    if target in (OrderStatus.PICK, OrderStatus.NEW) and current is not OrderStatus.ON_HOLD \
            and not fully_allocated:
        if target is OrderStatus.PICK:
            return "An order moves to Pick only when every line is fully allocated"
        return "This backorder is still waiting for stock"
    return None


def check_move(current: OrderStatus, target: OrderStatus, fully_allocated: bool,
               has_units: bool = True) -> None:
    """Raise IllegalTransition unless an order may go from `current` to `target`."""
    refusal = move_refusal(current, target, fully_allocated, has_units)
    if refusal is not None:
        raise IllegalTransition(refusal)


def statuses_to_offer(current: OrderStatus, fully_allocated: bool,
                      has_units: bool = True) -> list[OrderStatus]:
    """The order page's Status choices: the current status, then each move it would accept.

    On a New or On Hold order the same Save may first change the lines (a lower Qty,
    BKO split off), so whether every line is allocated is judged when it is saved.
    An order with no units has nothing that Save could add: Pick is not offered.
    """
    lines_may_change = current in SPLITTABLE_STATUSES
    return [current, *(status for status in next_statuses(current)
                       if move_refusal(current, status, fully_allocated or lines_may_change,
                                       has_units) is None)]


def backorder_refusal(status: OrderStatus, create_backorder: bool) -> DomainError | None:
    """Whether an order's lines may go on backorder: None, or the refusal to raise or show.

    A BackordersDisabled refusal is the store setting's; an admin can change it.
    """
    if status not in SPLITTABLE_STATUSES:
        return OrderNotEditable(NOT_SPLITTABLE, field="bko")
    if not create_backorder:
        return BackordersDisabled(BACKORDERS_OFF)
    return None


def dispatch_refusal(target: OrderStatus, payment_required: Decimal, confirmed: bool) -> \
        DispatchNotConfirmed | None:
    """Dispatching with money still due asks staff to confirm it first."""
    if target is OrderStatus.DISPATCHED and payment_required > 0 and not confirmed:
        return DispatchNotConfirmed(
            f"{format_money(payment_required)} is still due on this order: tick "
            f"'{dispatch_confirmation(payment_required)}' to dispatch it anyway")
    return None


def dispatch_confirmation(payment_required: Decimal) -> str:
    """The label of the box that confirms a dispatch with money still due."""
    return f"Dispatch with {format_money(payment_required)} still due"


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
            raise InvalidQuantity(
                f"BKO for {line.sku} must be a whole number from 0 to {line.quantity}",
                field="bko", line_id=line.id)
    if not any(bko.values()):
        return None
    if not rules.create_backorder:
        raise BackordersDisabled(BACKORDERS_OFF)
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


def check_line_quantity(line: Line, quantity: int, lines_left: int) -> None:
    """A line's new Qty: 0 removes it, up to MAX_LINE_QUANTITY; the last line stays.

    `lines_left` counts the order's lines that keep a Qty above 0 after this change.
    """
    if not 0 <= quantity <= MAX_LINE_QUANTITY:
        raise InvalidQuantity(f"Qty for {line.sku} must be a whole number from 0 to "
                              f"{MAX_LINE_QUANTITY}", line_id=line.id)
    if quantity == 0 and lines_left == 0:
        raise InvalidQuantity(f"Qty for {line.sku} cannot be 0: it is the order's last line, "
                              "cancel the order instead", line_id=line.id)


def check_total_covers_payment(total: Decimal, paid: Decimal) -> None:
    """An order never totals less than what was paid on it."""
    if paid > total:
        raise InvalidQuantity(f"The order would total {format_money(total)}, less than the "
                              f"{format_money(paid)} already paid")
