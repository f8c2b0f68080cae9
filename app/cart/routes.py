from datetime import date

import stripe
from flask import (abort, current_app, flash, jsonify, redirect, render_template,
                   url_for)

from app.cart import bp, cart
from app import stripe_gateway
from app.cart.forms import CARD, CardSetupForm, CartLineForm, CheckoutForm, RemoveForm
from app.domain.buttons import BuyButton
from app.domain.errors import AlreadySubmitted, DomainError
from app.domain.money import format_money
from app.domain.promise import arrival_for, order_date
from app.services import cards, catalog, orders_read
from app.services.checkout import Customer, place_order
from app.services.promises import cart_promises, incoming_units
from app.services.settings import get_settings
from app.shop.forms import MAX_QUANTITY, AddToCartForm


def load_cart() -> cart.Cart:
    """The cart with today's prices and stock, and what checkout would do with each unit."""
    wanted = cart.items()
    settings = get_settings()
    products = catalog.products_by_sku(wanted)
    found = [(products[sku], qty) for sku, qty in sorted(wanted.items()) if sku in products]
    promised = cart_promises(found, settings)
    dates = backorder_dates(found, promised.split) if settings.show_arrival_date else {}
    lines = []
    for (product, qty), line in zip(found, promised.split.lines, strict=True):
        arrival, from_po = dates.get(product.id, (None, False))
        lines.append(cart.CartLine(offer=catalog.offer_for(product, settings), quantity=qty,
                                   promised=line, arrival_date=arrival, from_po=from_po))
    # Shipped together, the order leaves when its last waiting line arrives.
    together_date = order_date(line.arrival_date for line in lines if line.on_backorder) \
        if promised.together is not None else None
    return cart.Cart(lines=lines, promise=promised.split, together=promised.together,
                     together_date=together_date)


def backorder_dates(found, promised) -> dict[int, tuple[date | None, bool]]:
    """When each line's units on backorder would arrive: product id -> (date, from a PO).

    They wait behind every unit already waiting, so the PO covering the last of them
    gives the date; else the product's Date of arrival. One statement, only when a line
    goes on backorder.
    """
    waiting = [(product, line.on_backorder)
               for (product, _), line in zip(found, promised.lines, strict=True)
               if line.on_backorder]
    if not waiting:
        return {}
    incoming = incoming_units(product.id for product, _ in waiting)
    dates = {}
    for product, units in waiting:
        expected = arrival_for(product.waiting, units, incoming[product.id])
        dates[product.id] = (expected, True) if expected else (product.arrival_date, False)
    return dates


def line_forms(lines: list[cart.CartLine]) -> dict[str, CartLineForm]:
    return {line.offer.product.sku: CartLineForm(quantity=line.quantity,
                                                 prefix=line.offer.product.sku)
            for line in lines}


def limit_error(offer: catalog.Offer, quantity: int) -> str | None:
    """Why a cart may not hold `quantity` of this product, if it may not."""
    if offer.button is BuyButton.OUT_OF_STOCK:
        return f"{offer.product.name} is out of stock"
    if offer.most is not None and quantity > offer.most:
        return f"Only {offer.most} of {offer.product.name} can be ordered"
    return None


@bp.post("/cart/add/<sku>")
def add(sku: str):
    """Add a product to the cart with `Add to Cart` or `Backorder`."""
    product = catalog.find_product(sku) or abort(404)
    offer = catalog.offer_for(product, get_settings())
    form = AddToCartForm()
    if form.validate_on_submit():
        if cart.seen(form.once.data):  # the same click twice: added once
            return redirect(url_for("cart.view"))
        wanted = cart.items()
        quantity = wanted.get(sku, 0) + form.quantity.data
        error = limit_error(offer, quantity)
        if quantity > MAX_QUANTITY:
            error = f"A cart line holds at most {MAX_QUANTITY} units"
        elif sku not in wanted and len(wanted) >= cart.MAX_LINES:
            error = f"A cart holds at most {cart.MAX_LINES} products"
        if error is None:
            wanted[sku] = quantity
            cart.save(wanted, once=form.once.data)
            flash(f"Added {form.quantity.data} x {product.name} to your cart", "success")
            return redirect(url_for("cart.view"))
        form.quantity.errors.append(error)
    catalog.load_pictures(product)  # the product page shows them
    return render_template("shop/product.html", offer=offer, form=form), 400


