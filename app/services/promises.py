"""What the shop promises a shopper, read from products or orders through the domain's rules."""
from collections.abc import Iterable, Sequence

from app.domain.buttons import backorder_room
from app.domain.checkout import CartItem, Promise, promise, promise_of_orders
from app.domain.orders import OPEN_STATUSES, Line
from app.models import Order, Product, StoreSettings
from app.services.settings import split_rules


def cart_promise(wanted: Sequence[tuple[Product, int]], settings: StoreSettings) -> Promise:
    """What placing these quantities now would do with each unit: the rules checkout applies."""
    allows = settings.out_of_stock_checkout
    return promise([CartItem(sku=product.sku, quantity=quantity, available=product.available,
                             backorder_room=backorder_room(product.stock_view, allows))
                    for product, quantity in wanted], split_rules(settings))


def placed_promise(orders: Iterable[Order]) -> Promise:
    """What placed orders still open will do: each ships once every unit in it is allocated."""
    return promise_of_orders([
        [Line(id=line.product_id, sku=line.sku, quantity=line.quantity,
              allocated=line.allocated, unit_price=line.unit_price) for line in order.lines]
        for order in orders if order.status in OPEN_STATUSES])
