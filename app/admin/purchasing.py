"""Suppliers and purchase orders: list, add, edit, order, receive, cancel."""
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields import SelectChoice

from app.admin import bp
from app.admin.products import backorder_ready
from app.admin.purchasing_forms import (AddLineForm, CancelForm, DraftForm, NewPurchaseOrderForm,
                                        OrderedForm, SupplierForm, po_form, receive_form)
from app.domain.errors import AlreadySubmitted, DomainError
from app.domain.promise import EDITABLE_STATUSES, INCOMING_STATUSES, PoStatus
from app.models import PurchaseOrder
from app.models.types import utcnow
from app.services import purchasing


# Suppliers

@bp.get("/suppliers")
def suppliers():
    """Suppliers by name."""
    return render_template("admin/suppliers.html", suppliers=purchasing.suppliers())


def _save_supplier(form: SupplierForm, supplier_id: int | None):
    data = purchasing.SupplierData(name=form.name.data, email=form.email.data,
                                   lead_time_days=form.lead_time_days.data)
    try:
        supplier = purchasing.save_supplier(data, supplier_id)
    except DomainError as error:
        getattr(form, error.field or "name").errors.append(error.message)
        return None
    flash(f"{supplier.name} saved", "success")
    return redirect(url_for("admin.suppliers"))


@bp.route("/suppliers/new", methods=["GET", "POST"])
def new_supplier():
    """Add a supplier."""
    form = SupplierForm()
    if form.validate_on_submit() and (done := _save_supplier(form, None)):
        return done
    return render_template("admin/supplier_form.html", form=form, supplier=None), \
        (400 if form.is_submitted() else 200)


@bp.route("/suppliers/<int:supplier_id>", methods=["GET", "POST"])
def supplier(supplier_id: int):
    """Edit a supplier."""
    found = purchasing.find_supplier(supplier_id) or abort(404)
    form = SupplierForm(obj=found)
    if form.validate_on_submit():
        if done := _save_supplier(form, supplier_id):
            return done
        found = purchasing.find_supplier(supplier_id)  # as saved: the refusal rolled back
    return render_template("admin/supplier_form.html", form=form, supplier=found), \
        (400 if form.is_submitted() else 200)


# Purchase orders

@bp.get("/purchase-orders")
def purchase_orders():
    """Purchase orders, newest first, filtered by status."""
    status = request.args.get("status") or None
    if status is not None and status not in {s.value for s in PoStatus}:
        abort(404)
    return render_template("admin/purchase_orders.html", status=status,
                           pos=purchasing.purchase_orders(PoStatus(status) if status else None),
                           counts=purchasing.status_counts())


@bp.get("/purchase-orders/coverage")
def coverage():
    """Per product: units waiting, incoming and uncovered, the oldest wait."""
    rows = purchasing.coverage()
    return render_template("admin/coverage.html", now=utcnow(), form=DraftForm(),
                           rows=[row for row in rows if row.supplier is not None],
                           no_supplier=[row for row in rows if row.supplier is None])


@bp.post("/purchase-orders/coverage")
def draft_purchase_orders():
    """`Draft purchase orders`: one Draft per supplier for the uncovered units."""
    form = DraftForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        drafted = purchasing.draft_purchase_orders(date.today(), once=form.once.data)
    except AlreadySubmitted:
        flash("Those purchase orders were already drafted", "info")
        return redirect(url_for("admin.purchase_orders", status="Draft"))
    if not drafted:
        flash("Every waiting unit of a product with a supplier is covered: nothing to draft",
              "info")
        return redirect(url_for("admin.coverage"))
    flash("Drafted " + ", ".join(f"{po.reference} to {po.supplier.name}" for po in drafted)
          + ": check them and mark them as ordered", "success")
    return redirect(url_for("admin.purchase_orders", status="Draft"))


def _supplier_choices(form: NewPurchaseOrderForm) -> None:
    form.supplier_id.choices = [SelectChoice(s.id, s.name) for s in purchasing.suppliers()]


@bp.route("/purchase-orders/new", methods=["GET", "POST"])
def new_purchase_order():
    """Start a Draft purchase order to a supplier."""
    form = NewPurchaseOrderForm()
    _supplier_choices(form)
    code = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            po = purchasing.create_po(form.supplier_id.data, form.expected_date.data,
                                      date.today())
        except DomainError as error:
            getattr(form, error.field or "supplier_id").errors.append(error.message)
            code = 409
        else:
            flash(f"{po.reference} created: add its lines", "success")
            return redirect(url_for("admin.purchase_order", reference=po.reference))
    return render_template("admin/purchase_order_new.html", form=form), code


