"""Filters and globals for the templates."""
from datetime import date, datetime
from decimal import Decimal

from flask import Flask

from app.domain.money import format_money
from app.domain.orders import OrderStatus
from app.forms import new_once_token
from app.services.orders_read import COUNT_CAP

BADGES = {
    OrderStatus.NEW: "new", OrderStatus.ON_HOLD: "hold",
    OrderStatus.NEW_BACKORDER: "backorder", OrderStatus.BACKORDER_APPROVED: "approved",
    OrderStatus.PICK: "pick", OrderStatus.PACK: "pack",
    OrderStatus.DISPATCHED: "dispatched", OrderStatus.CANCELLED: "cancelled",
}


def money(value: Decimal | None) -> str:
    return "" if value is None else format_money(value)


def day(value: date | datetime | None) -> str:
    return "" if value is None else f"{value:%d %b %Y}"


def moment(value: datetime | None) -> str:
    return "" if value is None else f"{value:%d %b %Y %H:%M} UTC"


def register(app: Flask) -> None:
    app.add_template_filter(money)
    app.add_template_filter(day)
    app.add_template_filter(moment)
    app.add_template_filter(count)
    app.add_template_filter(lambda status: BADGES.get(status, ""), "badge")
    app.add_template_global(list(OrderStatus), "ORDER_STATUSES")
    app.add_template_global(new_once_token, "one_time_token")


def count(value: int) -> str:
    """A bounded count: 1000+ once it reaches the cap."""
    return f"{COUNT_CAP}+" if value > COUNT_CAP else str(value)
