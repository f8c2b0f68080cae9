"""The cart lives in the signed session cookie: SKUs and quantities, never prices."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import session

from app.domain.checkout import LinePromise, Promise
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


def count() -> int:
    """Units in the cart, for the header's Cart link."""
    return sum(items().values())


@dataclass(frozen=True)
class CartLine:
    """A cart line with today's price and what checkout would do with its units."""

    offer: Offer
    quantity: int
    promised: LinePromise
    arrival_date: date | None  # for the units on backorder, when the shop shows dates
    from_po: bool = False  # the date is a purchase order's: "expected about"

    @property
    def ship_now(self) -> int:
        return self.promised.ship_now

    @property
    def reserved(self) -> int:
        return self.promised.reserved

    @property
    def on_backorder(self) -> int:
        return self.promised.on_backorder

    @property
    def subtotal(self) -> Decimal:
        return self.offer.product.price * self.quantity


@dataclass(frozen=True)
class Cart:
    lines: list[CartLine]
    promise: Promise  # as it stands: the split, where it splits
    # With `Ship everything together`, when checkout offers it (else None), and when
    # that would ship, where the shop shows dates and knows them all.
    together: Promise | None = None
    together_date: date | None = None

    @property
    def total(self) -> Decimal:
        return sum((line.subtotal for line in self.lines), Decimal("0.00"))
