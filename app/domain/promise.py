"""The promise: when each waiting unit will ship, from the purchase orders on their way.

Units waiting on open order lines are matched against incoming units: oldest order
first (the order receipts fill them in, as `allocate_fifo`), against the earliest
expected date first, then the lowest PO number. A waiting line is promised the
expected date of the PO that covers its last unit; a line no PO covers to its last
unit is promised the product's Date of arrival, or nothing ("Date to be confirmed").
"""
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from app.domain.errors import DomainError
from app.domain.orders import OrderStatus

# The most units one purchase order line may hold: far inside INTEGER, and as much as
# on hand may ever reach.
MAX_PO_QUANTITY = 1_000_000


class PoStatus(enum.StrEnum):
    DRAFT = "Draft"
    ORDERED = "Ordered"
    PARTLY_RECEIVED = "Partly received"
    RECEIVED = "Received"
    CANCELLED = "Cancelled"


# The units of these POs' lines not yet received are incoming: they may be received.
INCOMING_STATUSES = frozenset({PoStatus.ORDERED, PoStatus.PARTLY_RECEIVED})
# Lines may be added to a Draft only; quantities and the date change until it is done.
EDITABLE_STATUSES = frozenset({PoStatus.DRAFT, PoStatus.ORDERED, PoStatus.PARTLY_RECEIVED})


class PurchaseOrderRefused(DomainError):
    """A purchase order change the rules refuse; `field` says where the form shows it."""


@dataclass(frozen=True)
class Waiting:
    """Units of one open order line still waiting for stock."""

    line_id: int
    order_id: int
    placed_at: datetime
    units: int


@dataclass(frozen=True)
class Incoming:
    """Units of one PO line not yet received, expected on the PO's date."""

    po_number: int
    expected: date
    units: int


@dataclass(frozen=True)
class Promised:
    """What the incoming units promise one waiting line."""

    covered: int  # its units that a PO covers
    date: date | None  # the date of the PO covering its last unit; None: not covered whole


@dataclass(frozen=True)
class Match:
    lines: dict[int, Promised]  # waiting line id -> its promise
    # The expected date of the first incoming unit no waiting line was promised:
    # when a unit bought now would arrive. None when every incoming unit is taken.
    next_free: date | None
    uncovered: int  # waiting units no incoming unit covers
    spare: int  # incoming units no waiting unit is promised
    # Waiting line id -> the PO numbers whose units cover it, in the order they arrive.
    covering: dict[int, tuple[int, ...]] = field(default_factory=dict)


def _supply(incoming: Iterable[Incoming]) -> list[list]:
    """The incoming units as [expected date, units, PO number], in the order they are
    promised: earliest expected date first, then lowest PO number."""
    return [[item.expected, item.units, item.po_number]
            for item in sorted(incoming, key=lambda i: (i.expected, i.po_number))
            if item.units > 0]


def match(waiting: Iterable[Waiting], incoming: Iterable[Incoming]) -> Match:
    """Match the waiting units of one product against its incoming units."""
    supply = _supply(incoming)
    at = 0  # the first incoming batch with units left
    lines: dict[int, Promised] = {}
    covering: dict[int, tuple[int, ...]] = {}
    uncovered = 0
    for line in sorted(waiting, key=lambda w: (w.placed_at, w.line_id)):
        need, covered, last, pos = line.units, 0, None, []
        while need > 0 and at < len(supply):
            units = min(need, supply[at][1])
            supply[at][1] -= units
            need -= units
            covered += units
            last = supply[at][0]
            if supply[at][2] not in pos:
                pos.append(supply[at][2])
            if supply[at][1] == 0:
                at += 1
        uncovered += need
        lines[line.line_id] = Promised(covered=covered, date=last if need == 0 else None)
        covering[line.line_id] = tuple(pos)
    spare = sum(units for _, units, _ in supply[at:])
    return Match(lines=lines, next_free=supply[at][0] if at < len(supply) else None,
                 uncovered=uncovered, spare=spare, covering=covering)


def arrival_for(waiting: int, units: int, incoming: Iterable[Incoming]) -> date | None:
    """When `units` bought now would arrive: they wait behind the `waiting` units already
    waiting (every one of them older), so they are covered by the incoming units after
    those. The expected date of the PO covering the last of them; None when the incoming
    units do not reach that far.

    `arrival_for(waiting, 1, incoming)` is `match(...).next_free`: the date of the first
    incoming unit not yet promised, which the product page shows.
    """
    position = waiting + units  # the last of them, counting from 1
    if units <= 0:
        return None
    for expected, batch, _ in _supply(incoming):
        if position <= batch:
            return expected
        position -= batch
    return None


