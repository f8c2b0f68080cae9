"""Which buy button a product shows (docs/rules.md, The buy button), and what the
storefront says about its stock."""
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


class StockFigures:
    """What a product keeps of its stock (on_hand, committed, waiting, backorder_policy,
    backorder_limit), as the rules read it: shared by the product as stored and as its
    storefront page shows it."""

    @property
    def available(self) -> int:
        return self.on_hand - self.committed

    @property
    def stock_view(self) -> StockView:
        return StockView(available=self.available, policy=self.backorder_policy,
                         waiting=self.waiting, backorder_limit=self.backorder_limit)


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


# What the storefront says about stock. A merchant wants shoppers to know whether they
# can have it now and to hurry when few are left, not the warehouse's exact figure
# (which competitors read too, and which would make every sale change the page).
LOW_STOCK = 5  # at or below this many available, the page says how many are left


def units_left(available: int) -> int | None:
    """The count the storefront shows: None while there are more than LOW_STOCK
    ("In stock"), else how many are left, 0 when none are."""
    return None if available > LOW_STOCK else max(available, 0)


def shown_stock(stock: StockView) -> tuple[int | None, Policy, bool]:
    """All the storefront shows of a product's stock, for any store settings: two
    products with the same value show the same stock line, buy button and arrival note
    under the same settings (the button's room only matters while it is zero)."""
    room_left = stock.backorder_limit is None or stock.waiting < stock.backorder_limit
    return units_left(stock.available), stock.policy, room_left
