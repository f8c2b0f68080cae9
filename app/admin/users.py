"""Staff accounts (Admins only): the accounts, adding one, changing a role, deactivating,
reactivating, resetting a password, and the audit list of those changes."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.admin import admin_required, bp
from app.admin.users_forms import ROLE_CHOICES, AccountForm, AddAccountForm, RoleForm
from app.domain.errors import AlreadySubmitted, DomainError
from app.domain.staff import Change, Role, normal_email, row_buttons
from app.services import staff

# The buttons on an account's row: the path's last part -> the change it asks for.
ACTIONS = {"role": Change.ROLE, "deactivate": Change.DEACTIVATE,
           "reactivate": Change.REACTIVATE, "reset-password": Change.RESET_PASSWORD}
BUTTONS = {change: (action, label) for (action, change), label in zip(
    ACTIONS.items(), ["Change role", "Deactivate", "Reactivate", "Reset password"])}
MAX_ID = 2**31 - 1  # an INTEGER column's largest value: beyond it no account exists


def _page(add_form: AddAccountForm, status: int = 200, refused: dict | None = None,
          issued: staff.Issued | None = None):
    """The staff accounts page; `refused` puts a message on one account's row, `issued`
    shows a one-time link (only in this response: it is kept nowhere in clear)."""
    audit = staff.audit_page(request.args.get("page", 1, type=int),
                             current_app.config["ADMIN_PAGE_SIZE"])
    accounts, me = staff.accounts(), current_user.account()
    buttons = {account.id: [BUTTONS[change] for change in row_buttons(me, account.account())]
               for account in accounts}
    response = current_app.make_response((render_template(
        "admin/users.html", add_form=add_form, accounts=accounts, audit=audit,
        roles=ROLE_CHOICES, refused=refused or {}, issued=issued, buttons=buttons), status))
    if issued is not None:
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/users")
@admin_required
def users():
    """Every staff account, a form to add one, and the changes made to accounts."""
    return _page(AddAccountForm(formdata=None))


@bp.post("/users")
@admin_required
def add_account():
    """Add an account: it gets a one-time link to set its password (shown and emailed)."""
    form = AddAccountForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    try:
        issued = staff.add_account(form.email.data, Role(form.role.data), current_user.id,
                                   form.once.data)
    except AlreadySubmitted:
        flash(f"This form already added {normal_email(form.email.data)}: its link was emailed "
              "to it, and Reset password on its row gives a new one", "info")
        return redirect(url_for("admin.users"))
    except DomainError as error:
        getattr(form, error.field if error.field in form else "email").errors.append(
            error.message)
        return _page(form, 409)
    flash(f"Added {issued.email} as {Role(form.role.data).label}", "success")
    return _page(AddAccountForm(formdata=None), issued=issued)


@bp.post("/users/<int:user_id>/<action>")
@admin_required
def change_account(user_id: int, action: str):
    """One button on an account's row: Change role, Deactivate, Reactivate, Reset password."""
    change = ACTIONS.get(action)
    if change is None or user_id > MAX_ID:
        abort(404)
    form = RoleForm() if change is Change.ROLE else AccountForm()
    if not form.validate_on_submit():
        field = "role" if form.errors.get("role") else "form"
        message = (form.errors.get("role") or ["This page is out of date: reload it and try "
                                                "again"])[0]
        return _page(AddAccountForm(formdata=None), 400,
                     refused={"user_id": user_id, "field": field, "message": message})
    version, me = int(form.version.data), current_user.id
    try:
        if change is Change.ROLE:
            role = Role(form.role.data)
            account = staff.change_role(user_id, version, role, me)
            done = f"{account.email} is now {role.label}"
        elif change is Change.DEACTIVATE:
            done = f"Deactivated {staff.deactivate(user_id, version, me).email}: signed out"
        elif change is Change.REACTIVATE:
            done = f"Reactivated {staff.reactivate(user_id, version, me).email}"
        else:
            issued = staff.reset_password(user_id, version, me)
            flash(f"Reset the password of {issued.email}: signed out", "success")
            return _page(AddAccountForm(formdata=None), issued=issued)
    except staff.NoSuchAccount:
        abort(404)
    except DomainError as error:
        return _page(AddAccountForm(formdata=None), 409, refused={
            "user_id": user_id, "field": error.field or "form", "message": error.message})
    flash(done, "success")
    if change is Change.ROLE and user_id == me and role is not Role.ADMIN:
        return redirect(url_for("admin.home"))  # no longer an Admin: this page is closed
    return redirect(url_for("admin.users"))
