"""The backorder report, on screen and as CSV."""
import csv
import io

from flask import Response, render_template, request

from app.admin import bp
from app.models.types import utcnow
from app.services import reports
from app.spreadsheet import safe_cell

CSV_HEADER = ["SKU", "Name", "Units waiting", "Orders", "Oldest waiting (days)", "Value",
              "Date of arrival", "Incoming", "Uncovered"]


@bp.get("/reports/backorders")
def backorder_report():
    """Units waiting per product, oldest age, value and ETA; sortable; CSV."""
    sort = request.args.get("sort", "oldest")
    rows = reports.backorder_report(sort)
    now = utcnow()
    if request.args.get("format") == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_HEADER)
        for row in rows:
            writer.writerow([safe_cell(row.sku), safe_cell(row.name), row.units_waiting,
                             row.orders, row.age_days(now), row.value,
                             row.arrival_date.isoformat() if row.arrival_date else "",
                             row.incoming, row.uncovered])
        return Response(out.getvalue(), mimetype="text/csv", headers={
            "Content-Disposition": "attachment; filename=backorders.csv"})
    return render_template("admin/backorder_report.html", rows=rows, now=now, sort=sort,
                           sorts=list(reports.SORTS))

