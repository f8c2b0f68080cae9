"""Products as CSV: import (upload, preview, import) and export."""
from flask import (Response, flash, redirect, render_template, request, stream_with_context,
                   url_for)
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from app.admin import bp
from app.admin.product_csv_forms import ImportForm, PreviewImportForm
from app.admin.products import backorder_ready
from app.domain.product_csv import MAX_BYTES, BadFile, shown_changes
from app.extensions import login_manager
from app.services import product_csv
from app.spreadsheet import csv_rows

IMPORT = "admin.import_products"
TOO_LARGE = f"The file is larger than {MAX_BYTES // 2**20} MB: split it into smaller files"
# Room in a request for the form's other fields and the multipart framing.
REQUEST_ROOM = 64 * 1024


@bp.url_value_preprocessor
def limit_upload(endpoint, values):
    """Read at most the largest file the import takes. This runs before any before_request
    (the CSRF check reads the body), so the limit holds from the first byte."""
    if endpoint == IMPORT:
        request.max_content_length = MAX_BYTES + REQUEST_ROOM


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error):
    """A file far past the limit: the import page says so, instead of an error page."""
    if request.endpoint != IMPORT:  # the shop's own page, as for any other too-large request
        return render_template("errors/413.html", error=error), 413
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    form = PreviewImportForm(formdata=None)
    form.csv_file.errors = [TOO_LARGE]
    return render_import(form, code=413)


def render_import(form: PreviewImportForm, preview: product_csv.Preview | None = None,
                  problem: str | None = None, code: int = 200):
    confirm = ImportForm(formdata=None, token=preview.token) if preview and preview.token \
        else None
    return render_template("admin/product_import.html", form=form, preview=preview,
                           confirm=confirm, problem=problem, shown_changes=shown_changes,
                           shown=SHOWN), code


SHOWN = 200  # rows of each kind the preview lists; the rest are counted


@bp.route("/products/import", methods=["GET", "POST"])
def import_products():
    """Upload a CSV of products, see what it would do, then import it all or nothing."""
    if request.method == "POST" and "token" in request.form:
        return _import()
    form = PreviewImportForm()
    if not form.validate_on_submit():
        return render_import(form, code=400 if form.is_submitted() else 200)
    data = form.csv_file.data.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        form.csv_file.errors.append(TOO_LARGE)
        return render_import(form, code=413)
    try:
        preview = product_csv.preview_file(data, form.csv_file.data.filename or "",
                                           current_user)
    except BadFile as error:
        form.csv_file.errors.append(error.message)
        return render_import(form, code=400)
    return render_import(PreviewImportForm(formdata=None), preview)


def _import():
    """`Import`: apply the previewed file, if it still does what its preview showed."""
    confirm = ImportForm()
    fresh_form = PreviewImportForm(formdata=None)
    if not confirm.validate_on_submit():
        return render_import(fresh_form, problem=product_csv.CLOSED, code=400)
    try:
        imported = product_csv.import_staged(confirm.token.data, current_user)
    except product_csv.StaleImport as error:
        preview = product_csv.preview_again(confirm.token.data, current_user)
        return render_import(fresh_form, preview, problem=error.message, code=409)
    except BadFile as error:  # the kept file was readable at its preview; never expected
        return render_import(fresh_form, problem=error.message, code=409)
    flash(f"Imported: {imported.added:,} added, {imported.updated:,} updated, "
          f"{imported.unchanged:,} unchanged", "success")
    for order in imported.ready:
        flash(backorder_ready(order), "success")
    return redirect(url_for("admin.products"))


@bp.get("/products/export.csv")
def export_products():
    """Every product as CSV, in the columns the import reads."""
    rows = product_csv.export_rows()
    header = next(rows)
    # The byte order mark lets Excel read the file as UTF-8; the import takes it off.
    body = stream_with_context(("\ufeff" if i == 0 else "") + chunk
                               for i, chunk in enumerate(csv_rows(header, rows)))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=products.csv"})
