"""A large shop for benchmarks, written in bulk (`flask --app wsgi seed-bench`).

It lives outside the app's package: only the `seed-bench` command imports it, so no
serving process loads it. The timeline's sentences and the order numbers come from the
services' own builders (app/services/records.py), so seeded data reads as the shop's.

Rows go in as Core INSERTs executed many at a time, with ids chosen here so no row
needs a round trip: the ORM's unit of work, or the services order by order, would
take an hour for 300,000 orders. The data keeps the shop's rules all the same:

- order numbers come from order_numbers (number = 1000 + its id); references are unique;
- a quarter of the orders have a backorder (parent_id), split at checkout: recent
  ones still New Backorder or Backorder Approved, some ready (every line allocated);
- a product's committed and waiting are the allocated and unallocated units of its
  open lines; on hand is never below committed; nothing is available where units
  wait, and only products with waiting units have open lines without stock (FIFO);
- the ledger replays to today's figures: per product the opening stock, what
  checkouts committed and what dispatches shipped;
- each order's payments add up to its amount paid.
"""
import random
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import Connection, Table, bindparam, cast, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY

from app.domain.buttons import Policy
from app.domain.orders import OPEN_STATUSES, OrderStatus
from app.extensions import db
from app.models import (Order, OrderEvent, OrderLine, OrderNumber, Payment, Product,
                        SettingChange, StockMovement, StoreSettings)
from app.models.types import utcnow
from app.services import transaction
from app.services.records import (moved_units, payment_message, placed_message, reference,
                                  split_messages, status_message)
from app.services.settings import SETTINGS_ID

SKU_PREFIX = "BN-"
SPAN = timedelta(days=730)               # orders are spread over two years
STILL_OPEN = timedelta(days=45)          # younger orders may not have shipped yet
BACKORDER_OPEN = timedelta(days=120)     # younger backorders still wait
BACKORDER_SHARE = 0.25
WAITING_PRODUCT_SHARE = 0.05             # out of stock, with shoppers waiting
PAYMENT_METHOD = "Bank deposit"
CHUNK = 2_000                            # orders per round of INSERTs
MIN_PRODUCTS = 20

NEXT_STEP = {  # the move that brought an order to its status, for its timeline
    OrderStatus.ON_HOLD: OrderStatus.NEW, OrderStatus.PICK: OrderStatus.NEW,
    OrderStatus.PACK: OrderStatus.PICK, OrderStatus.DISPATCHED: OrderStatus.PACK,
    OrderStatus.BACKORDER_APPROVED: OrderStatus.NEW_BACKORDER,
}
RECENT_STATUSES = ((OrderStatus.NEW, 35), (OrderStatus.ON_HOLD, 5), (OrderStatus.PICK, 15),
                   (OrderStatus.PACK, 10), (OrderStatus.DISPATCHED, 30),
                   (OrderStatus.CANCELLED, 5))
LINE_COUNTS = ((1, 55), (2, 28), (3, 12), (4, 5))
QUANTITIES = ((1, 70), (2, 20), (3, 5), (4, 3), (5, 2))

ADJECTIVES = ("Classic", "Rustic", "Modern", "Nordic", "Vintage", "Compact", "Deluxe", "Everyday",
              "Handmade", "Large", "Small", "Slim", "Round", "Square", "Tall", "Travel", "Heavy",
              "Light", "Glazed", "Matte", "Speckled", "Hammered", "Woven", "Folding", "Stacking",
              "Double-walled", "Insulated", "Pocket", "Studio", "Garden")
MATERIALS = ("oak", "walnut", "bamboo", "cast iron", "copper", "brass", "steel", "glass",
             "stoneware", "porcelain", "linen", "cotton", "wool", "leather", "cork", "marble",
             "slate", "ceramic", "enamel", "clay")
