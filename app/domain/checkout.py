"""What a cart promises the shopper: which units ship now and which wait.

The promise is worked out with the very rules checkout applies: each line takes
what is available (`take_stock`), then the order splits by the store's split rules
(`plan_split`), and an order ships only once every one of its units is allocated.
So with `Disable partial backorder` on, or with no backorder created at all, an
order with one unit short ships nothing now: every unit waits for the rest.
"""
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from app.domain.errors import InsufficientStock
from app.domain.orders import Line, SplitRules, plan_split
from app.domain.stock import Take, take_stock


@dataclass(frozen=True)
class Shipment:
    """An order as it will leave the warehouse: it ships once every unit is allocated."""

    units: int
    allocated: int

    @property
    def waiting(self) -> int:
        """Units still waiting for stock."""
        return self.units - self.allocated

    @property
    def ready(self) -> bool:
        return self.units > 0 and self.waiting == 0


def shipment(lines: Iterable[tuple[int, int]]) -> Shipment:
    """The shipment of an order's lines, given as (quantity, allocated) pairs."""
    units = allocated = 0
    for quantity, line_allocated in lines:
        units += quantity
        allocated += line_allocated
    return Shipment(units=units, allocated=allocated)


@dataclass(frozen=True)
class CartItem:
    """A cart line as checkout would see it now."""

    sku: str
    quantity: int
    available: int
    backorder_room: int | None  # None: no limit; 0: backorders not allowed


@dataclass(frozen=True)
class LinePromise:
    """What one cart line will do: quantity = ship_now + reserved + on_backorder."""

    sku: str
    quantity: int
    ship_now: int
    reserved: int  # taken from stock for the shopper, but waiting to ship with the rest
    on_backorder: int  # waiting for stock to arrive
    problem: str | None = None  # why checkout would refuse this line as it stands

    @property
    def waiting(self) -> int:
        return self.reserved + self.on_backorder


class Delivery(enum.StrEnum):
    ALL_NOW = "Everything ships now"
    SPLIT = "What is in stock ships now; the rest ships when it arrives"
    TOGETHER = "Nothing ships now: everything ships together when the rest arrives"


class DeliveryChoice(enum.StrEnum):
    """The shopper's `Delivery` at checkout, where the shop lets them choose."""

    SHIP_NOW = "Ship what is in stock now"  # the split, as without the choice
    TOGETHER = "Ship everything together"  # no split: the order waits whole


@dataclass(frozen=True)
class Promise:
    lines: tuple[LinePromise, ...]
    delivery: Delivery

    def line(self, sku: str) -> LinePromise:
        return next(line for line in self.lines if line.sku == sku)

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def ship_now(self) -> int:
        return sum(line.ship_now for line in self.lines)

    @property
    def reserved(self) -> int:
        return sum(line.reserved for line in self.lines)

    @property
    def on_backorder(self) -> int:
        return sum(line.on_backorder for line in self.lines)

    @property
    def waits(self) -> bool:
        """Whether any unit waits (for stock, or to ship with units that do)."""
        return self.delivery is not Delivery.ALL_NOW

    @property
    def problems(self) -> list[str]:
        return [line.problem for line in self.lines if line.problem]

    @property
    def summary(self) -> str:
        """The promise in one sentence, for the cart, checkout and the emails."""
        if self.delivery is Delivery.ALL_NOW:
            return "Everything ships now."
        if self.delivery is Delivery.SPLIT:
            rest = self.units - self.ship_now
            return (f"{ship(self.ship_now)} now; the rest ({rest}) "
                    f"{'waits' if rest == 1 else 'wait'} on backorder until stock arrives.")
        if self.units == 1:
            return "Nothing ships now: the item ships when it arrives."
        if not self.reserved:
            return f"Nothing ships now: all {self.units} items ship when they arrive."
        return (f"Nothing ships now: all {self.units} items ship together when the rest "
                f"arrives ({self.reserved} {'is' if self.reserved == 1 else 'are'} already "
                f"reserved for you from stock).")


def ship(units: int) -> str:
    return "1 item ships" if units == 1 else f"{units} items ship"


