"""Staff order pages: the orders list and the order page with Order Line Details."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.admin import bp
from app.admin.forms import PaymentForm, VersionForm, order_form
from app.domain.errors import DomainError
from app.domain.orders import NOT_SPLITTABLE, SPLITTABLE_STATUSES, OrderStatus, next_statuses
from app.models import Order
from app.services import orders, orders_read
from app.services.settings import get_settings


@bp.get("/orders")
def orders_list():
    """Orders, newest first: filter by status, search by order id, email or SKU."""
    status = request.args.get("status") or None
    if status is not None and status not in {s.value for s in OrderStatus}:
        abort(404)
    query = request.args.get("q", "")[:100]
    page = orders_read.orders_page(request.args.get("page", 1, type=int),
                                   current_app.config["ADMIN_PAGE_SIZE"],
                                   OrderStatus(status) if status else None, query)
    return render_template("admin/orders.html", page=page, status=status, query=query,
                           counts=orders_read.status_counts())


def bko_editable(order: Order) -> bool:
    return order.status in SPLITTABLE_STATUSES and get_settings().create_backorder


def render_order(order: Order, form=None, payment_form=None, code: int = 200):
    form = form or order_form(order.lines, [order.status, *next_statuses(order.status)],
                              version=order.version, status=order.status.value)
    payment_form = payment_form or PaymentForm(version=order.version,
                                               formdata=None)
    return render_template(
        "admin/order.html", order=order, form=form, payment_form=payment_form,
        version_form=VersionForm(version=order.version, formdata=None),
        editable=order.status in SPLITTABLE_STATUSES, bko_editable=bko_editable(order)), code


def find_order(reference: str) -> Order:
    return orders_read.order_page(reference) or abort(404)


@bp.get("/orders/<reference>")
def order(reference: str):
    """The order page with the Order Line Details pane."""
    return render_order(find_order(reference))


@bp.post("/orders/<reference>")
def save_order(reference: str):
    """`Save` (quantities, BKO, status) or `Backorder Out of Stock Products` (fills BKO)."""
    order = find_order(reference)
    form = order_form(order.lines, [order.status, *next_statuses(order.status)])
    if not form.validate_on_submit():
        return render_order(order, form, code=400)
    if request.form.get("action") == "fill-bko":
        if not bko_editable(order):
            form.status.errors.append(NOT_SPLITTABLE if order.status not in SPLITTABLE_STATUSES
                                      else "Turn on 'Create backorder when backorder items' first")
            return render_order(order, form, code=409)
        for line in order.lines:
            bko = form.bko_field(line.id)
            # The field shows what was posted (raw_data) over .data: replace both.
            bko.data, bko.raw_data = line.unallocated, [str(line.unallocated)]
        flash("BKO holds each line's unallocated units: press Save to create the backorder",
              "info")
        return render_order(order, form)
    try:
        backorder = orders.save_order(
            order.id, int(form.version.data), status=OrderStatus(form.status.data),
            quantities={line.id: form.quantity_field(line.id).data for line in order.lines},
            bko={line.id: form.bko_field(line.id).data or 0 for line in order.lines},
            user=current_user)
    except DomainError as error:
        show_error(form, order, error)
        return render_order(find_order(reference), form, code=409)
    flash(f"Order {reference} saved", "success")
    if backorder is not None and backorder.reference != reference:
        flash(f"Backorder {backorder.reference} created", "success")
    return redirect(url_for("admin.order", reference=reference))


def show_error(form, order: Order, error: DomainError) -> None:
    """Put a refusal next to the field it concerns."""
    if error.field == "bko":
        field = next((form.bko_field(line.id) for line in order.lines
                      if form.bko_field(line.id).data), form.status)
    elif error.field == "quantity":
        field = next((form.quantity_field(line.id) for line in order.lines
                      if line.sku in error.message), form.quantity_field(order.lines[0].id)
                     if order.lines else form.status)
    else:
        field = form.status
    field.errors = [*field.errors, error.message]


@bp.post("/orders/<reference>/mark-as-new")
def mark_as_new(reference: str):
    """Release a backorder whose lines are all allocated."""
    order = find_order(reference)
    form = VersionForm()
    if form.validate_on_submit():
        try:
            orders.mark_as_new(order.id, int(form.version.data), current_user)
        except DomainError as error:
            flash(error.message, "error")
            return render_order(find_order(reference), code=409)
        flash(f"{reference} is New: it can be picked", "success")
    return redirect(url_for("admin.order", reference=reference))


@bp.post("/orders/<reference>/payments")
def record_payment(reference: str):
    """`Record payment`: amount, method, reference."""
    order = find_order(reference)
    form = PaymentForm()
    if form.validate_on_submit():
        try:
            orders.record_payment(order.id, int(form.version.data), form.amount.data,
                                  form.method.data, form.reference.data or "", current_user)
        except DomainError as error:
            form.amount.errors = [*form.amount.errors, error.message]
            return render_order(find_order(reference), payment_form=form, code=409)
        flash("Payment recorded", "success")
        return redirect(url_for("admin.order", reference=reference))
    return render_order(order, payment_form=form, code=400)
