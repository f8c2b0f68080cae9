"""Reading and posting the staff order pages as a person would, for the order tests."""
from tests.web.pages import Page


def open_order(client, reference: str) -> Page:
    response = client.get(f"/admin/orders/{reference}")
    assert response.status_code == 200
    return Page(response)


def press(client, page: Page, button: str, **by_label):
    """Press a button after filling the fields of its form found by their labels."""
    form = page.form_of(button)
    data = page.form_data(button)
    for label, value in by_label.items():
        data[page.control(label).attrs["name"]] = str(value)
    return client.submit(form.attrs["action"], data)


def save(client, reference: str, **by_label):
    """Open the order page and press Save after filling fields by their labels."""
    return press(client, open_order(client, reference), "Save", **by_label)


def listed(client, url: str) -> list[str]:
    """The order references a list page shows, top to bottom."""
    response = client.get(url)
    assert response.status_code == 200
    return [row[0] for row in Page(response).table_rows("Orders") if row[0] != "No orders."]


def section(page: Page, title_id: str) -> str:
    return page.root.find("section", aria_labelledby=title_id).text


def totals(page: Page) -> dict[str, str]:
    found = page.root.find("section", aria_labelledby="totals-title")
    terms = [dt.text for dt in found.find_all("dt")]
    return dict(zip(terms, [dd.text for dd in found.find_all("dd")]))
