import math
from dataclasses import dataclass

import stripe
from flask import (abort, current_app, flash, jsonify, redirect, render_template, request,
                   send_file, url_for)

from app import stripe_gateway
from app.domain.errors import DomainError
from app.domain.money import format_money
from app.domain.promise import order_date
from app.extensions import limiter, page_cache
from app.models import Order
from app.pictures import files
from app.services import cards, catalog, notifications, orders, orders_read, read_latest
from app.services.categories import all_categories
from app.services.promises import line_dates, placed_promise
from app.services.search import search_page
from app.services.settings import get_settings
from app.shop import bp
from app.shop.forms import (CardSetupForm, ConfirmPaymentForm, DelayAnswerForm,
                            FindOrderForm, PayNowForm, QuantityForm)

LINK_SENT = ("If that order number and email match an order, we have sent the link to "
             "follow it to that email address.")

MAX_ID = 2**31 - 1  # the id columns are INTEGER


def id_arg(name: str) -> int | None:
    """A row id from the query string; anything else (text, 0, beyond INTEGER) is None."""
    value = request.args.get(name, type=int)
    return value if value is not None and 0 < value <= MAX_ID else None


def faces(offers) -> dict:
    """What a page shows of each of its products, for the page cache."""
    return {offer.product.id: offer.face for offer in offers}


class UnknownCategory(Exception):
    """?category= names no category."""


@bp.get("/")
def catalogue():
    """The catalogue, one page at a time (?after=<id> / ?before=<id>), with buy buttons;
    ?category=<slug> shows one category's products; ?q=<words> searches."""
    after, before = id_arg("after"), id_arg("before")
    slug = request.args.get("category", "").strip()
    typed = request.args.get("q", "").strip()
    size = current_app.config["CATALOGUE_PAGE_SIZE"]

    def load() -> dict:
        read_latest()
        rules = catalog.offer_rules()
        categories = all_categories()
        category = next((c for c in categories if c.slug == slug), None)
        if slug and category is None:
            raise UnknownCategory
        category_id = category.id if category else None
        if typed:
            window = search_page(typed, size, category_id=category_id, after=after,
                                 before=before)
        else:
            window = catalog.catalogue_page(size, category_id=category_id, after=after,
                                            before=before)
        return {"window": window, "categories": categories, "category": category,
                "query": typed, "offers": [catalog.offer_for(p, rules) for p in window.items]}
    try:
        if typed:  # each text typed would keep a page of its own: rendered each time
            return render_template("shop/catalogue.html", **load())
        # A category's pages are kept like the catalogue's: the triggers of migration
        # e5c8a1f3b7d2 drop them when a product goes in or out of a category.
        return page_cache.render(("catalogue", slug, after, before), "shop/catalogue.html",
                                 load, shows=lambda context: faces(context["offers"]),
                                 lists=True)
    except UnknownCategory:
        return render_template("shop/category_not_found.html", slug=slug,
                               categories=all_categories()), 404


@bp.get("/products/<sku>")
def product(sku: str):
    """A product page with its quantity and buy button."""
    def load() -> dict:
        read_latest()
        offer = catalog.product_offer(sku) or abort(404)
        # The page's CSRF and one-time tokens are put in per response, not by the form.
        return {"offer": offer, "form": QuantityForm()}
    return page_cache.render(("product", sku), "shop/product.html", load,
                             shows=lambda context: faces([context["offer"]]))


YEAR = 365 * 24 * 3600


@bp.get("/pictures/<name>")
def picture(name: str):
    """A product picture's file. Its name changes with its content, so browsers and
    proxies may keep it for a year without asking again."""
    path = files.path_of(name)
    if path is None or not path.is_file():
        abort(404)
    response = send_file(path, mimetype=files.MEDIA_TYPE, max_age=YEAR, conditional=True)
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response


@bp.get("/orders/<token>")
def order_status(token: str, pay_form: PayNowForm | None = None, status: int = 200):
    """The shopper's private status page: the order and its backorders, and `Pay now`
    for one whose card charge failed."""
    family = orders_read.family_by_token(token)
    if family is None:
        return render_template("shop/order_not_found.html"), 404
    # Dates only when the shop shows them: off means no page a shopper sees has one.
    dates = line_dates(family.orders, family.arrival_dates) \
        if get_settings().show_arrival_date else {}
    unpaid = next((order for order in family.orders
                   if order.payment_problem and order.payment_required > 0), None)
    pay_now = PayNow(order=unpaid, form=pay_form or PayNowForm(),
                     confirm=stripe_gateway.payment_to_confirm(unpaid.id),
                     confirm_form=ConfirmPaymentForm()) \
        if unpaid is not None and stripe_gateway.cards_enabled() else None
    # An order shipping everything together leaves when its last waiting line arrives.
    # (None: no date to show); only for those still waiting.
    together_dates = {order.id: order_date(dates.get(line.id) for line in waiting)
                      if dates else None
                      for order in family.orders
                      if order.ships_together and not order.is_cancelled
                      and (waiting := [line for line in order.lines if line.unallocated])}
    page = render_template("shop/order_status.html", family=family, line_dates=dates,
                           together_dates=together_dates,
                           promise=placed_promise(family.orders), pay_now=pay_now,
                           refunded=orders_read.card_refunds([o.id for o in family.orders]),
                           **stripe_gateway.page_settings())
    response = current_app.make_response((page, status))
    return stripe_gateway.allow_stripe_js(response) if pay_now else response