def take(item: CartItem) -> tuple[Take, str | None]:
    """What checkout takes for the line; when it would refuse, what it could take, and why."""
    try:
        return take_stock(item.sku, item.quantity, item.available, item.backorder_room), None
    except InsufficientStock as refused:
        allocated = min(item.quantity, max(item.available, 0))
        return Take(allocated=allocated, waiting=item.quantity - allocated), refused.message


def promise(items: Sequence[CartItem], rules: SplitRules, together: bool = False) -> Promise:
    """What placing this cart now would do with each unit, under the store's split rules.

    `together`: the shopper chose `Ship everything together`, so the order never splits:
    the units in stock are reserved for it and it ships whole when the rest arrives.
    """
    takes = [take(item) for item in items]
    lines = [Line(id=i, sku=item.sku, quantity=item.quantity, allocated=taken.allocated,
                  unit_price=Decimal("0.00"))
             # strict=True only guards: `takes` has one take per item (pyproject.toml: mutmut)
             for i, (item, (taken, _)) in enumerate(zip(items, takes, strict=True))]
    waiting = {line.id: line.quantity - line.allocated for line in lines}
    shipments: list[Sequence[Line]] = [lines]
    # Checkout splits only when backorders are created and something waits: the same test.
    if rules.create_backorder and not together and any(waiting.values()):
        plan = plan_split(lines, waiting, Decimal("0.00"), rules)
        assert plan is not None  # something is on backorder, so there is a plan
        # When the order itself becomes the backorder, the plan's parent is the whole order.
        shipments = [plan.parent, plan.backorder]

    return settle(shipments, lines, problems={
        # strict=True only guards: `lines` has one line per take (pyproject.toml: mutmut)
        line.id: problem for line, (_, problem) in zip(lines, takes, strict=True)})


def offers_delivery_choice(allowed: bool, split: Promise) -> bool:
    """Whether checkout asks `Delivery`: the shop lets shoppers choose (the Payments tab),
    and the cart as it stands would split into units that ship now and units that wait.
    An order that ships whole anyway (all in stock, all waiting, or no split made) has
    nothing to choose."""
    return allowed and split.delivery is Delivery.SPLIT


def chosen_delivery(asked: DeliveryChoice | None, offered: bool) -> DeliveryChoice | None:
    """The delivery an order records: when the choice was offered, what the shopper asked
    (`Ship what is in stock now` unless they asked otherwise); else none, since with
    nothing to split either answer would place the same order."""
    if not offered:
        return None
    return asked or DeliveryChoice.SHIP_NOW


def promise_of_orders(orders: Sequence[Sequence[Line]]) -> Promise:
    """What placed orders will do: each ships once every unit in it is allocated.

    Give each line the id of its product, so a product's units in an order and in
    its backorder count as one line.
    """
    return settle(orders, [line for order in orders for line in order], problems={})


def settle(shipments: Sequence[Sequence[Line]], lines: Sequence[Line],
           problems: dict[int, str | None]) -> Promise:
    """Per line id (in the order of `lines`), the units in shipments that are ready
    (they ship now) and in those that wait."""
    order: dict[int, Line] = {}
    for line in lines:
        order.setdefault(line.id, line)
    ship_now: dict[int, int] = {}
    reserved: dict[int, int] = {}
    quantity: dict[int, int] = {}
    for part in shipments:
        ready = shipment((line.quantity, line.allocated) for line in part).ready
        for line in part:
            order.setdefault(line.id, line)  # pragma: no mutate (`lines` already holds it)
            quantity[line.id] = quantity.get(line.id, 0) + line.quantity
            ship_now[line.id] = ship_now.get(line.id, 0) + (line.quantity if ready else 0)
            reserved[line.id] = reserved.get(line.id, 0) + (0 if ready else line.allocated)
    promised = tuple(
        LinePromise(sku=line.sku, quantity=quantity[key], ship_now=ship_now[key],
                    reserved=reserved[key],
                    on_backorder=quantity[key] - ship_now[key] - reserved[key],
                    problem=problems.get(key))
        for key, line in order.items())
    now = sum(line.ship_now for line in promised)
    units = sum(line.quantity for line in promised)
    delivery = (Delivery.ALL_NOW if now == units else
                Delivery.SPLIT if now else Delivery.TOGETHER)
    return Promise(lines=promised, delivery=delivery)
