"""All settings & tools, and one tab per group of settings."""
from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from app.admin import admin_required, bp
from app.admin.forms import SETTINGS_TABS
from app.services.settings import get_settings, update_settings


@bp.get("/settings")
@admin_required
def settings():
    """Setup & tools > All settings & tools: a link to each tab."""
    return render_template("admin/settings.html", tabs=SETTINGS_TABS)


@bp.route("/settings/<tab>", methods=["GET", "POST"])
@admin_required
def settings_tab(tab: str):
    """One settings tab, saved with `Save Changes`."""
    if tab not in SETTINGS_TABS:
        return render_template("errors/404.html"), 404
    title, form_class = SETTINGS_TABS[tab]
    current = get_settings()
    form = form_class(obj=current)
    if form.validate_on_submit():
        changes = {name: form[name].data for name in form.setting_names()}
        update_settings(changes, current_user)
        flash(f"{title} settings saved", "success")
        return redirect(url_for("admin.settings_tab", tab=tab))
    return render_template("admin/settings_tab.html", form=form, title=title, tab=tab), \
        (400 if form.is_submitted() else 200)