def render_po(po: PurchaseOrder, code: int = 200, *, line_form=None, save_form=None,
              receiving=None, problem: str | None = None):
    """The PO page; a refused form comes back with what was posted and its message."""
    return render_template(
        "admin/purchase_order.html", po=po, problem=problem,
        editable=po.status in EDITABLE_STATUSES, incoming=po.status in INCOMING_STATUSES,
        line_form=line_form or AddLineForm(formdata=None, version=po.version),
        save_form=save_form or po_form(po.lines, formdata=None, version=po.version,
                                       expected_date=po.expected_date),
        receiving=receiving or receive_form(po.lines, formdata=None, version=po.version),
        ordered_form=OrderedForm(formdata=None, version=po.version),
        cancel_form=CancelForm(formdata=None, version=po.version)), code


def _po_or_404(reference: str) -> PurchaseOrder:
    return purchasing.find_po(reference) or abort(404)


@bp.get("/purchase-orders/<reference>")
def purchase_order(reference: str):
    """A purchase order: its lines, expected date, ordering and receiving."""
    return render_po(_po_or_404(reference))


def _refused(reference: str, form, error: DomainError, form_name: str):
    """The page again with the message next to its field (or above the forms)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None and hasattr(field, "errors"):
        field.errors.append(error.message)
        return render_po(_po_or_404(reference), 409, **{form_name: form})
    return render_po(_po_or_404(reference), 409, problem=error.message)


@bp.post("/purchase-orders/<reference>/lines")
def add_po_line(reference: str):
    """`Add line`: a product of this supplier, its quantity and unit cost."""
    po = _po_or_404(reference)
    form = AddLineForm()
    if not form.validate_on_submit():
        return render_po(po, 400, line_form=form)
    try:
        line = purchasing.add_line(reference, int(form.version.data), form.sku.data,
                                   form.quantity.data, form.unit_cost.data)
    except DomainError as error:
        return _refused(reference, form, error, "line_form")
    flash(f"{line.sku} added", "success")
    return redirect(url_for("admin.purchase_order", reference=reference))


@bp.post("/purchase-orders/<reference>")
def save_purchase_order(reference: str):
    """`Save`: the expected date and each line's Qty."""
    po = _po_or_404(reference)
    form = po_form(po.lines)
    if not form.validate_on_submit():
        return render_po(po, 400, save_form=form)
    quantities = {line_id: form[f"qty_{line_id}"].data for line_id in form.line_ids}
    try:
        purchasing.save_po(reference, int(form.version.data), form.expected_date.data,
                           quantities)
    except DomainError as error:
        return _refused(reference, form, error, "save_form")
    flash(f"{reference} saved", "success")
    return redirect(url_for("admin.purchase_order", reference=reference))


@bp.post("/purchase-orders/<reference>/ordered")
def mark_po_ordered(reference: str):
    """`Mark as ordered`: the supplier is emailed the lines; the units are incoming."""
    return _po_button(reference, OrderedForm(), purchasing.mark_ordered,
                      lambda po: f"{reference} is ordered: {po.supplier.name} is emailed the lines")


def _po_button(reference: str, form, change, done):
    """A PO button with no fields but its version: run `change`, flash `done(po)`, or
    show the page again with the refusal."""
    po = _po_or_404(reference)
    if not form.validate_on_submit():
        return render_po(po, 400, problem="This form is out of date: try again")
    try:
        change(reference, int(form.version.data))
    except DomainError as error:
        return render_po(_po_or_404(reference), 409, problem=error.message)
    flash(done(po), "success")
    return redirect(url_for("admin.purchase_order", reference=reference))


@bp.post("/purchase-orders/<reference>/receive")
def receive_purchase_order(reference: str):
    """`Receive`: per line the units in now; waiting orders get them first."""
    po = _po_or_404(reference)
    form = receive_form(po.lines)
    if not form.validate_on_submit():
        return render_po(po, 400, receiving=form)
    units = {line_id: form[f"receive_{line_id}"].data or 0 for line_id in form.line_ids}
    try:
        ready = purchasing.receive_po(reference, int(form.version.data), units,
                                      form.reference.data or "", form.close_short.data,
                                      current_user, once=form.once.data)
    except AlreadySubmitted:
        flash("That receipt was already recorded", "info")
    except DomainError as error:
        return _refused(reference, form, error, "receiving")
    else:
        for message in (f"Received on {reference}", *map(backorder_ready, ready)):
            flash(message, "success")
    return redirect(url_for("admin.purchase_order", reference=reference))


@bp.post("/purchase-orders/<reference>/cancel")
def cancel_purchase_order(reference: str):
    """`Cancel purchase order`: its units are no longer coming."""
    return _po_button(reference, CancelForm(), purchasing.cancel_po,
                      lambda po: f"{reference} is cancelled")
