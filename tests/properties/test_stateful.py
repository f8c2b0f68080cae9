"""Random sequences of shop and staff actions keep stock, units and money right.

A Hypothesis state machine drives the services (checkout, saving orders with
quantities, BKO and status, payments, receipts, adjustments, cancellations,
settings changes, and purchase orders: created, marked as ordered, edited,
received, closed short and cancelled) on three products with little stock, all
bought from one supplier. A rule may be refused (a DomainError): that is an
allowed outcome. After every step the database is checked against the invariants
below, and each example starts from an empty database.
"""
from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (RuleBasedStateMachine, initialize, invariant, precondition,
                                 rule, run_state_machine_as_test)
from sqlalchemy import func, select

from app.domain.buttons import Policy
from app.domain.checkout import DeliveryChoice
from app.domain.errors import DomainError
from app.domain.orders import (BACKORDER_STATUSES, OPEN_STATUSES, Line, OrderStatus,
                               fill_bko_with_unallocated, next_statuses)
from app.domain.promise import INCOMING_STATUSES, PoStatus
from app.extensions import db
from app.models import Order, OrderLine, Payment, Product, PurchaseOrder, StockMovement
from app.services import inventory, orders, purchasing
from app.services.catalog import ProductData, create_product
from app.services.checkout import Customer, place_order
from app.services.settings import update_settings
from tests.conftest import _empty_tables
from tests.support.purchasing import assert_po_invariants, assert_promise_invariants

EXAMPLES = 300
STEPS = 14  # two more than before the PO rules, so the order rules keep their steps

# sku -> (price, policy, backorder limit)
PRODUCTS = {
    "TEA": (Decimal("4.50"), Policy.STORE, None),
    "POT": (Decimal("20.00"), Policy.ALWAYS, None),
    "CUP": (Decimal("7.25"), Policy.STORE, 3),
}
SKUS = sorted(PRODUCTS)
SWITCHES = ["create_backorder", "disable_partial_backorder", "keep_empty_parent",
            "backorder_suffix", "out_of_stock_checkout", "auto_release", "offer_ship_together",
            "approve_covered", "show_arrival_date"]
SHOPPER = Customer(name="Sam Shopper", email="sam@example.com", address="1 Main St",
                   payment_method="Bank deposit")

# Figures for the report at the end of the run.
RUN = {"examples": 0, "steps": 0}
OUTCOMES: Counter = Counter()

picks = st.integers(0, 30)  # which order (or purchase order) staff act on
MAX_POS = 4  # POs per example: enough to cover and uncover, and steps left for the rest
TODAY = date.today()
rarely = st.integers(0, 9).map(lambda n: n == 0)


