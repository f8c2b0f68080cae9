"""Staff order pages: the orders list, the order page with Order Line Details, its
packing slip and invoice, and the orders export."""

from flask import (Response, abort, current_app, flash, redirect, render_template, request,
                   stream_with_context, url_for)
from flask_login import current_user

from app.admin import bp
from app.admin.forms import CustomerForm, PaymentForm, RefundForm, VersionForm, order_form
from app.domain.errors import BackordersDisabled, DomainError, StaleOrder
from app.domain.money import format_money
from app.domain.orders import (NOTHING_TO_SHIP, SPLITTABLE_STATUSES, OrderStatus,
                               backorder_refusal, dispatch_confirmation,
                               fill_bko_with_unallocated, statuses_to_offer)
from app.models import Order
from app.services import cards, orders, orders_read
from app.services.promises import line_dates
from app.services.settings import get_settings
from app.spreadsheet import csv_rows


PICK_NEEDS_STOCK = ("Pick needs every unit allocated: lower a Qty or put the unallocated units "
                    "on BKO in the same Save")


def _status_filter() -> tuple[OrderStatus | None, str]:
    """The list's filters from the query string: a known status (else 404) and the search."""
    status = request.args.get("status") or None
    if status is not None and status not in {s.value for s in OrderStatus}:
        abort(404)
    return (OrderStatus(status) if status else None), request.args.get("q", "")[:100]


@bp.get("/orders")
def orders_list():
    """Orders, newest first: filter by status, search by order id, customer, email or SKU."""
    status, query = _status_filter()
    awaiting = request.args.get("awaiting") == "answer"
    page = orders_read.orders_page(request.args.get("page", 1, type=int),
                                   current_app.config["ADMIN_PAGE_SIZE"], status, query,
                                   awaiting_answer=awaiting)
    return render_template("admin/orders.html", page=page, awaiting=awaiting,
                           status=status.value if status else None, query=query,
                           counts=orders_read.status_counts())


