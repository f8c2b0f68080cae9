"""A failure at any step of a use case leaves the database exactly as it was.

Each use case runs again and again with one function it calls raising on its Nth
call, N = 1, 2, ... until the use case gets through without reaching N (and then
it must have changed something). After every injected fault, every row of every
table is compared with the rows before.
"""
import sys
from collections.abc import Callable
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.buttons import Policy
from app.domain.orders import OrderStatus
from app.extensions import db
from app.models import Order
from app.services import inventory, orders, product_csv
from app.services.checkout import Customer, place_order
from tests.support.rows import changes, snapshot

FAULTS = {"injected": 0}


class InjectedFault(Exception):
    """Raised by a function we made fail; nothing in the app should catch it."""


class Calls:
    count = 0


def fail_on_call(monkeypatch, target: str, n: int) -> Calls:
    """Make `target` raise InjectedFault on its nth call, wherever the app imported it."""
    calls = Calls()
    if target.startswith("Session."):
        owner, name = Session, target.split(".")[1]
        places = [owner]
    else:
        module_name, _, name = target.rpartition(".")
        owner = sys.modules[module_name]
        places = None
    original = getattr(owner, name)

    def faulty(*args, **kwargs):
        calls.count += 1
        if calls.count == n:
            raise InjectedFault(f"{target} call {n}")
        return original(*args, **kwargs)

    if places is None:
        # `from app.services.records import log_event` binds the name in each module.
        places = [module for module_name, module in list(sys.modules.items())
                  if module_name.split(".")[0] == "app" and module is not None
                  and getattr(module, name, None) is original]
    assert places, f"nothing calls {target}"
    for place in places:
        monkeypatch.setattr(place, name, faulty)
    return calls


SHOPPER = Customer(name="Sam Shopper", email="sam@example.com", address="1 Main St",
                   payment_method="Bank deposit")


def order_by_reference(reference: str) -> Order:
    return db.session.scalar(select(Order).where(Order.reference == reference))


# Each use case: set-up (with the `shop` factories) returning the action to run.

def checkout_with_split(shop) -> Callable[[], object]:
    shop.settings(create_backorder=True, out_of_stock_checkout=True, backorder_suffix=True)
    shop.product("TEA", on_hand=2)
    shop.product("POT", on_hand=0, policy=Policy.ALWAYS)
    return lambda: place_order({"TEA": 3, "POT": 1}, SHOPPER)


def staff_split_with_payment(shop) -> Callable[[], object]:
    shop.settings(out_of_stock_checkout=True)
    shop.product("TEA", on_hand=1)
    shop.product("POT", on_hand=0, policy=Policy.ALWAYS)
    reference, _ = shop.order({"TEA": 2, "POT": 1})

    def pay():
        order = order_by_reference(reference)
        orders.record_payment(order.id, order.version, order.total, "Cash", "", None)
    shop.read(pay)
    shop.settings(create_backorder=True)

    def save():
        order = order_by_reference(reference)
        lines = {line.sku: line for line in order.lines}
        tea, pot = lines["TEA"], lines["POT"]
        return orders.save_order(order.id, order.version, status=OrderStatus.ON_HOLD,
                                 quantities={tea.id: 3, pot.id: 1}, bko={tea.id: 2, pot.id: 1},
                                 user=None)
    return save


def receipt_releasing_backorders(shop) -> Callable[[], object]:
    shop.settings(create_backorder=True, out_of_stock_checkout=True, auto_release=True)
    shop.product("TEA", on_hand=0)
    shop.product("POT", on_hand=1)
    shop.order({"TEA": 1, "POT": 1})  # splits: POT ships, TEA waits on a backorder
    shop.order({"TEA": 2})  # the whole order is the backorder
    return lambda: inventory.receive_stock("TEA", 2, "delivery 7", None)


def cancel_serving_waiting_orders(shop) -> Callable[[], object]:
    shop.settings(out_of_stock_checkout=True)
    shop.product("TEA", on_hand=2)
    shop.product("POT", on_hand=1)
    reference, _ = shop.order({"TEA": 2, "POT": 1})
    shop.order({"TEA": 1})  # waits for the units the first order holds

    def cancel():
        order = order_by_reference(reference)
        orders.change_status(order.id, order.version, OrderStatus.CANCELLED, None)
    return cancel


def dispatch(shop) -> Callable[[], object]:
    shop.product("TEA", on_hand=3)
    shop.product("POT", on_hand=1)
    reference, _ = shop.order({"TEA": 2, "POT": 1})

    def move(status):
        order = order_by_reference(reference)
        orders.change_status(order.id, order.version, status, None)
    shop.read(lambda: move(OrderStatus.PICK))
    shop.read(lambda: move(OrderStatus.PACK))
    return lambda: move(OrderStatus.DISPATCHED)