class ShopMachine(RuleBasedStateMachine):
    """The model: what each family (a checkout and its backorders) should hold and have paid."""

    def __init__(self, app):
        super().__init__()
        self.app = app
        _empty_tables(app)  # every example starts from an empty shop
        self.context = app.app_context()
        self.context.push()
        self.units: dict[int, Counter] = {}  # family root id -> units per SKU
        self.paid: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
        self.order_ids: list[int] = []
        self.po_references: list[str] = []
        self.supplier_id: int | None = None
        self.pools: dict[str, list[int]] = {"open": [], "ready": []}
        RUN["examples"] += 1

    def teardown(self):
        db.session.remove()
        self.context.pop()
        _empty_tables(self.app)

    # -- helpers -------------------------------------------------------------------------

    def attempt(self, name: str, action):
        """Run one use case; a domain refusal is an allowed outcome."""
        RUN["steps"] += 1
        try:
            result = action()
        except DomainError:
            OUTCOMES[f"{name}: refused"] += 1
            return None
        else:
            OUTCOMES[f"{name}: done"] += 1
            return result if result is not None else True
        finally:
            db.session.remove()

    def pick_order(self, pick: int, pool: str = "open") -> Order:
        """An order to act on from a pool: "open", "ready" (backorders with all their stock)
        or "all"; an empty pool falls back to all orders."""
        ids = (self.pools.get(pool) if pool != "all" else None) or self.order_ids
        return db.session.get(Order, ids[pick % len(ids)])

    def root_of(self, order: Order) -> int:
        while order.parent_id is not None:
            order = db.session.get(Order, order.parent_id)
        return order.id

    def has_orders(self) -> bool:
        return bool(self.order_ids)

    def has_pos(self) -> bool:
        return bool(self.po_references)

    def pick_po(self, pick: int, statuses=None) -> PurchaseOrder:
        """A PO to act on: one of these statuses when there is one, else any."""
        pos = [purchasing.find_po(reference) for reference in self.po_references]
        pool = [po for po in pos if statuses is None or po.status in statuses] or pos
        return pool[pick % len(pool)]

    # -- rules ---------------------------------------------------------------------------

    @initialize(stock=st.fixed_dictionaries({sku: st.integers(0, 3) for sku in SKUS}))
    def open_shop(self, stock):
        self.supplier_id = purchasing.save_supplier(
            purchasing.SupplierData("Tea Co", "orders@teaco.example", 7)).id
        for sku, (price, policy, limit) in PRODUCTS.items():
            create_product(ProductData(sku=sku, name=f"Product {sku}", description="",
                                       price=price, on_hand=stock[sku], backorder_policy=policy,
                                       arrival_date=None, backorder_limit=limit,
                                       supplier_id=self.supplier_id), user=None)
        db.session.remove()

    @initialize(switches=st.fixed_dictionaries({name: st.booleans() for name in SWITCHES}))
    def set_up_store(self, switches):
        update_settings(switches, user=None)
        db.session.remove()

    @rule(items=st.dictionaries(st.sampled_from(SKUS), st.integers(1, 4), min_size=1),
          paid=st.booleans(), together=st.booleans())
    def checkout(self, items, paid, together):
        """A shopper places an order (asking to ship everything together, perhaps); staff
        may record their bank deposit at once."""
        delivery = DeliveryChoice.TOGETHER if together else None
        order_id = self.attempt("checkout", lambda: place_order(
            items, SHOPPER, delivery=delivery).order.id)
        if not order_id:
            return
        self.units[order_id] = Counter(items)
        order = db.session.get(Order, order_id)
        version, amount = order.version, order.payment_required
        db.session.remove()
        if paid and self.attempt("payment", lambda: orders.record_payment(
                order_id, version, amount, "Bank deposit", "at checkout", None)):
            self.paid[order_id] += amount

    @precondition(has_orders)
    @rule(pick=picks, status=st.none() | st.sampled_from(list(OrderStatus)),
          quantities=st.lists(st.none() | st.integers(1, 5), max_size=3),
          bko=st.lists(st.integers(0, 2) | st.integers(0, 6), max_size=3),
          stale=rarely, closed=rarely)
    def save(self, pick, status, quantities, bko, stale, closed):
        """The order page's Save: new Qty per line, BKO per line, a status (None: unchanged)."""
        order = self.pick_order(pick, "all" if closed else "open")
        status = status or order.status
        root = self.root_of(order)
        lines = list(order.lines)
        wanted = {line.id: (quantities[i] if i < len(quantities) and quantities[i] is not None
                            else line.quantity) for i, line in enumerate(lines)}
        backorder = {line.id: bko[i] for i, line in enumerate(lines) if i < len(bko)}
        change = Counter()
        for line in lines:
            change[line.sku] += wanted[line.id] - line.quantity
        order_id, version = order.id, order.version - (1 if stale else 0)
        db.session.remove()
        if self.attempt("save order", lambda: orders.save_order(
                order_id, version, status=status, quantities=wanted, bko=backorder,
                user=None)):
            self.units[root].update(change)

    @precondition(has_orders)
    @rule(pick=picks)
    def backorder_out_of_stock(self, pick):
        """`Backorder Out of Stock Products`, then Save: each line's unallocated units split off."""
        order = self.pick_order(pick)
        lines = list(order.lines)
        bko = fill_bko_with_unallocated([
            Line(id=line.id, sku=line.sku, quantity=line.quantity, allocated=line.allocated,
                 unit_price=line.unit_price) for line in lines])
        quantities = {line.id: line.quantity for line in lines}
        order_id, version, status = order.id, order.version, order.status
        db.session.remove()
        self.attempt("backorder out of stock", lambda: orders.save_order(
            order_id, version, status=status, quantities=quantities, bko=bko, user=None))

    @precondition(has_orders)
    @rule(pick=picks, status=st.sampled_from(list(OrderStatus)), closed=rarely)
    def change_status(self, pick, status, closed):
        order = self.pick_order(pick, "all" if closed else "open")
        order_id, version = order.id, order.version
        db.session.remove()
        self.attempt("change status", lambda: orders.change_status(order_id, version, status,
                                                                   None))

    @precondition(has_orders)
    @rule(pick=picks, choice=st.integers(0, 3))
    def advance(self, pick, choice):
        """Choose one of the statuses the order page offers next (Pick, Pack, Dispatched...)."""
        order = self.pick_order(pick)
        offered = next_statuses(order.status)
        if not offered:
            return
        order_id, version = order.id, order.version
        status = offered[choice % len(offered)]
        db.session.remove()
        self.attempt("advance", lambda: orders.change_status(order_id, version, status, None))

    @precondition(has_orders)
    @rule(pick=picks)
    def cancel(self, pick):
        order = self.pick_order(pick)
        order_id, version = order.id, order.version
        db.session.remove()
        self.attempt("cancel", lambda: orders.change_status(
            order_id, version, OrderStatus.CANCELLED, None))

    @precondition(has_orders)
    @rule(pick=picks, other=rarely)
    def mark_as_new(self, pick, other):
        order = self.pick_order(pick, "open" if other or not self.pools["ready"] else "ready")
        order_id, version = order.id, order.version
        db.session.remove()
        self.attempt("mark as new", lambda: orders.mark_as_new(order_id, version, None))

    @precondition(has_orders)
    @rule(pick=picks, cents=st.none() | st.integers(-100, 6000), closed=rarely)
    def pay(self, pick, cents, closed):
        """Record a payment: some cents, or (None) exactly what is still due."""
        order = self.pick_order(pick, "all" if closed else "open")
        root = self.root_of(order)
        amount = order.payment_required if cents is None else Decimal(cents) / 100
        order_id, version = order.id, order.version
        db.session.remove()
        if self.attempt("payment", lambda: orders.record_payment(
                order_id, version, amount, "Cash", "till", None)):
            self.paid[root] += amount

    @rule(sku=st.sampled_from(SKUS), quantity=st.integers(0, 4))
    def receive(self, sku, quantity):
        self.attempt("receive stock", lambda: inventory.receive_stock(sku, quantity, "delivery",
                                                                      None))

    @rule(sku=st.sampled_from(SKUS), delta=st.integers(-3, 3))
    def adjust(self, sku, delta):
        self.attempt("adjust stock", lambda: inventory.adjust_stock(sku, delta, "count", None))

    @rule(name=st.sampled_from(SWITCHES), value=st.booleans())
    def switch(self, name, value):
        self.attempt("settings", lambda: update_settings({name: value}, None))

    # -- purchase orders -----------------------------------------------------------------

    def room_for_a_po(self) -> bool:
        return len(self.po_references) < MAX_POS

    @precondition(room_for_a_po)
    @rule(lines=st.dictionaries(st.sampled_from(SKUS), st.integers(1, 4), min_size=1),
          days=st.integers(0, 30), ordered=st.booleans())
    def create_po(self, lines, days, ordered):
        """Staff draft a PO with some lines and (maybe) mark it as ordered at once."""
        def create():
            po = purchasing.create_po(self.supplier_id, TODAY + timedelta(days=days), TODAY)
            reference = po.reference
            for sku, units in sorted(lines.items()):
                version = purchasing.find_po(reference).version
                purchasing.add_line(reference, version, sku, units, Decimal("2.00"))
            if ordered:
                purchasing.mark_ordered(reference, purchasing.find_po(reference).version)
            return reference
        reference = self.attempt("create po", create)
        if reference:
            self.po_references.append(reference)

    @precondition(has_pos)
    @rule(pick=picks, units=st.lists(st.integers(1, 2) | st.integers(0, 5), min_size=1,
                                     max_size=3),
          close_short=rarely, stale=rarely, other=rarely)
    def receive_po(self, pick, units, close_short, stale, other):
        """Receive against a PO's lines (maybe more than is still to come, or on a PO that
        takes no receipt: refused)."""
        self.change_po("receive po", pick, 0, [], units, close_short, stale, other)

    @precondition(has_pos)
    @rule(action=st.sampled_from(["mark po ordered", "edit po", "cancel po"]),
          pick=picks, days=st.integers(0, 40),
          quantities=st.lists(st.none() | st.integers(0, 6), max_size=3),
          stale=rarely, other=rarely)
    def edit_po(self, action, pick, days, quantities, stale, other):
        """Staff change a PO: one rule for three actions, so the order rules above keep
        their share of the steps."""
        self.change_po(action, pick, days, quantities, [], False, stale, other)

    def change_po(self, action, pick, days, quantities, units, close_short, stale, other):
        """One PO action on a PO picked as staff would see it (a stale form: one version
        behind)."""
        if action == "mark po ordered":
            po = self.pick_po(pick, None if other else {PoStatus.DRAFT})
            change = (lambda reference, version:
                      purchasing.mark_ordered(reference, version))
        elif action == "edit po":
            # The PO page's Save: a new expected date and new quantities per line.
            po = self.pick_po(pick)
            wanted = {line.id: quantities[i] for i, line in enumerate(po.lines)
                      if i < len(quantities) and quantities[i] is not None}
            change = (lambda reference, version: purchasing.save_po(
                reference, version, TODAY + timedelta(days=days), wanted))
        elif action == "receive po":
            po = self.pick_po(pick, None if other else INCOMING_STATUSES)
            received = {line.id: units[i] for i, line in enumerate(po.lines) if i < len(units)}
            change = (lambda reference, version: purchasing.receive_po(
                reference, version, received, "DEL-1", close_short, None))
        else:
            po = self.pick_po(pick)
            change = purchasing.cancel_po
        reference, version = po.reference, po.version - (1 if stale else 0)
        db.session.remove()
        self.attempt(action, lambda: change(reference, version))

    # -- invariants ----------------------------------------------------------------------

    @invariant()
    def promise_holds(self):
        try:
            self.check_promise()
        finally:
            db.session.remove()

    def check_promise(self):
        """Received never above ordered, and a PO's status as its lines say; the promise,
        the incoming dates and (with the setting on) the approvals as the POs say."""
        assert_po_invariants()
        assert_promise_invariants()

    @invariant()
    def figures_hold(self):
        try:
            self.check_figures()
        finally:
            db.session.remove()

    def check_figures(self):
        session = db.session
        products = {p.id: p for p in session.scalars(select(Product))}
        all_orders = {o.id: o for o in session.scalars(select(Order).order_by(Order.id))}
        self.order_ids = list(all_orders)
        lines = list(session.scalars(select(OrderLine).order_by(OrderLine.id)))
        waiting_orders = {line.order_id for line in lines if line.allocated < line.quantity}
        self.pools = {
            "open": [o.id for o in all_orders.values() if o.status in OPEN_STATUSES],
            "ready": [o.id for o in all_orders.values() if o.status in BACKORDER_STATUSES
                      and o.id not in waiting_orders]}

        committed, waiting = Counter(), Counter()
        totals: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
        family_units: dict[int, Counter] = defaultdict(Counter)
        root = {}
        for order in all_orders.values():
            top = order
            while top.parent_id is not None:
                top = all_orders[top.parent_id]
            root[order.id] = top.id
        for line in lines:
            order = all_orders[line.order_id]
            assert 0 <= line.allocated <= line.quantity, line
            totals[order.id] += line.unit_price * line.quantity
            family_units[root[order.id]][line.sku] += line.quantity
            if order.status in OPEN_STATUSES:
                committed[line.product_id] += line.allocated
                waiting[line.product_id] += line.quantity - line.allocated

        for product in products.values():
            assert product.on_hand >= 0, product
            assert product.committed == committed[product.id], \
                (product, "committed", committed[product.id])
            assert product.committed <= product.on_hand, product
            assert product.waiting == waiting[product.id], (product, "waiting", waiting[product.id])

        ledger = {product_id: (on_hand, committed_, waiting_) for product_id, on_hand, committed_,
                  waiting_ in session.execute(
                      select(StockMovement.product_id, func.sum(StockMovement.on_hand_delta),
                             func.sum(StockMovement.committed_delta),
                             func.sum(StockMovement.waiting_delta))
                      .group_by(StockMovement.product_id))}
        for product in products.values():
            assert tuple(int(x) for x in ledger.get(product.id, (0, 0, 0))) == \
                (product.on_hand, product.committed, product.waiting), \
                (product, "ledger replays to", ledger.get(product.id))

        # Units are conserved across each family; staff Qty changes are in the model.
        assert set(self.units) == {r for r in root.values()}
        for family, placed in self.units.items():
            assert +family_units[family] == +placed, (family, family_units[family], placed)

        payments: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
        for order_id, amount in session.execute(select(Payment.order_id, Payment.amount)):
            payments[order_id] += amount
        family_paid: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
        for order in all_orders.values():
            assert order.amount_paid == payments[order.id], (order, order.amount_paid)
            assert Decimal("0.00") <= order.amount_paid <= order.total, order
            assert order.total == totals[order.id], (order, order.total, totals[order.id])
            family_paid[root[order.id]] += payments[order.id]
        for family in self.units:
            assert family_paid[family] == self.paid[family], (family, family_paid[family])


