"""The admin home: what needs attention, and the backorder chart."""
from flask import render_template

from app.admin import bp
from app.admin.charts import bar_chart
from app.services import orders_read, reports


@bp.get("/")
def home():
    """Counts per status and units waiting on backorder over the last 30 days."""
    history = reports.waiting_history(30)
    return render_template("admin/home.html", counts=orders_read.status_counts(),
                           chart=bar_chart(history), history=history)
