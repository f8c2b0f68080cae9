"""The cart lives in the signed session cookie: SKUs and quantities, never prices."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import session

from app.services.catalog import Offer

MAX_LINES = 50


def items() -> dict[str, int]:
    cart = session.get("cart")
    if not isinstance(cart, dict):
        return {}
    return {sku: qty for sku, qty in cart.items() if isinstance(qty, int) and qty > 0}


RECENT_FORMS = 20


def save(cart: dict[str, int], once: str | None = None) -> None:
    """Keep the cart, and the one-time token of the form that changed it."""
    session["cart"] = cart
    if once:
        session["cart_forms"] = [*session.get("cart_forms", [])[-(RECENT_FORMS - 1):], once]


def seen(once: str | None) -> bool:
    """Whether this form already changed the cart (a double click)."""
    return bool(once) and once in session.get("cart_forms", [])


def clear() -> None:
    session.pop("cart", None)


@dataclass(frozen=True)
class CartLine:
    offer: Offer
    quantity: int

    @property
    def ship_now(self) -> int:
        return min(self.quantity, max(self.offer.product.available, 0))

    @property
    def on_backorder(self) -> int:
        return self.quantity - self.ship_now

    @property
    def arrival_date(self) -> date | None:
        return self.offer.arrival_date if self.on_backorder else None

    @property
    def subtotal(self) -> Decimal:
        return self.offer.product.price * self.quantity


def total(lines: list[CartLine]) -> Decimal:
    return sum((line.subtotal for line in lines), Decimal("0.00"))