@bp.get("/orders/export.csv")
def export_orders():
    """The orders the list shows (same status and search), every page, as CSV, streamed."""
    status, query = _status_filter()
    rows = stream_with_context(csv_rows(orders_read.EXPORT_HEADER,
                                        orders_read.export_rows(status, query)))
    return Response(rows, mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=orders.csv"})


def render_order(order: Order, form=None, payment_form=None, customer_form=None,
                 code: int = 200, stale: bool = False, refund_form=None):
    """The order page; a refused form comes back with what was posted and its message."""
    statuses = statuses_to_offer(order.status, order.is_fully_allocated, order.has_units)
    form = form or order_form(order.lines, statuses, version=order.version,
                              status=order.status.value)
    offers_dispatch = OrderStatus.DISPATCHED in statuses and order.payment_required > 0
    if offers_dispatch:
        form.dispatch_with_due.label.text = dispatch_confirmation(order.payment_required)
    refusal = backorder_refusal(order.status, get_settings().create_backorder)
    # Lines may change (Qty, BKO) only where they may go on backorder too.
    editable = order.status in SPLITTABLE_STATUSES
    return render_template(
        "admin/order.html", order=order, form=form,
        payment_form=payment_form or PaymentForm(version=order.version, formdata=None),
        refund_form=refund_form or RefundForm(version=order.version, formdata=None),
        card_refundable=cards.refundable(order),
        customer_form=customer_form or CustomerForm(
            version=order.version, customer_name=order.customer_name, email=order.email,
            address=order.address, formdata=None),
        version_form=VersionForm(version=order.version, formdata=None),
        editable=editable, promised=line_dates([order]),
        bko_refusal=refusal, setting_refusal=isinstance(refusal, BackordersDisabled),
        offers_dispatch=offers_dispatch, stale=stale,
        status_hint=PICK_NEEDS_STOCK if OrderStatus.PICK in statuses
        and not order.is_fully_allocated else None,
        nothing_to_ship=NOTHING_TO_SHIP if editable and not order.has_units else None), code


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
    form = order_form(order.lines, statuses_to_offer(order.status, order.is_fully_allocated,
                                                     order.has_units))
    if not form.validate_on_submit():
        return render_order(order, form, code=400)
    if request.form.get("action") == "fill-bko":
        refusal = backorder_refusal(order.status, get_settings().create_backorder)
        if refusal is not None:
            show_error(form, order, refusal)
            return render_order(order, form, code=409)
        filled = fill_bko_with_unallocated([line.as_line() for line in order.lines])
        for line_id, units in filled.items():
            bko = form.bko_field(line_id)
            # The field shows what was posted (raw_data) over .data: replace both.
            bko.data, bko.raw_data = units, [str(units)]
        flash("BKO holds each line's unallocated units: press Save to create the backorder",
              "info")
        return render_order(order, form)
    try:
        backorder = orders.save_order(
            order.id, int(form.version.data), status=OrderStatus(form.status.data),
            quantities={line.id: form.quantity_field(line.id).data for line in order.lines},
            bko={line.id: form.bko_field(line.id).data or 0 for line in order.lines},
            user=current_user, dispatch_with_due=form.dispatch_with_due.data)
    except DomainError as error:
        if isinstance(error, StaleOrder):
            return render_order(find_order(reference), form, code=409, stale=True)
        show_error(form, order, error)
        return render_order(find_order(reference), form, code=409)
    flash(f"Order {reference} saved", "success")
    if backorder is not None and backorder.reference != reference:
        flash(f"Backorder {backorder.reference} created", "success")
    return redirect(url_for("admin.order", reference=reference))


def show_error(form, order: Order, error: DomainError) -> None:
    """Put a refusal next to the field it concerns: the line it names, else the first one
    the staff member filled in, else Status."""
    field = form.status
    if error.field == "confirm_due":
        field = form.dispatch_with_due
    elif error.field in ("bko", "quantity") and order.lines:
        of_line = form.bko_field if error.field == "bko" else form.quantity_field
        if error.line_id is not None and error.line_id in form.line_ids:
            field = of_line(error.line_id)
        elif error.field == "bko":
            field = next((of_line(line.id) for line in order.lines if of_line(line.id).data),
                         field)
        else:
            field = of_line(order.lines[0].id)
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
            if isinstance(error, StaleOrder):
                return render_order(find_order(reference), code=409, stale=True)
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
            if isinstance(error, StaleOrder):
                return render_order(find_order(reference), payment_form=form, code=409,
                                    stale=True)
            form.amount.errors = [*form.amount.errors, error.message]
            return render_order(find_order(reference), payment_form=form, code=409)
        flash(f"Payment of {format_money(form.amount.data)} by {form.method.data} recorded",
              "success")
        return redirect(url_for("admin.order", reference=reference))
    return render_order(order, payment_form=form, code=400)


@bp.post("/orders/<reference>/refund")
def refund(reference: str):
    """`Refund`: an amount back to the cards that paid this order."""
    order = find_order(reference)
    form = RefundForm()
    if form.validate_on_submit():
        try:
            cards.request_refund(order.id, int(form.version.data), form.amount.data,
                                 current_user)
        except DomainError as error:
            if isinstance(error, StaleOrder):
                return render_order(find_order(reference), refund_form=form, code=409,
                                    stale=True)
            form.amount.errors = [*form.amount.errors, error.message]
            return render_order(find_order(reference), refund_form=form, code=409)
        flash(f"Refund of {format_money(form.amount.data)} to the card is on its way", "success")
        return redirect(url_for("admin.order", reference=reference))
    return render_order(order, refund_form=form, code=400)


@bp.post("/orders/<reference>/customer")
def update_customer(reference: str):
    """Correct the customer's name, email and address on this order."""
    order = find_order(reference)
    form = CustomerForm()
    if form.validate_on_submit():
        try:
            changed = orders.update_customer(
                order.id, int(form.version.data), name=form.customer_name.data,
                email=form.email.data, address=form.address.data, user=current_user)
        except DomainError as error:
            if isinstance(error, StaleOrder):
                return render_order(find_order(reference), customer_form=form, code=409,
                                    stale=True)
            form.customer_name.errors = [*form.customer_name.errors, error.message]
            return render_order(find_order(reference), customer_form=form, code=409)
        flash(f"Customer details changed: {', '.join(changed)}" if changed
              else "The customer details were already these", "success")
        return redirect(url_for("admin.order", reference=reference))
    return render_order(order, customer_form=form, code=400)


@bp.get("/orders/<reference>/mark-as-new")
@bp.get("/orders/<reference>/payments")
@bp.get("/orders/<reference>/customer")
def back_to_order(reference: str):
    """These addresses take forms; opened again after a refusal (Enter in the address bar),
    they lead back to the order."""
    return redirect(url_for("admin.order", reference=reference))


@bp.get("/orders/<reference>/packing-slip")
def packing_slip(reference: str):
    """What to pack, for printing: lines and quantities, no prices."""
    return render_template("admin/packing_slip.html", order=find_order(reference))


@bp.get("/orders/<reference>/invoice")
def invoice(reference: str):
    """The order's invoice, for printing: lines, prices, totals and payments."""
    return render_template("admin/invoice.html", order=find_order(reference))
