"""The checkout form lets the browser help: an email field, and autocomplete on every field."""
import pytest

from tests.web.pages import Page


@pytest.mark.parametrize("label, tag, kind, autocomplete", [
    ("Name", "input", "text", "name"),
    ("Email", "input", "email", "email"),
    ("Address", "textarea", None, "street-address"),
    ("Payment method", "select", None, "off"),
])
def test_each_checkout_field_tells_the_browser_what_it_holds(client, shop, label, tag, kind,
                                                             autocomplete):
    shop.product("TEA-1", on_hand=5)
    client.submit("/cart/add/TEA-1", {"quantity": "1"})
    control = Page(client.get("/checkout")).control(label)
    assert (control.tag, control.attrs.get("type"), control.attrs.get("autocomplete")) == \
        (tag, kind, autocomplete)
