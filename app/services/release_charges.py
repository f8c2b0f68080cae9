"""A backorder released to New is charged to the card saved for its order (a job in the
worker); when the charge fails it goes On Hold until the shopper presses `Pay now`."""
from app.domain.orders import OrderStatus
from app.domain.payments import charge_at_release
from app.extensions import db
from app.models import Order
from app.services import after_commit, cards


def charge_when_released(order: Order) -> None:
    """Inside the releasing transaction: charge the saved card once it commits."""
    if charge_at_release(order.payment_required, order.stripe_payment_method is not None):
        after_commit("charge_released_backorder", order.id)


def charge_released(order_id: int) -> None:
    """Charge what the released order asks to its saved card; hold it if that fails."""
    order = db.session.get(Order, order_id)
    if order is None or order.status is not OrderStatus.NEW:
        return  # cancelled or put on hold meanwhile: nothing to charge
    due = charge_at_release(order.payment_required, order.stripe_payment_method is not None)
    card = cards.SavedCard(customer=order.stripe_customer or "",
                           payment_method=order.stripe_payment_method or "")
    db.session.rollback()
    # The amount is in the key: the same release retried is one charge, a later
    # different amount (after a staff payment) is a new one.
    charged = cards.charge(order_id, due, card, key=f"order-{order_id}-release-{due}",
                           off_session=True)
    if charged.declined:
        cards.hold_for_payment(order_id, charged.declined)