@bp.get("/cart")
def view():
    """The cart: per line, how many ship now and how many wait on backorder."""
    found = load_cart()
    return render_template("cart/cart.html", cart=found, forms=line_forms(found.lines),
                           remove_form=RemoveForm())


@bp.post("/cart/update/<sku>")
def update(sku: str):
    """Change a line's Quantity."""
    wanted = cart.items()
    if sku not in wanted:
        abort(404)
    form = CartLineForm(prefix=sku)
    found = load_cart()
    line = next((line for line in found.lines if line.offer.product.sku == sku), None)
    if line is None:
        abort(404)
    if form.validate_on_submit():
        error = limit_error(line.offer, form.quantity.data)
        if error is None:
            wanted[sku] = form.quantity.data
            cart.save(wanted)
            flash("Cart updated", "success")
            return redirect(url_for("cart.view"))
        form.quantity.errors.append(error)
    forms = line_forms(found.lines)
    forms[sku] = form
    return render_template("cart/cart.html", cart=found, forms=forms,
                           remove_form=RemoveForm()), 400


@bp.post("/cart/remove/<sku>")
def remove(sku: str):
    """Take a product out of the cart."""
    if RemoveForm().validate_on_submit():
        wanted = cart.items()
        wanted.pop(sku, None)
        cart.save(wanted)
        flash("Removed from your cart", "success")
    return redirect(url_for("cart.view"))


def render_checkout(form: CheckoutForm, found: cart.Cart, status: int = 200):
    page = render_template("cart/checkout.html", form=form, cart=found,
                           **stripe_gateway.page_settings())
    return stripe_gateway.allow_stripe_js(current_app.make_response((page, status)))


@bp.post("/checkout/card")
def card_setup():
    """Start saving a card for this checkout: the client secret Stripe.js needs."""
    form = CardSetupForm()
    if not stripe_gateway.cards_enabled() or not form.validate_on_submit():
        return jsonify(error="Card payments are not available: reload the page"), 400
    if refused := stripe_gateway.card_attempt_refused():
        return refused
    try:
        setup = cards.start_card_setup(form.email.data.strip(), form.once.data)
    except stripe.StripeError:
        return jsonify(error="Card payments are not answering: try again in a minute"), 503
    return jsonify(client_secret=setup.client_secret, setup_intent=setup.setup_intent_id)


@bp.route("/checkout", methods=["GET", "POST"])
def checkout():
    """Name, email, address, payment method and, where the cart would split and the shop
    lets shoppers choose, Delivery; then the order is placed (and, by Card, paid for what
    ships now)."""
    found = load_cart()
    if not found.lines:
        flash("Your cart is empty", "info")
        return redirect(url_for("cart.view"))
    form = CheckoutForm()
    form.offer_delivery(found.together is not None)
    if stripe_gateway.cards_enabled():
        form.offer_cards()
    if form.validate_on_submit():
        by_card = form.payment_method.data == CARD
        card = None
        if by_card:
            try:
                card = cards.saved_card(form.setup_intent.data or "")
            except DomainError as error:
                form.payment_method.errors.append(error.message)
                return render_checkout(form, found, 400)
        customer = Customer(name=form.name.data.strip(), email=form.email.data.strip(),
                            address=form.address.data.strip(),
                            payment_method=form.payment_method.data)
        try:
            placed = place_order({line.offer.product.sku: line.quantity for line in found.lines},
                                 customer, once=form.once.data,
                                 delivery=form.chosen_delivery())
        except AlreadySubmitted as done:  # Place order pressed twice: show the one order
            cart.clear()
            token = orders_read.token_of(done.order_id)
            return redirect(url_for("shop.order_status", token=token) if token
                            else url_for("cart.view"))
        except DomainError as error:
            flash(error.message, "error")
            return render_checkout(form, load_cart(), 409)
        cart.clear()
        flash(f"Thank you: order {placed.order.reference} is placed", "success")
        if card is not None:
            charged = cards.charge_at_checkout(placed.order.id, card)
            if charged.declined:
                flash(f"Your card was not charged: {charged.declined}", "error")
            elif charged.needs_authentication:
                stripe_gateway.ask_to_confirm(placed.order.id, charged.intent_id,
                                              charged.client_secret)
                flash("Your bank asks you to confirm the payment", "info")
            elif charged.amount:
                flash(f"Paid {format_money(charged.amount)} by card", "success")
        return redirect(url_for("shop.order_status", token=placed.order.token))
    return render_checkout(form, found, 400 if form.is_submitted() else 200)
