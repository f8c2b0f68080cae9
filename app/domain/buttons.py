"""Which buy button a product shows (docs/rules.md, The buy button)."""
import enum
from dataclasses import dataclass


class Policy(enum.StrEnum):
    STORE = "Use store setting"
    ALWAYS = "Always allow"
    NEVER = "Never allow"


class BuyButton(enum.StrEnum):
    ADD_TO_CART = "Add to Cart"
    BACKORDER = "Backorder"
    OUT_OF_STOCK = "Out Of Stock"

    @property
    def enabled(self) -> bool:
        return self is not BuyButton.OUT_OF_STOCK


@dataclass(frozen=True)
class StockView:
    """What the rules need to know of a product."""

    available: int
    policy: Policy
    waiting: int = 0
    backorder_limit: int | None = None


def backorder_room(stock: StockView, store_allows: bool) -> int | None:
    """How many more units may wait on backorder: None for no limit, 0 when none."""
    allowed = stock.policy is Policy.ALWAYS or (stock.policy is Policy.STORE and store_allows)
    if not allowed:
        return 0
    if stock.backorder_limit is None:
        return None
    return max(0, stock.backorder_limit - stock.waiting)


def backorders_allowed(stock: StockView, store_allows: bool) -> bool:
    return backorder_room(stock, store_allows) != 0


def buy_button(stock: StockView, store_allows: bool) -> BuyButton:
    if stock.available > 0:
        return BuyButton.ADD_TO_CART
    if backorders_allowed(stock, store_allows):
        return BuyButton.BACKORDER
    return BuyButton.OUT_OF_STOCK


def most_a_cart_may_take(stock: StockView, store_allows: bool) -> int | None:
    """Units one purchase may take: what is available plus room on backorder."""
    room = backorder_room(stock, store_allows)
    return None if room is None else max(stock.available, 0) + room