@dataclass(frozen=True)
class PayNow:
    order: Order
    form: PayNowForm
    confirm: dict | None  # a payment the shopper's bank asks them to confirm, in this browser
    confirm_form: ConfirmPaymentForm


def order_to_pay(token: str) -> Order:
    order = orders_read.order_by_token(token)
    if order is None or not stripe_gateway.cards_enabled():
        abort(404)
    return order


@bp.post("/orders/<token>/card")
def pay_now_card(token: str):
    """Start saving a card for `Pay now`: the client secret Stripe.js needs."""
    order = order_to_pay(token)
    form = CardSetupForm()
    if not form.validate_on_submit():
        return jsonify(error="Reload the page and try again"), 400
    if refused := stripe_gateway.card_attempt_refused():
        return refused
    try:
        setup = cards.start_card_setup(order.email, form.once.data)
    except stripe.StripeError:
        return jsonify(error="Card payments are not answering: try again in a minute"), 503
    return jsonify(client_secret=setup.client_secret, setup_intent=setup.setup_intent_id)


@bp.post("/orders/<token>/pay")
def pay_now(token: str):
    """`Pay now`: charge the card just saved for what the order asks."""
    order = order_to_pay(token)
    form = PayNowForm()
    if form.validate_on_submit():
        try:
            charged = cards.pay_now(order.id, form.setup_intent.data)
        except DomainError as error:
            form.setup_intent.errors = [error.message]
        else:
            if charged.needs_authentication:
                stripe_gateway.ask_to_confirm(order.id, charged.intent_id, charged.client_secret)
                flash("Your bank asks you to confirm the payment", "info")
            else:
                flash(f"Paid {format_money(charged.amount)} by card: thank you", "success")
            return redirect(url_for("shop.order_status", token=token))
    return order_status(token, pay_form=form, status=400)


@bp.post("/orders/<token>/confirm-payment")
def confirm_payment(token: str):
    """Stripe.js asked the shopper's bank to confirm the payment: record it if it did."""
    order = order_to_pay(token)
    form = ConfirmPaymentForm()
    stripe_gateway.payment_confirmed()  # asked once: `Pay now` tries again
    if not form.validate_on_submit():
        flash("Your card was not charged: reload the page and press Pay now", "error")
        return redirect(url_for("shop.order_status", token=token))
    try:
        charged = cards.confirm_payment(order.id, form.payment_intent.data)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(f"Paid {format_money(charged.amount)} by card: thank you", "success")
    return redirect(url_for("shop.order_status", token=token))


@bp.post("/orders/<token>/answer")
def answer_delay(token: str):
    """`Keep waiting` or `Cancel waiting items`, after a delay the shop asked about."""
    family = orders_read.family_by_token(token)
    if family is None:
        return render_template("shop/order_not_found.html"), 404
    form = DelayAnswerForm()
    asked = {order.id for order in family.orders if order.awaiting_answer}
    if not form.validate_on_submit() or int(form.order.data) not in asked:
        flash("This order is not waiting for your answer", "error")
        return redirect(url_for("shop.order_status", token=token))
    keep = request.form.get("answer") != "cancel"
    try:
        orders.answer_delay(int(form.order.data), keep_waiting=keep)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash("Thank you: your order keeps waiting" if keep
              else "The items still waiting are cancelled", "success")
    return redirect(url_for("shop.order_status", token=token))


@bp.route("/orders/find", methods=["GET", "POST"])
def find_order():
    """Lost the status link? Order number and email: the link goes to that email, never here."""
    limit = current_app.config["FIND_ORDER_RATE_LIMIT"]
    client = request.remote_addr or "unknown"
    form = FindOrderForm()
    if request.method == "POST" and (wait := limiter.blocked(limit, "find-order", client)):
        minutes = math.ceil(wait / 60)
        refused = (f"Too many attempts from your address. Try again in {minutes} "
                   f"minute{'s' if minutes != 1 else ''}.")
        return render_template("shop/find_order.html", form=form, refused=refused), 429, \
            {"Retry-After": str(math.ceil(wait))}
    if form.validate_on_submit():
        # Every request counts, matched or not: the answer is the same, and each match
        # sends an email, so the limit also keeps a shopper's inbox from being flooded.
        limiter.failed(limit, "find-order", client)
        notifications.send_status_link(form.reference.data, form.email.data)
        flash(LINK_SENT, "success")
        return redirect(url_for("shop.find_order"))
    if request.method == "POST":
        limiter.failed(limit, "find-order", client)
    return render_template("shop/find_order.html", form=form), 400 if form.is_submitted() else 200
