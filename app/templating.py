"""Filters and globals for the templates."""
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote

from flask import Flask, current_app, request, url_for

from app.domain.money import format_money
from app.domain.orders import OrderStatus
from app.forms import new_once_token
from app.pictures.files import file_name
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


STAND_IN = "__path_for__"  # letters and underscores: url_for leaves them as they are


def path_for(endpoint: str, **value: str) -> str:
    """url_for(endpoint) or url_for(endpoint, name=value), for a link drawn on every page
    (the menu, the style sheets) or many times on one (a card per product, a row per
    order): the path is built once per endpoint, with a stand-in value, and each link puts
    its value in the stand-in's place, quoted as url_for quotes a path segment. url_for
    costs microseconds a call, and a page draws dozens."""
    shapes = current_app.extensions.setdefault("path_for", {})
    if not value:
        key = (endpoint, None, request.script_root)
        path = shapes.get(key)
        if path is None:
            path = shapes[key] = url_for(endpoint)
        return path
    ((name, arg),) = value.items()
    key = (endpoint, name, request.script_root)
    shape = shapes.get(key)
    if shape is None:
        shape = shapes[key] = url_for(endpoint, **{name: STAND_IN}).split(STAND_IN, 1)
    return f"{shape[0]}{quote(str(arg), safe=PATH_SAFE)}{shape[1]}"


PATH_SAFE = "!$&'()*+,/:;=@"  # what werkzeug's converters leave unquoted


def picture_src(picture, size: str) -> str:
    """The path of a picture's file of that size ("thumb" or "large")."""
    return path_for("shop.picture", name=file_name(picture.key, size))


def register(app: Flask) -> None:
    app.add_template_filter(money)
    app.add_template_filter(day)
    app.add_template_filter(moment)
    app.add_template_filter(count)
    app.add_template_filter(lambda status: BADGES.get(status, ""), "badge")
    app.add_template_global(list(OrderStatus), "ORDER_STATUSES")
    app.add_template_global(new_once_token, "one_time_token")
    app.add_template_global(path_for)
    app.add_template_global(picture_src)


def count(value: int) -> str:
    """A bounded count: 1000+ once it reaches the cap."""
    return f"{COUNT_CAP}+" if value > COUNT_CAP else str(value)