NOUNS = ("teapot", "kettle", "cup", "mug", "tray", "caddy", "infuser", "strainer", "whisk",
         "bowl", "plate", "jar", "tin", "scoop", "spoon", "coaster", "mat", "cosy", "pitcher",
         "carafe", "timer", "scale", "grinder", "sieve", "basket", "box", "shelf", "towel",
         "apron", "napkin", "candle", "vase", "lamp", "stool", "bench", "hook", "rack", "crate",
         "lid", "cloth")
VARIANTS = ("", "", "", ", set of 2", ", set of 4", ", 250 ml", ", 500 ml", ", 1 L", ", large",
            ", small")
FIRST_NAMES = ("Olivia", "Liam", "Amelia", "Noah", "Isla", "Jack", "Mia", "Oliver", "Ava", "Leo",
               "Grace", "Lucas", "Chloe", "Henry", "Zoe", "Thomas", "Ruby", "James", "Ella",
               "William", "Sophie", "Charlie", "Lily", "Max", "Harper", "Ethan", "Evie", "Oscar",
               "Aria", "Mason")
LAST_NAMES = ("Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Johnson", "White",
              "Martin", "Anderson", "Thompson", "Nguyen", "Ryan", "Walker", "Harris", "Lee",
              "King", "Kelly", "Murphy", "Clarke", "Young", "Mitchell", "Baker", "Campbell",
              "Scott", "Green", "Hall", "Wood", "Jackson", "Chen")
STREETS = ("George St", "Queen St", "King St", "Elizabeth St", "Church St", "High St",
           "Victoria Rd", "Park Rd", "Station St", "Railway Pde", "Beach Rd", "Bridge Rd")
CITIES = ("Sydney NSW 2000", "Melbourne VIC 3000", "Brisbane QLD 4000", "Perth WA 6000",
          "Adelaide SA 5000", "Hobart TAS 7000", "Canberra ACT 2600", "Darwin NT 0800")


@dataclass(frozen=True)
class SeedReport:
    products: int
    orders: int
    backorders: int
    lines: int
    seconds: float


def work(products: int, orders: int) -> int:
    """How many steps `seed_bench` reports to its progress callback, for a progress bar."""
    return products + orders


def seed_bench(products: int, orders: int, *, seed: int = 1,
               progress: Callable[[int], None] = lambda steps: None) -> SeedReport:
    """Add `products` products and `orders` orders (plus their backorders) in one transaction.

    Turns on `Create backorder when backorder items` and `Enable Out Of Stock
    Checkout`, as a shop with backorders has them. Adds to what the database holds.
    """
    if products < MIN_PRODUCTS:
        raise ValueError(f"seed at least {MIN_PRODUCTS} products")
    started = time.perf_counter()
    with transaction():
        conn = db.session.connection()
        settings = _backorders_on(conn)
        shop = _Shop(products, orders, random.Random(seed), _highest_ids(conn),
                     settings.order_prefix, utcnow())
        shop.plan_orders()
        for rows in _chunks(shop.product_rows(), 5_000):
            _insert(conn, Product.__table__, rows)
            progress(len(rows))
        # One thread builds a chunk's rows while this one writes the chunk before.
        with ThreadPoolExecutor(max_workers=1) as builder:
            building = None
            for planned in [*_chunks(shop.orders, CHUNK), None]:
                built = building.result() if building is not None else None
                building = builder.submit(_order_rows, shop, planned) if planned else None
                if built is not None:
                    tables, parents = built
                    for table, rows in tables:
                        _insert(conn, table, rows)
                    progress(parents)
        _insert(conn, StockMovement.__table__, list(shop.ledger_rows()))
        _catch_up_sequences(conn)
    db.session.close()
    _analyze()
    return SeedReport(products=products, orders=orders,
                      backorders=sum(1 for o in shop.orders if o.parent is not None),
                      lines=sum(len(o.lines) for o in shop.orders),
                      seconds=time.perf_counter() - started)