@dataclass(frozen=True)
class Backorder:
    """A backorder whose approval may follow the purchase orders: its waiting lines as
    (units covered by incoming units, units waiting)."""

    order_id: int
    status: OrderStatus
    approved_by_po: bool  # moved to Backorder Approved by this rule, not by staff
    lines: tuple[tuple[int, int], ...]


def approval_moves(backorders: Iterable[Backorder]) -> dict[int, OrderStatus]:
    """Which backorders move, with `Approve backorders covered by a purchase order` on.

    A New Backorder whose every waiting unit is covered moves to Backorder Approved; one
    this rule approved moves back to New Backorder once any waiting unit is uncovered.
    A backorder staff approved stays (they may know of stock no PO shows), and one with
    nothing waiting is left to the release rules.
    """
    moves: dict[int, OrderStatus] = {}
    for order in backorders:
        if not order.lines:
            continue
        covered = all(units_covered >= units for units_covered, units in order.lines)
        if order.status is OrderStatus.NEW_BACKORDER and covered:
            moves[order.order_id] = OrderStatus.BACKORDER_APPROVED
        elif (order.status is OrderStatus.BACKORDER_APPROVED and order.approved_by_po
              and not covered):
            moves[order.order_id] = OrderStatus.NEW_BACKORDER
    return moves


def queued_dates(ahead: int, lines: Iterable[tuple[int, int]], incoming: Iterable[Incoming],
                 arrival_date: date | None) -> dict[int, date | None]:
    """The dates of new waiting lines, (line id, units), joining the back of the queue
    behind `ahead` units already waiting: per line id, as `match` and `promised_date` give.

    Where a line falls in the queue only counts through the units ahead of it, so a
    checkout, placed last, needs the product's waiting figure, not every waiting line.
    """
    placed = datetime.min
    queue = [Waiting(line_id=-1, order_id=-1, placed_at=placed, units=ahead),
             *(Waiting(line_id=line_id, order_id=0, placed_at=placed, units=units)
               for line_id, units in sorted(lines))]
    matched = match(queue, incoming)
    return {w.line_id: promised_date(matched.lines[w.line_id], arrival_date)
            for w in queue[1:]}


def promised_date(promised: Promised, arrival_date: date | None) -> date | None:
    """A waiting line's date: its PO's, else the product's Date of arrival, else none."""
    return promised.date if promised.date is not None else arrival_date


def order_date(dates: Iterable[date | None]) -> date | None:
    """An order ships when its last waiting line arrives: the latest of its lines' dates,
    and no date at all when any line has none."""
    dates = list(dates)
    if not dates or any(d is None for d in dates):
        return None
    return max(dates)


def moved_later(before: Mapping[int, date | None],
                after: Mapping[int, date | None]) -> dict[int, tuple[date | None, date | None]]:
    """The orders whose promised date a change moved later: id -> (old date, new date).

    Losing a date (a PO cancelled, nothing else on its way) is later than any date;
    an order that had no date before cannot slip, and one no longer waiting did not.
    """
    return {order_id: (old, after[order_id]) for order_id, old in before.items()
            if old is not None and order_id in after
            and (after[order_id] is None or after[order_id] > old)}


def status_after_receipt(lines: Iterable[tuple[int, int, bool]]) -> PoStatus:
    """A PO's status after a receipt, from its lines' (quantity, received, closed)."""
    done = all(received >= quantity or closed for quantity, received, closed in lines)
    return PoStatus.RECEIVED if done else PoStatus.PARTLY_RECEIVED


def check_receipt(sku: str, units: int, outstanding: int) -> None:
    """Units received now on a PO line: a whole number up to what is still to come."""
    if units < 0:
        raise PurchaseOrderRefused(f"Enter a whole number from 0 to {outstanding}")
    if units > outstanding:
        raise PurchaseOrderRefused(
            f"Only {outstanding} of {sku} are still to come on this purchase order"
            if outstanding else f"Every unit of {sku} on this purchase order is in")


def check_line_quantity(sku: str, quantity: int, received: int) -> None:
    """A PO line's new quantity: never below what was received, at least one unit (a line
    of none is no line: cancel the PO instead), never above the limit."""
    if quantity < 1:
        raise PurchaseOrderRefused(f"Enter a whole number from 1 to {MAX_PO_QUANTITY:,}")
    if quantity < received:
        raise PurchaseOrderRefused(
            f"{received} of {sku} were received: the quantity cannot be less")
    if quantity > MAX_PO_QUANTITY:
        raise PurchaseOrderRefused(f"Enter a whole number up to {MAX_PO_QUANTITY:,}")
