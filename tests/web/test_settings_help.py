"""Every setting says, in one line under it, what it changes; screen readers read it out."""
import pytest

from tests.web.pages import Page

TABS = {
    "/admin/settings/sales-orders": {
        "Create backorder when backorder items": ["new backorder order", "ships or waits whole"],
        "Disable partial backorder": ["the whole order is backordered, never single lines"],
        "Keep original empty order if all items backordered": [
            "empty order holding the payment", "the order itself becomes the backorder"],
        "Release backorders automatically when stock arrives": [
            "a receipt, a stock adjustment, a cancelled order's units", "moves to New by itself",
            "A backorder that a split leaves with all its stock", "released by staff"],
        "Order ID prefix": ["N1001"],
        "Enable Backorder Suffix": ["N1354-1", "N1354-2", "takes the next order number"],
        "Approve backorders covered by a purchase order": [
            "moves to Backorder Approved by itself", "back to New Backorder",
            "on the order's timeline", "applies it to the backorders waiting now"],
        "Ask shoppers to confirm when a backorder is delayed": [
            "moves a waiting order's expected date later", "keep waiting or cancel",
            "on the order's timeline"],
    },
    "/admin/settings/web-store": {
        "Enable Out Of Stock Checkout": ["Backorder buttons"],
        "Show expected arrival date": ["say when an item is expected", "shoppers see no dates"],
    },
    "/admin/settings/payments": {
        "Charge for backordered items": ["the whole order, backordered items included",
                                         "saved for that order only", "released to New"],
        "Let shoppers choose to ship everything together": [
            "items in stock and items that must wait", "Ship what is in stock now",
            "Ship everything together", "ships whole when the rest arrives",
            "a card is charged then"],
    },
}


def help_of(page: Page, label: str) -> list[str]:
    """The texts the setting's aria-describedby points at, and that sit in its field."""
    control = page.control(label)
    ids = control.attrs.get("aria-describedby", "").split()
    return [el.text for el in control.parent.iter() if el.attrs.get("id") in ids]


@pytest.mark.parametrize("url", TABS)
def test_every_setting_has_one_line_of_help_read_with_it(admin_client, url):
    page = Page(admin_client.get(url))
    assert sorted(Page(page.form_of("Save Changes")).labels()) == sorted(TABS[url])
    for label, phrases in TABS[url].items():
        (text,) = help_of(page, label)
        for phrase in phrases:
            assert phrase in text, (label, phrase, text)


def test_a_settings_error_is_read_with_the_help(admin_client):
    response = admin_client.submit("/admin/settings/sales-orders", {"order_prefix": "N-1"})
    assert response.status_code == 400
    page = Page(response)
    ids = page.control("Order ID prefix").attrs["aria-describedby"].split()
    assert ids == ["order_prefix-error", "order_prefix-hint"]  # what to fix, then the help
    texts = help_of(page, "Order ID prefix")
    assert len(texts) == 2 and "N1001" in texts[0]
    assert texts[1] == "Use 1 to 10 letters"
    assert page.control("Order ID prefix").attrs["aria-invalid"] == "true"
