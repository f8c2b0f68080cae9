from flask import abort, flash, redirect, render_template, url_for

from app.cart import bp, cart
from app.cart.forms import CartLineForm, CheckoutForm, RemoveForm
from app.domain.buttons import BuyButton
from app.domain.errors import AlreadySubmitted, DomainError
from app.services import catalog, orders_read
from app.services.checkout import Customer, place_order
from app.services.settings import get_settings
from app.shop.forms import MAX_QUANTITY, AddToCartForm


def cart_lines() -> list[cart.CartLine]:
    """The cart's lines with today's prices and stock, from the database."""
    wanted = cart.items()
    settings = get_settings()
    products = catalog.products_by_sku(wanted)
    return [cart.CartLine(catalog.offer_for(products[sku], settings), qty)
            for sku, qty in sorted(wanted.items()) if sku in products]


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
    return render_template("shop/product.html", offer=offer, form=form), 400


@bp.get("/cart")
def view():
    """The cart: per line, how many ship now and how many wait on backorder."""
    lines = cart_lines()
    forms = {line.offer.product.sku: CartLineForm(quantity=line.quantity, prefix=line.offer.product.sku)
             for line in lines}
    return render_template("cart/cart.html", lines=lines, forms=forms, total=cart.total(lines),
                           remove_form=RemoveForm())


@bp.post("/cart/update/<sku>")
def update(sku: str):
    """Change a line's Quantity."""
    wanted = cart.items()
    if sku not in wanted:
        abort(404)
    form = CartLineForm(prefix=sku)
    lines = cart_lines()
    line = next((line for line in lines if line.offer.product.sku == sku), None)
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
    forms = {l.offer.product.sku: CartLineForm(quantity=l.quantity, prefix=l.offer.product.sku)
             for l in lines}
    forms[sku] = form
    return render_template("cart/cart.html", lines=lines, forms=forms, total=cart.total(lines),
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


@bp.route("/checkout", methods=["GET", "POST"])
def checkout():
    """Name, email, address and payment method; then the order is placed."""
    lines = cart_lines()
    if not lines:
        flash("Your cart is empty", "info")
        return redirect(url_for("cart.view"))
    form = CheckoutForm()
    if form.validate_on_submit():
        customer = Customer(name=form.name.data.strip(), email=form.email.data.strip(),
                            address=form.address.data.strip(),
                            payment_method=form.payment_method.data)
        try:
            placed = place_order({line.offer.product.sku: line.quantity for line in lines},
                                 customer, once=form.once.data)
        except AlreadySubmitted as done:  # Place order pressed twice: show the one order
            cart.clear()
            token = orders_read.token_of(done.order_id)
            return redirect(url_for("shop.order_status", token=token) if token
                            else url_for("cart.view"))
        except DomainError as error:
            flash(error.message, "error")
            return render_template("cart/checkout.html", form=form, lines=cart_lines(),
                                   total=cart.total(lines)), 409
        cart.clear()
        flash(f"Thank you: order {placed.order.reference} is placed", "success")
        return redirect(url_for("shop.order_status", token=placed.order.token))
    return render_template("cart/checkout.html", form=form, lines=lines, total=cart.total(lines)), \
        (400 if form.is_submitted() else 200)