def mark_as_new(shop) -> Callable[[], object]:
    shop.settings(create_backorder=True, out_of_stock_checkout=True)
    shop.product("TEA", on_hand=0)
    _, backorder = shop.order({"TEA": 2})
    shop.read(lambda: inventory.receive_stock("TEA", 2, "delivery 8", None))

    def release():
        order = order_by_reference(backorder)
        orders.mark_as_new(order.id, order.version, None)
    return release


def payment(shop) -> Callable[[], object]:
    shop.product("TEA", on_hand=3)
    reference, _ = shop.order({"TEA": 2})

    def pay():
        order = order_by_reference(reference)
        orders.record_payment(order.id, order.version, Decimal("5.00"), "Card", "r1", None)
    return pay


def product_import(shop) -> Callable[[], object]:
    shop.settings(create_backorder=True, out_of_stock_checkout=True, auto_release=True)
    shop.product("TEA", on_hand=0)
    shop.product("POT", on_hand=3)
    shop.product("CUP", on_hand=0)
    shop.order({"TEA": 2})  # the whole order waits: the import's stock releases it
    shop.order({"CUP": 2})  # waits, and gets one unit of the two
    data = (b"SKU,Name,Price,Qty,Categories\nTEA,Tea,1.00,4,Tea\nPOT,Pot,9.00,1,\n"
            b"CUP,Cup,3.00,1,\nNEW,New,2.00,1,\"Tea, Gifts\"\n")
    return lambda: product_csv.import_file(data, None)


COMMON = ["app.services.records.log_event", "Session.flush", "Session.commit"]
USE_CASES = {
    "checkout with split": (checkout_with_split, [
        "app.services.ledger.record_many", "app.services.notifications.queue",
        "app.services.records.lock_products", "app.services.records.next_order_number",
        "app.services.records.next_suffix", "app.services.backorders.split_order", *COMMON]),
    "staff split with payment": (staff_split_with_payment, [
        "app.services.ledger.record", "app.services.notifications.queue",
        "app.services.records.lock_products", "app.services.records.next_order_number",
        "app.services.inventory.serve_waiting", "app.services.backorders.split_order",
        "app.services.backorders._carry_payment", "app.services.orders.claim", *COMMON]),
    "receipt releasing backorders": (receipt_releasing_backorders, [
        "app.services.ledger.record", "app.services.notifications.queue",
        "app.services.records.lock_products", "app.services.inventory.serve_waiting",
        "app.services.inventory._record_fill", "app.services.inventory._backorders_made_ready",
        "Session.flush", "Session.commit"]),
    "cancel serving waiting orders": (cancel_serving_waiting_orders, [
        "app.services.ledger.record", "app.services.records.lock_products",
        "app.services.inventory.serve_waiting", "app.services.inventory._record_fill",
        "app.services.orders.claim", *COMMON]),
    "dispatch": (dispatch, [
        "app.services.ledger.record", "app.services.notifications.queue",
        "app.services.records.lock_products", "app.services.orders.claim", *COMMON]),
    "mark as new": (mark_as_new, [
        "app.services.notifications.queue", "app.services.orders.claim", *COMMON]),
    "payment": (payment, ["app.services.orders.claim", *COMMON]),
    "product import": (product_import, [
        "app.services.ledger.record_many",
        "app.services.records.lock_product_rows", "app.services.inventory._record_fills",
        "app.services.product_csv._set_categories", "app.services.notifications.queue",
        "Session.flush", "Session.commit"]),
}
CASES = [(use_case, target) for use_case, (_, targets) in USE_CASES.items()
         for target in targets]


@pytest.fixture(scope="module", autouse=True)
def report(request):
    yield
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\nfaults: {FAULTS['injected']} injected over {len(CASES)} use case x step pairs; "
              "the database was unchanged after every one")


@pytest.mark.parametrize(("use_case", "target"), CASES,
                         ids=[f"{case}: {target.rpartition('.')[2]}" for case, target in CASES])
def test_a_fault_at_any_call_leaves_every_row_as_it_was(app, shop, monkeypatch, use_case, target):
    prepare, _ = USE_CASES[use_case]
    action = prepare(shop)
    n = 0
    while True:
        n += 1
        before = snapshot(app)
        with monkeypatch.context() as patch:
            calls = fail_on_call(patch, target, n)
            with app.app_context():
                try:
                    action()
                    failed = False
                except InjectedFault:
                    failed = True
                finally:
                    db.session.remove()
        after = snapshot(app)
        if not failed:
            # The use case got through: N was past its last call, and it did its work.
            assert calls.count < n, f"the fault at call {n} of {target} was swallowed"
            assert changes(before, after), f"{use_case} changed nothing"
            break
        assert changes(before, after) == {}, f"fault at call {n} of {target} left rows behind"
        FAULTS["injected"] += 1
    assert n > 1, f"{use_case} never calls {target}"
