"""Products: list, add, edit, and receive or adjust stock."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from wtforms.fields import SelectChoice

from app.admin import bp
from app.admin.forms import AdjustStockForm, ProductForm, ReceiveStockForm
from app.domain.buttons import Policy
from app.domain.categories import split_names
from app.domain.errors import AlreadySubmitted, DomainError
from app.domain.orders import OrderStatus
from app.models import Order, Product
from app.services import catalog, inventory, purchasing
from app.services.categories import all_categories, categories_of


@bp.get("/products")
def products():
    """Products by SKU, searchable."""
    query = request.args.get("q", "")[:100]
    page = catalog.product_list_page(request.args.get("page", 1, type=int),
                                     current_app.config["ADMIN_PAGE_SIZE"], query)
    return render_template("admin/products.html", page=page, query=query)


def product_data(form: ProductForm) -> catalog.ProductData:
    return catalog.ProductData(
        sku=form.sku.data.strip(), name=form.name.data.strip(),
        description=(form.description.data or "").strip(), price=form.price.data,
        on_hand=form.on_hand.data, backorder_policy=Policy(form.backorder_policy.data),
        arrival_date=form.arrival_date.data, backorder_limit=form.backorder_limit.data,
        supplier_id=form.supplier_id.data or None,
        supplier_sku=(form.supplier_sku.data or "").strip(), cost_price=form.cost_price.data,
        categories=categories_typed(form))


def categories_typed(form: ProductForm) -> tuple[str, ...] | None:
    """The category names typed; None when the form sent no Categories field at all
    (then the product's categories stay as they are)."""
    if not form.category_names.raw_data:
        return None
    return tuple(split_names(form.category_names.data or ""))


def supplier_choices(form: ProductForm) -> ProductForm:
    """The Supplier field offers no supplier and every supplier."""
    form.supplier_id.choices = [SelectChoice(0, "None"),
                                *(SelectChoice(s.id, s.name) for s in purchasing.suppliers())]
    return form


def backorder_ready(order: Order) -> Markup:
    """The news that stock completed a backorder, its reference a link to the order."""
    link = Markup('<a href="{}">{}</a>').format(
        url_for("admin.order", reference=order.reference), order.reference)
    if order.status is OrderStatus.NEW:
        return Markup("Backorder {} has all its stock and is released to New").format(link)
    return Markup("Backorder {} has all its stock: mark it as New").format(link)


@bp.route("/products/new", methods=["GET", "POST"])
def new_product():
    """Add a product."""
    form = supplier_choices(ProductForm())
    if form.validate_on_submit():
        try:
            product = catalog.create_product(product_data(form), current_user)
        except DomainError as error:
            getattr(form, error.field or "sku").errors.append(error.message)
        else:
            flash(f"{product.sku} added", "success")
            return redirect(url_for("admin.product", sku=product.sku))
    return render_template("admin/product_form.html", form=form, product=None,
                           categories=all_categories()), \
        (400 if form.is_submitted() else 200)


def render_product(product: Product, form=None, receive_form=None, adjust_form=None,
                   code: int = 200):
    if form is None:
        form = ProductForm(obj=product, formdata=None)
        form.backorder_policy.data = product.backorder_policy.value
        form.supplier_id.data = product.supplier_id or 0
        form.category_names.data = ", ".join(c.name for c in categories_of(product.id))
    supplier_choices(form)
    return render_template(
        "admin/product_form.html", product=product, form=form, categories=all_categories(),
        receive_form=receive_form or ReceiveStockForm(formdata=None),
        adjust_form=adjust_form or AdjustStockForm(formdata=None),
        movements=inventory.recent_movements(product.id)), code


@bp.get("/products/<sku>")
def product(sku: str):
    """Edit a product; see its stock; receive stock."""
    return render_product(catalog.find_product(sku) or abort(404))


@bp.post("/products/<sku>")
def save_product(sku: str):
    """Save the product form."""
    product = catalog.find_product(sku) or abort(404)
    form = supplier_choices(ProductForm())
    form.saved_on_hand = product.on_hand
    if form.validate_on_submit():
        try:
            saved = catalog.update_product(sku, product_data(form), current_user)
        except DomainError as error:
            field = "on_hand" if error.field == "quantity" else error.field
            getattr(form, field or "sku").errors.append(error.message)
            return render_product(catalog.find_product(sku), form=form, code=409)
        for message in (f"{saved.product.sku} saved", *map(backorder_ready, saved.ready)):
            flash(message, "success")
        return redirect(url_for("admin.product", sku=saved.product.sku))
    return render_product(product, form=form, code=400)


def stock_form(sku: str, form, form_name: str, change, done: str):
    """Post/redirect/get for a stock form: `change(form)` runs the service and
    returns the success message (or a list of them)."""
    product = catalog.find_product(sku) or abort(404)
    if not form.validate_on_submit():
        return render_product(product, **{form_name: form}, code=400)
    try:
        messages = change(form)
    except AlreadySubmitted:
        flash(done, "info")
    except DomainError as error:
        form.quantity.errors.append(error.message)
        return render_product(catalog.find_product(sku), **{form_name: form}, code=409)
    else:
        for message in messages:
            flash(message, "success")
    return redirect(url_for("admin.product", sku=sku))


@bp.post("/products/<sku>/receive")
def receive_stock(sku: str):
    """`Receive stock`: on hand goes up and waiting orders are served first."""
    def receive(form) -> list[str | Markup]:
        ready = inventory.receive_stock(sku, form.quantity.data, form.reference.data.strip(),
                                        current_user, once=form.once.data)
        return [f"Received {form.quantity.data} x {sku}", *map(backorder_ready, ready)]

    return stock_form(sku, ReceiveStockForm(), "receive_form", receive,
                      "That receipt was already recorded")


@bp.post("/products/<sku>/adjust")
def adjust_stock(sku: str):
    """Correct on hand: a count, damage. Never below committed."""
    def adjust(form) -> list[str | Markup]:
        ready = inventory.adjust_stock(sku, form.quantity.data, form.reason.data.strip(),
                                       current_user, once=form.once.data)
        return [f"Stock of {sku} adjusted by {form.quantity.data:+}", *map(backorder_ready, ready)]

    return stock_form(sku, AdjustStockForm(), "adjust_form", adjust,
                      "That adjustment was already recorded")


@bp.get("/products/<sku>/receive")
@bp.get("/products/<sku>/adjust")
def stock_form_address(sku: str):
    """The address a stock form posts to, opened again (Enter in the address bar after a
    refused form): the product page, where the forms are."""
    return redirect(url_for("admin.product", sku=sku))