@dataclass(slots=True)
class _Line:
    id: int
    product: int  # index in the shop's product lists
    quantity: int
    allocated: int


@dataclass(slots=True)
class _Order:
    id: int
    number_id: int
    status: OrderStatus
    placed_at: datetime
    customer: int
    lines: list[_Line]
    parent: "_Order | None"
    paid: bool
    backorder: "_Order | None" = None
    moved: str = ""  # "2 x BN-000123, ...": what the split moved, on both timelines

    def total(self, prices: Sequence[Decimal]) -> Decimal:
        return sum((prices[line.product] * line.quantity for line in self.lines),
                   Decimal("0.00"))


class _Shop:
    """The plan: every product and order, and the stock figures they add up to."""

    def __init__(self, products: int, orders: int, rng: random.Random, first: dict[str, int],
                 prefix: str, now: datetime):
        self.count, self.order_count, self.rng = products, orders, rng
        self.first, self.prefix, self.now = first, prefix, now
        self.start = now - SPAN
        self.prices = [Decimal(rng.randrange(200, 30_000)).scaleb(-2) for _ in range(products)]
        self.names = [f"{rng.choice(ADJECTIVES)} {rng.choice(MATERIALS)} {rng.choice(NOUNS)}"
                      f"{rng.choice(VARIANTS)}" for _ in range(products)]
        shuffled = list(range(products))
        rng.shuffle(shuffled)
        waiting = max(1, round(products * WAITING_PRODUCT_SHARE))
        self.waiting_pool = shuffled[:waiting]      # open lines of these only wait
        self.stocked_pool = shuffled[waiting:]      # open lines of these have their stock
        self.any_pool = list(range(products))
        self.committed = [0] * products
        self.waiting = [0] * products
        self.shipped = [0] * products
        self.customers = max(1, orders // 3)
        self.orders: list[_Order] = []

    # Products and orders -------------------------------------------------------

    def product_id(self, index: int) -> int:
        return self.first["products"] + 1 + index

    def sku(self, index: int) -> str:
        return f"{SKU_PREFIX}{self.product_id(index):06d}"

    def plan_orders(self) -> None:
        rng = self.rng
        order_id, number_id, line_id = (self.first["orders"], self.first["order_numbers"],
                                        self.first["order_lines"])
        for i in range(self.order_count):
            placed = self.start + SPAN * ((i + rng.random()) / self.order_count)
            age = self.now - placed
            status = self._parent_status(age)
            split = rng.random() < BACKORDER_SHARE
            child_status, ready = self._backorder_status(age, status) if split else (None, False)
            count = _weighted(rng, LINE_COUNTS)
            moved_count = 0
            if split:
                count = max(count, 2)
                moved_count = 2 if count >= 3 and rng.random() < 0.2 else 1
            parent_open = status in OPEN_STATUSES
            kept_pool = self.stocked_pool if parent_open else self.any_pool
            whole = False
            moved_pool = self.any_pool
            if child_status in OPEN_STATUSES and not ready:
                # Waiting units take a product with no stock at all: the whole line moves.
                moved_pool, whole = self.waiting_pool, True
            elif child_status in OPEN_STATUSES or parent_open:
                moved_pool = self.stocked_pool
            chosen = self._pick(kept_pool, count - moved_count, set())
            moved_products = self._pick(moved_pool, moved_count, set(chosen))

            kept = [[p, _weighted(rng, QUANTITIES)] for p in chosen]
            moved = []
            for p in moved_products:
                quantity = _weighted(rng, QUANTITIES)
                units = quantity if whole or quantity == 1 or rng.random() < 0.5 \
                    else rng.randint(1, quantity - 1)
                if quantity - units:
                    kept.append([p, quantity - units])
                moved.append([p, units])

            order_id += 1
            number_id += 1
            parent = _Order(order_id, number_id, status, placed, rng.randrange(self.customers),
                            [], None, paid=False)
            for p, quantity in sorted(kept):
                line_id += 1
                parent.lines.append(self._settle(_Line(line_id, p, quantity, 0), status, True))
            parent.paid = self._paid(status, backorder=False)
            self.orders.append(parent)
            if split:
                order_id += 1
                number_id += 1
                child = _Order(order_id, number_id, child_status, placed, parent.customer, [],
                               parent, paid=False)
                parent.backorder = child
                for p, units in sorted(moved):
                    line_id += 1
                    child.lines.append(self._settle(_Line(line_id, p, units, 0), child_status,
                                                    ready))
                child.paid = self._paid(child_status, backorder=True)
                parent.moved = child.moved = moved_units(
                    (line.quantity, self.sku(line.product)) for line in child.lines)
                self.orders.append(child)

    def _parent_status(self, age: timedelta) -> OrderStatus:
        if age <= STILL_OPEN:
            return _weighted(self.rng, RECENT_STATUSES)
        return OrderStatus.CANCELLED if self.rng.random() < 0.07 else OrderStatus.DISPATCHED

    def _backorder_status(self, age: timedelta, parent: OrderStatus) -> tuple[OrderStatus, bool]:
        """A backorder's status, and whether it is ready (every line allocated)."""
        rng = self.rng
        if parent is OrderStatus.CANCELLED:
            return OrderStatus.CANCELLED, False
        if age <= BACKORDER_OPEN or rng.random() < 0.03:  # a few wait for a long time
            status = OrderStatus.NEW_BACKORDER if rng.random() < 0.7 \
                else OrderStatus.BACKORDER_APPROVED
            return status, rng.random() < 0.1
        return (OrderStatus.CANCELLED if rng.random() < 0.1 else OrderStatus.DISPATCHED), False

    def _pick(self, pool: list[int], count: int, taken: set[int]) -> list[int]:
        """`count` distinct products, four picks in five from the pool's first fifth."""
        chosen: list[int] = []
        popular = max(1, len(pool) // 5)
        while len(chosen) < count:
            p = pool[self.rng.randrange(popular)] if self.rng.random() < 0.8 \
                else self.rng.choice(pool)
            if p not in taken:
                taken.add(p)
                chosen.append(p)
        return chosen

    def _settle(self, line: _Line, status: OrderStatus, has_stock: bool) -> _Line:
        """Allocate the line as its order's status says, and count it in the stock figures."""
        if status is OrderStatus.DISPATCHED:
            line.allocated = line.quantity
            self.shipped[line.product] += line.quantity
        elif status in OPEN_STATUSES:
            line.allocated = line.quantity if has_stock else 0
            self.committed[line.product] += line.allocated
            self.waiting[line.product] += line.quantity - line.allocated
        return line  # cancelled: nothing allocated, nothing counted

    def _paid(self, status: OrderStatus, backorder: bool) -> bool:
        if status in (OrderStatus.PICK, OrderStatus.PACK, OrderStatus.DISPATCHED):
            return True
        if status is OrderStatus.CANCELLED:
            return False
        return self.rng.random() < (0.2 if backorder else 0.3)

    # Rows -------------------------------------------------------------------

    def product_rows(self) -> Iterator[dict]:
        rng, today = self.rng, self.now.date()
        self.on_hand = [0] * self.count
        for p in range(self.count):
            waiting = self.waiting[p]
            if waiting:
                free, arrival = 0, rng.random() < 0.8
                policy = Policy.ALWAYS if rng.random() < 0.3 else Policy.STORE
            else:
                free = 0 if rng.random() < 0.1 else rng.randint(1, 200)
                arrival = free == 0 and rng.random() < 0.5
                policy = _weighted(rng, ((Policy.STORE, 75), (Policy.ALWAYS, 10),
                                         (Policy.NEVER, 15)))
            self.on_hand[p] = self.committed[p] + free
            limit = waiting + rng.randint(1, 20) \
                if policy is not Policy.NEVER and rng.random() < 0.05 else None
            name = self.names[p]
            yield {"id": self.product_id(p), "sku": self.sku(p), "name": name,
                   "description": f"{name}. Made to last, and easy to care for.",
                   "price": self.prices[p], "on_hand": self.on_hand[p],
                   "committed": self.committed[p], "waiting": waiting,
                   "backorder_policy": policy,
                   "arrival_date": today + timedelta(days=rng.randint(5, 60)) if arrival else None,
                   "backorder_limit": limit}

    def reference(self, order: _Order) -> str:
        return reference(self.prefix, OrderNumber.FIRST + order.number_id)

    def customer(self, c: int) -> tuple[str, str, str]:
        first = FIRST_NAMES[c % len(FIRST_NAMES)]
        last = LAST_NAMES[(c // len(FIRST_NAMES)) % len(LAST_NAMES)]
        address = (f"{c % 250 + 1} {STREETS[c % len(STREETS)]}\n"
                   f"{CITIES[(c // 7) % len(CITIES)]}")
        return f"{first} {last}", f"{first.lower()}.{last.lower()}{c}@example.com", address

    def later(self, moment: datetime, days: float) -> datetime:
        return min(moment + timedelta(days=self.rng.uniform(0, days)), self.now)

    def ledger_rows(self) -> Iterator[dict]:
        """Per product: opening stock, what checkouts committed, what dispatches shipped."""
        for p in range(self.count):
            pid, shipped = self.product_id(p), self.shipped[p]
            base = {"product_id": pid, "reference": "seed-bench", "order_id": None,
                    "user_id": None, "created_at": self.start}
            yield {**base, "reason": "opening stock", "on_hand_delta": self.on_hand[p] + shipped,
                   "committed_delta": 0, "waiting_delta": 0}
            if self.committed[p] + shipped or self.waiting[p]:
                yield {**base, "reason": "checkout", "on_hand_delta": 0,
                       "committed_delta": self.committed[p] + shipped,
                       "waiting_delta": self.waiting[p]}
            if shipped:
                yield {**base, "reason": "dispatch", "on_hand_delta": -shipped,
                       "committed_delta": -shipped, "waiting_delta": 0}


def _order_rows(shop: _Shop, planned: list[_Order]) -> tuple[list[tuple[Table, list[dict]]], int]:
    """The rows of a chunk of orders, their numbers, lines, payments and timelines,
    table by table in the order they go in; and how many shoppers' orders it holds."""
    orders, lines, payments, events = [], [], [], []
    for order in planned:
        name, email, address = shop.customer(order.customer)
        total = order.total(shop.prices)
        own = shop.reference(order)
        orders.append({
            "id": order.id, "reference": own, "prefix": shop.prefix,
            "number": OrderNumber.FIRST + order.number_id, "suffix": None,
            "status": order.status, "customer_name": name, "email": email, "address": address,
            "payment_method": PAYMENT_METHOD, "total": total,
            "amount_paid": total if order.paid else Decimal("0.00"),
            "parent_id": order.parent.id if order.parent else None, "version": 1,
            "token": secrets.token_urlsafe(24), "placed_at": order.placed_at})
        for line in order.lines:
            lines.append({"id": line.id, "order_id": order.id,
                          "product_id": shop.product_id(line.product),
                          "sku": shop.sku(line.product), "name": shop.names[line.product],
                          "unit_price": shop.prices[line.product], "quantity": line.quantity,
                          "allocated": line.allocated})
        timeline = []
        if order.parent is None:
            timeline.append(("placed", placed_message(name), order.placed_at))
        if order.backorder:
            on_parent, _ = split_messages(own, shop.reference(order.backorder),
                                          order.moved)
            timeline.append(("split", on_parent, order.placed_at))
        if order.parent:
            _, on_backorder = split_messages(shop.reference(order.parent), own,
                                             order.moved)
            timeline.append(("split", on_backorder, order.placed_at))
        if order.paid and total:
            paid_at = shop.later(order.placed_at, 3)
            payments.append({"order_id": order.id, "amount": total, "method": PAYMENT_METHOD,
                             "reference": f"DEP-{own}", "user_id": None,
                             "created_at": paid_at})
            timeline.append(("payment", payment_message(total, PAYMENT_METHOD), paid_at))
        initial = OrderStatus.NEW_BACKORDER if order.parent else OrderStatus.NEW
        if order.status is not initial:
            before = initial if order.status is OrderStatus.CANCELLED \
                else NEXT_STEP[order.status]
            timeline.append(("status", status_message(before, order.status),
                             shop.later(order.placed_at, 10)))
        events += [{"order_id": order.id, "kind": kind, "message": message, "user_id": None,
                    "created_at": at} for kind, message, at in timeline]
    numbers = [{"id": order.number_id} for order in planned]
    return ([(OrderNumber.__table__, numbers), (Order.__table__, orders),
             (OrderLine.__table__, lines), (Payment.__table__, payments),
             (OrderEvent.__table__, events)],
            sum(1 for order in planned if order.parent is None))


def _insert(conn: Connection, table: Table, rows: list[dict]) -> None:
    """INSERT a chunk of rows: executemany on SQLite, one INSERT ... SELECT unnest(arrays)
    on PostgreSQL, where psycopg would otherwise send (and parse) a statement per row."""
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        conn.execute(insert(table), rows)
        return
    columns = list(rows[0])
    arrays = [func.unnest(cast(bindparam(f"u_{name}", [row[name] for row in rows],
                                         type_=ARRAY(table.c[name].type)),
                               ARRAY(table.c[name].type)))
              for name in columns]
    conn.execute(insert(table).from_select(columns, select(*arrays)))


def _chunks(rows, size: int) -> Iterator[list]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _weighted(rng: random.Random, table):
    values, weights = zip(*table)
    return rng.choices(values, weights)[0]


SEQUENCED = {t.name: t for t in (Product.__table__, Order.__table__, OrderNumber.__table__,
                                   OrderLine.__table__)}


def _highest_ids(conn: Connection) -> dict[str, int]:
    return {name: conn.scalar(select(func.coalesce(func.max(table.c.id), 0)))
            for name, table in SEQUENCED.items()}


def _catch_up_sequences(conn: Connection) -> None:
    """PostgreSQL: the ids written here are taken, so the next insert goes past them."""
    if conn.dialect.name != "postgresql":
        return  # SQLite gives max(id) + 1
    for name, table in SEQUENCED.items():
        conn.execute(select(func.setval(func.pg_get_serial_sequence(name, "id"),
                                        select(func.max(table.c.id)).scalar_subquery())))


def _backorders_on(conn: Connection) -> StoreSettings:
    """Turn on the switches a shop with backorders has, logging each change."""
    settings = db.session.get(StoreSettings, SETTINGS_ID)
    if settings is None:
        raise RuntimeError("The store settings are missing: run `flask --app wsgi init-db`")
    for name in ("create_backorder", "out_of_stock_checkout"):
        if not getattr(settings, name):
            conn.execute(insert(SettingChange.__table__).values(
                user_id=None, setting=name, old_value="False", new_value="True",
                changed_at=utcnow()))
    conn.execute(update(StoreSettings.__table__).where(StoreSettings.id == SETTINGS_ID)
                 .values(create_backorder=True, out_of_stock_checkout=True))
    return settings


def _analyze() -> None:
    """Fresh planner statistics, so the first page views already use the right plans.

    PostgreSQL also gets a VACUUM, as autovacuum would give it soon: without the
    visibility map, index-only scans (the orders list's counts) read the table too.
    """
    engine = db.engine.execution_options(isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("VACUUM ANALYZE" if conn.dialect.name == "postgresql" else "ANALYZE"))
