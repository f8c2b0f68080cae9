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
from app.domain.checkout import DeliveryChoice
from app.domain.orders import OrderStatus
from app.extensions import db
from app.models import Order, Role
from app.services import inventory, orders, product_csv, staff
from app.services.checkout import Customer, place_order
from tests.support import services
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


def checkout_shipping_together(shop) -> Callable[[], object]:
    shop.settings(create_backorder=True, out_of_stock_checkout=True, offer_ship_together=True)
    shop.product("TEA", on_hand=2)
    shop.product("POT", on_hand=0, policy=Policy.ALWAYS)
    return lambda: place_order({"TEA": 3, "POT": 1}, SHOPPER, delivery=DeliveryChoice.TOGETHER)


def receipt_completing_an_order_shipping_together(shop) -> Callable[[], object]:
    shop.settings(create_backorder=True, out_of_stock_checkout=True, offer_ship_together=True)
    shop.product("TEA", on_hand=2)
    shop.product("POT", on_hand=0, policy=Policy.ALWAYS)
    shop.read(lambda: place_order({"TEA": 2, "POT": 2}, SHOPPER,
                                  delivery=DeliveryChoice.TOGETHER))
    return lambda: inventory.receive_stock("POT", 2, "PO-1", None)


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


def staff_change(change: str) -> Callable[[object], Callable[[], object]]:
    """An Admin adds an account, resets a password or deactivates an account."""
    def prepare(shop) -> Callable[[], object]:
        shop.user("admin@example.com", Role.ADMIN)
        shop.user("staff@example.com", Role.STAFF)
        admin, member = (shop.read(lambda e=e: services.user(e).id)
                         for e in ("admin@example.com", "staff@example.com"))

        def act():
            if change == "add":
                return staff.add_account("new@example.com", Role.STAFF, admin, "form-1")
            version = services.user("staff@example.com").version
            return getattr(staff, change)(member, version, admin)
        return act
    return prepare


STAFF_STEPS = ["app.services.staff._audit", "Session.flush", "Session.commit"]


def pictures_saved(shop) -> Callable[[], object]:
    """The product form's Save with a new picture and a changed alt text."""
    from app.models import ProductPicture
    from app.pictures.images import prepare
    from app.services.catalog import update_product
    from tests.support.pictures import add_pictures, picture
    shop.product("TEA", on_hand=3)
    add_pictures(shop.app, "TEA", picture(20, 20, (1, 1, 1)))
    new = prepare(picture(20, 20, (2, 2, 2)))

    def save():
        product = shop_product("TEA")
        picture_id = db.session.scalar(select(ProductPicture.id))
        update_product("TEA", product, None, new_pictures=[new],
                       alt_texts={picture_id: "A new alt text"})
    return save


def picture_removed(shop) -> Callable[[], object]:
    from app.models import ProductPicture
    from app.services import pictures
    from tests.support.pictures import add_pictures, picture
    shop.product("TEA", on_hand=3)
    add_pictures(shop.app, "TEA", picture(20, 20, (1, 1, 1)), picture(20, 20, (2, 2, 2)))

    def remove():
        first = db.session.scalar(select(ProductPicture.id).where(ProductPicture.position == 0))
        pictures.remove("TEA", first, None)
    return remove


def shop_product(sku: str):
    """The product form's data as saved (nothing changed but what the test adds)."""
    from app.models import Product
    from app.services.catalog import ProductData
    p = db.session.scalar(select(Product).where(Product.sku == sku))
    return ProductData(sku=p.sku, name=p.name, description=p.description, price=p.price,
                       on_hand=p.on_hand, backorder_policy=p.backorder_policy,
                       arrival_date=p.arrival_date, backorder_limit=p.backorder_limit)


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
    "checkout shipping together": (checkout_shipping_together, [
        "app.services.ledger.record_many", "app.services.notifications.queue",
        "app.services.records.lock_products", "app.services.records.next_order_number",
        *COMMON]),
    "receipt completing an order shipping together": (
        receipt_completing_an_order_shipping_together, [
            "app.services.ledger.record", "app.services.records.lock_products",
            "app.services.inventory.serve_waiting", "app.services.inventory._record_fills",
            "app.services.inventory._backorders_made_ready", "Session.flush",
            "Session.commit"]),
    "staff split with payment": (staff_split_with_payment, [
        "app.services.ledger.record", "app.services.notifications.queue",
        "app.services.records.lock_products", "app.services.records.next_order_number",
        "app.services.inventory.serve_waiting", "app.services.backorders.split_order",
        "app.services.backorders._carry_payment", "app.services.orders.claim", *COMMON]),
    "receipt releasing backorders": (receipt_releasing_backorders, [
        "app.services.ledger.record", "app.services.notifications.queue",
        "app.services.records.lock_products", "app.services.inventory.serve_waiting",
        "app.services.inventory._record_fills", "app.services.inventory._backorders_made_ready",
        "Session.flush", "Session.commit"]),
    "cancel serving waiting orders": (cancel_serving_waiting_orders, [
        "app.services.ledger.record", "app.services.records.lock_products",
        "app.services.inventory.serve_waiting", "app.services.inventory._record_fills",
        "app.services.orders.claim", *COMMON]),
    "dispatch": (dispatch, [
        "app.services.ledger.record", "app.services.notifications.queue",
        "app.services.records.lock_products", "app.services.orders.claim", *COMMON]),
    "mark as new": (mark_as_new, [
        "app.services.notifications.queue", "app.services.orders.claim", *COMMON]),
    "payment": (payment, ["app.services.orders.claim", *COMMON]),
    "add a staff account": (staff_change("add"), [
        "app.services.notifications.queue_to_staff", "app.services.staff._issue_link",
        "app.services.staff.claim_submission", *STAFF_STEPS]),
    "reset a password": (staff_change("reset_password"), [
        "app.services.notifications.queue_to_staff", "app.services.staff._lock_accounts",
        *STAFF_STEPS]),
    "deactivate an account": (staff_change("deactivate"), [
        "app.services.staff._lock_accounts", *STAFF_STEPS]),
    "pictures saved": (pictures_saved, [
        "app.services.pictures.locked", "app.services.pictures.describe",
        "app.services.pictures.add", "app.pictures.files.save", "Session.flush",
        "Session.commit"]),
    "picture removed": (picture_removed, [
        "app.services.pictures.locked", "app.services.pictures._renumber", "Session.flush",
        "Session.commit"]),
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