@pytest.fixture
def report(capsys):
    """Print what the run did, past pytest's capture, also when it fails."""
    RUN.update(examples=0, steps=0)
    OUTCOMES.clear()
    yield
    with capsys.disabled():
        print(f"\nstateful: {RUN['examples']} examples, {RUN['steps']} steps: " + ", ".join(
            f"{name} {count}" for name, count in sorted(OUTCOMES.items())))


def test_random_shop_days_keep_stock_units_and_money_right(app, report):
    run_state_machine_as_test(
        lambda: ShopMachine(app),
        # The same examples on every run, here as under CI (Hypothesis's CI profile): the
        # checks below that each kind of step took effect then hold every time, not on
        # most draws.
        settings=settings(max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None,
                          derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow]))
    assert RUN["examples"] >= EXAMPLES
    # The run explored: each kind of step took effect somewhere, and the common ones were
    # also refused somewhere (mark as new needs a rare state, so it is not required here).
    for name in ("checkout", "save order", "backorder out of stock", "advance", "cancel",
                 "payment", "receive stock", "adjust stock", "settings", "create po",
                 "edit po", "receive po", "cancel po"):
        assert OUTCOMES[f"{name}: done"] > 0, name
    # (Mark as ordered on its own is rare: create po orders half of its POs itself.)
    for name in ("checkout", "save order", "payment", "receive stock", "receive po",
                 "cancel po"):
        assert OUTCOMES[f"{name}: refused"] > 0, name
