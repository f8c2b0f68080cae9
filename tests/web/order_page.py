"""The staff order page as a person uses it: open it, fill fields by label, press buttons,
and read back the Order Line Details pane, the totals, related orders and the timeline.

Shared by the tests/web/test_order_*.py files.
"""
from tests.web.pages import Page

NOT_SPLITTABLE = "Only orders with New or On Hold status can have order lines in backorder"
BACKORDERS_OFF = "Turn on 'Create backorder when backorder items' to put order lines on backorder"
STALE = "This order changed since you opened it"


def open_order(client, reference: str) -> Page:
    response = client.get(f"/admin/orders/{reference}")
    assert response.status_code == 200
    return Page(response)


def press(client, page: Page, button: str, **by_label):
    """Press a button after filling the fields of its form, found by their labels."""
    form = page.form_of(button)
    data = page.form_data(button)
    for label, value in by_label.items():
        data[page.control(label).attrs["name"]] = str(value)
    return client.submit(form.attrs["action"], data)


def save(client, reference: str, page: Page | None = None, **by_label):
    """Press Save on the order page (opened now unless given) after filling fields by label."""
    return press(client, page or open_order(client, reference), "Save", **by_label)


def listed(client, url: str) -> list[str]:
    """The order references a list page shows, top to bottom."""
    response = client.get(url)
    assert response.status_code == 200
    return [row[0] for row in Page(response).table_rows("Orders") if row[0] != "No orders."]


def totals(page: Page) -> dict[str, str]:
    section = page.root.find("section", aria_labelledby="totals-title")
    terms = [dt.text for dt in section.find_all("dt")]
    return dict(zip(terms, [dd.text for dd in section.find_all("dd")]))


def related(page: Page) -> str:
    return section(page, "related-title")


def timeline(page: Page) -> str:
    return section(page, "timeline-title")


def line_rows(page: Page) -> list[list[str]]:
    """SKU, name, Qty, BKO, allocated, unit price, subtotal (inputs as their values)."""
    table = page.root.find("table", **{"class": "lines"})
    rows = []
    for tr in table.find("tbody").find_all("tr"):
        cells = []
        for td in tr.find_all("td"):
            field = td.find("input")
            cells.append(field.attrs.get("value", "") if field is not None else td.text)
        rows.append(cells)
    return rows


def status_options(page: Page) -> list[str]:
    return page.options("Status")


def section(page: Page, title_id: str) -> str:
    """The text of the page's section labelled by the heading with this id."""
    return page.root.find("section", aria_labelledby=title_id).text
