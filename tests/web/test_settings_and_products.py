"""Settings tabs and the product form through the pages, and the buy button they decide."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.domain.buttons import Policy
from app.extensions import db
from app.models import OrderLine, Product, SettingChange, StockMovement, User
from app.services.settings import get_settings
from tests.web.pages import Page

SETTINGS_TABS = {
    "Sales Orders & Invoices": {
        "Order Processing Rules": [
            "Create backorder when backorder items",
            "Disable partial backorder",
            "Keep original empty order if all items backordered",
            "Release backorders automatically when stock arrives",
            "Approve backorders covered by a purchase order",
            "Ask shoppers to confirm when a backorder is delayed",
        ],
        "Order Numbering": ["Order ID prefix", "Enable Backorder Suffix"],
    },
    "Web Store": {
        "Webshop Settings > Checkout Settings": ["Enable Out Of Stock Checkout",
                                                 "Show expected arrival date"],
    },
}
SWITCHES = ["create_backorder", "disable_partial_backorder", "keep_empty_parent", "auto_release",
            "order_prefix", "backorder_suffix", "out_of_stock_checkout", "show_arrival_date",
            "approve_covered", "ask_delay_confirmation"]


def settings_now(shop) -> dict:
    return shop.read(lambda: {name: getattr(get_settings(), name) for name in SWITCHES})


def setting_changes(shop) -> list[tuple]:
    """The changes staff made through the pages (the set-up's own changes have no user)."""
    def read():
        return [(c.setting, c.old_value, c.new_value, db.session.get(User, c.user_id).email)
                for c in db.session.scalars(select(SettingChange).order_by(SettingChange.id))
                if c.user_id is not None]
    return shop.read(read)


def tab_url(admin_client, title: str) -> str:
    links = Page(admin_client.get("/admin/settings")).links()
    assert title in links, f"no link to the {title} tab: {sorted(links)}"
    return links[title]


def test_all_settings_and_tools_links_each_tab(admin_client):
    page = Page(admin_client.get("/admin/settings"))
    assert "Setup & tools > All settings & tools" in page.text
    for title in SETTINGS_TABS:
        assert admin_client.get(page.links()[title]).status_code == 200


@pytest.mark.parametrize("title", SETTINGS_TABS)
def test_each_settings_tab_has_exactly_the_labels_of_the_design(admin_client, title):
    page = Page(admin_client.get(tab_url(admin_client, title)))
    form = page.form_of("Save Changes")
    expected = [label for labels in SETTINGS_TABS[title].values() for label in labels]
    assert sorted(Page(form).labels()) == sorted(expected)
    for label in expected:
        assert page.control(label)  # the label's `for` names one field
    legends = [legend.text for legend in form.find_all("legend")]
    assert legends == list(SETTINGS_TABS[title])
    for fieldset in form.find_all("fieldset"):
        legend = fieldset.find("legend").text
        assert sorted(Page(fieldset).labels()) == sorted(SETTINGS_TABS[title][legend])
    assert page.button_texts().count("Save Changes") == 1


def test_every_switch_starts_off_with_prefix_n(admin_client):
    for title in SETTINGS_TABS:
        page = Page(admin_client.get(tab_url(admin_client, title)))
        for label in (label for labels in SETTINGS_TABS[title].values() for label in labels):
            control = page.control(label)
            if control.attrs.get("type") == "checkbox":
                assert "checked" not in control.attrs, label
    page = Page(admin_client.get(tab_url(admin_client, "Sales Orders & Invoices")))
    assert page.value("Order ID prefix") == "N"


def test_saving_one_tab_changes_its_settings_and_logs_each_change(admin_client, shop):
    shop.settings(out_of_stock_checkout=True, auto_release=True)
    url = tab_url(admin_client, "Sales Orders & Invoices")
    data = Page(admin_client.get(url)).form_data("Save Changes")
    data.update(create_backorder="y", keep_empty_parent="y", order_prefix="SO")
    data.pop("auto_release")  # unticked

    response = admin_client.submit(url, data)

    assert response.status_code == 302
    assert settings_now(shop) == {
        "create_backorder": True, "disable_partial_backorder": False, "keep_empty_parent": True,
        "auto_release": False, "order_prefix": "SO", "backorder_suffix": False,
        "out_of_stock_checkout": True, "show_arrival_date": False,
        "approve_covered": False, "ask_delay_confirmation": False}
    assert sorted(setting_changes(shop)) == [
        ("auto_release", "True", "False", "admin@example.com"),
        ("create_backorder", "False", "True", "admin@example.com"),
        ("keep_empty_parent", "False", "True", "admin@example.com"),
        ("order_prefix", "N", "SO", "admin@example.com"),
    ]
    page = Page(admin_client.get(url))
    assert "Sales Orders & Invoices settings saved" in page.flashes()
    assert "checked" in page.control("Create backorder when backorder items").attrs
    release = page.control("Release backorders automatically when stock arrives")
    assert "checked" not in release.attrs
    assert page.value("Order ID prefix") == "SO"


def test_saving_a_tab_unchanged_logs_nothing(admin_client, shop):
    url = tab_url(admin_client, "Web Store")
    data = Page(admin_client.get(url)).form_data("Save Changes")
    assert admin_client.submit(url, data).status_code == 302
    assert setting_changes(shop) == []


def test_the_new_order_prefix_numbers_the_next_order(admin_client, shop):
    url = tab_url(admin_client, "Sales Orders & Invoices")
    admin_client.submit(url, {"order_prefix": "SO"})
    shop.product("PRE-1", on_hand=2)
    reference = shop.order({"PRE-1": 1})[0]
    assert reference.startswith("SO") and reference[2:].isdigit()


def test_web_store_tab_saves_only_its_own_switches(admin_client, shop):
    shop.settings(create_backorder=True)
    url = tab_url(admin_client, "Web Store")
    admin_client.submit(url, {"out_of_stock_checkout": "y", "show_arrival_date": "y",
                              "create_backorder": "", "order_prefix": "ZZ"})
    now = settings_now(shop)
    assert (now["out_of_stock_checkout"], now["show_arrival_date"]) == (True, True)
    assert (now["create_backorder"], now["order_prefix"]) == (True, "N")
    assert sorted(change[0] for change in setting_changes(shop)) == [
        "out_of_stock_checkout", "show_arrival_date"]


# --- The product form -----------------------------------------------------------------

PRODUCT_LABELS = ["SKU", "Name", "Price", "On hand", "Backorders", "Date of arrival",
                  "Backorder limit"]


def product_row(shop, sku: str) -> dict | None:
    def read():
        p = db.session.scalar(select(Product).where(Product.sku == sku))
        return None if p is None else {
            "name": p.name, "description": p.description, "price": p.price, "on_hand": p.on_hand,
            "committed": p.committed, "waiting": p.waiting, "policy": p.backorder_policy,
            "arrival": p.arrival_date, "limit": p.backorder_limit}
    return shop.read(read)


def test_product_form_has_the_labels_of_the_design(admin_client):
    page = Page(admin_client.get("/admin/products/new"))
    form = page.form("/admin/products/new")
    for label in PRODUCT_LABELS:
        assert form.control(label)
    assert form.options("Backorders") == ["Use store setting", "Always allow", "Never allow"]
    assert form.control("Date of arrival").attrs.get("type") == "date"
    assert "Save" in form.button_texts()


def test_product_page_has_the_receive_stock_labels(admin_client, shop):
    shop.product("LAB-1", on_hand=1)
    page = Page(admin_client.get("/admin/products/LAB-1"))
    receive = page.form("/admin/products/LAB-1/receive")
    assert receive.control("Quantity") and receive.control("Reference")
    assert receive.button_texts() == ["Receive stock"]
    for label in PRODUCT_LABELS:
        assert page.form("/admin/products/LAB-1").control(label)


def test_every_label_on_the_product_page_names_a_field_of_its_own(admin_client, shop):
    """Two forms on one page must not share ids: a label would focus the other form's field."""
    shop.product("LAB-1", on_hand=1)
    page = Page(admin_client.get("/admin/products/LAB-1"))
    targets = [label.attrs["for"] for label in page.root.find_all("label") if "for" in label.attrs]
    assert len(targets) == len(set(targets)), sorted(targets)
    for label in ("Quantity", "Reference", "Change", "Reason"):
        page.control(label)


def test_every_label_on_the_order_page_names_a_field_of_its_own(admin_client, shop):
    shop.product("LAB-1", on_hand=1)
    reference, _ = shop.order({"LAB-1": 1})
    page = Page(admin_client.get(f"/admin/orders/{reference}"))
    targets = [label.attrs["for"] for label in page.root.find_all("label") if "for" in label.attrs]
    assert len(targets) == len(set(targets)), sorted(targets)
    ids = [i for i in page.ids() if i in targets]
    assert len(ids) == len(set(ids)), sorted(ids)


def test_a_product_is_added_through_the_form(admin_client, shop):
    response = admin_client.submit("/admin/products/new", {
        "sku": "FORM-1", "name": "Gooseneck kettle", "description": "Pours slowly.",
        "price": "129.00", "on_hand": "4", "backorder_policy": "Always allow",
        "arrival_date": "2031-03-15", "backorder_limit": "5"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/products/FORM-1")
    assert product_row(shop, "FORM-1") == {
        "name": "Gooseneck kettle", "description": "Pours slowly.", "price": Decimal("129.00"),
        "on_hand": 4, "committed": 0, "waiting": 0, "policy": Policy.ALWAYS,
        "arrival": date(2031, 3, 15), "limit": 5}
    page = Page(admin_client.get("/admin/products/FORM-1"))
    assert "FORM-1 added" in page.flashes()
    form = page.form("/admin/products/FORM-1")
    assert [form.value(label) for label in PRODUCT_LABELS] == [
        "FORM-1", "Gooseneck kettle", "129.00", "4", "Always allow", "2031-03-15", "5"]
    ledger = shop.read(lambda: [(m.reason, m.on_hand_delta) for m in
                                db.session.scalars(select(StockMovement))])
    assert ledger == [("opening stock", 4)]


def test_a_product_is_edited_through_the_form(admin_client, shop):
    shop.product("EDIT-1", on_hand=2, price="5.00")
    data = Page(admin_client.get("/admin/products/EDIT-1")).form_data("Save")
    data.update(name="Renamed", price="7.50", backorder_policy="Never allow",
                arrival_date="2031-01-02", backorder_limit="3", on_hand="6")
    response = admin_client.submit("/admin/products/EDIT-1", data)
    assert response.status_code == 302
    assert product_row(shop, "EDIT-1") == {
        "name": "Renamed", "description": "", "price": Decimal("7.50"), "on_hand": 6,
        "committed": 0, "waiting": 0, "policy": Policy.NEVER, "arrival": date(2031, 1, 2),
        "limit": 3}
    assert "EDIT-1 saved" in Page(admin_client.get("/admin/products/EDIT-1")).flashes()


def test_clearing_optional_fields_clears_them(admin_client, shop):
    shop.product("EDIT-1", on_hand=2, limit=4, arrival=date(2031, 1, 1))
    data = Page(admin_client.get("/admin/products/EDIT-1")).form_data("Save")
    data.update(arrival_date="", backorder_limit="")
    admin_client.submit("/admin/products/EDIT-1", data)
    row = product_row(shop, "EDIT-1")
    assert (row["arrival"], row["limit"]) == (None, None)


def test_a_product_sku_is_changed_through_the_form(admin_client, shop):
    shop.product("OLD-1", on_hand=2)
    data = Page(admin_client.get("/admin/products/OLD-1")).form_data("Save")
    response = admin_client.submit("/admin/products/OLD-1", {**data, "sku": "NEW-1"})
    assert response.headers["Location"].endswith("/admin/products/NEW-1")
    assert product_row(shop, "OLD-1") is None
    assert product_row(shop, "NEW-1")["on_hand"] == 2
    assert admin_client.get("/admin/products/OLD-1").status_code == 404


def test_raising_on_hand_in_the_form_serves_waiting_orders_first(admin_client, shop):
    shop.product("WAIT-1", on_hand=0, policy=Policy.ALWAYS)
    shop.order({"WAIT-1": 2})
    data = Page(admin_client.get("/admin/products/WAIT-1")).form_data("Save")
    admin_client.submit("/admin/products/WAIT-1", {**data, "on_hand": "5"})
    row = product_row(shop, "WAIT-1")
    assert (row["on_hand"], row["committed"], row["waiting"]) == (5, 2, 0)
    lines = shop.read(lambda: [(l.quantity, l.allocated)
                               for l in db.session.scalars(select(OrderLine))])
    assert lines == [(2, 2)]


def test_receiving_stock_through_the_form_raises_on_hand_and_serves_waiting_orders(
        admin_client, shop):
    shop.product("REC-1", on_hand=0, policy=Policy.ALWAYS)
    shop.order({"REC-1": 3})
    response = admin_client.submit("/admin/products/REC-1/receive",
                                   {"quantity": "5", "reference": "PO-77"})
    assert response.status_code == 302
    row = product_row(shop, "REC-1")
    assert (row["on_hand"], row["committed"], row["waiting"]) == (5, 3, 0)
    page = Page(admin_client.get("/admin/products/REC-1"))
    assert "Received 5 x REC-1" in page.flashes()
    ledger = [row[1:] for row in page.table_rows("stock movements of REC-1")]
    # The last column names the order the units went to.
    assert ["receipt", "+5", "+0", "+0", "PO-77", ""] in ledger
    assert ["allocate", "+0", "+3", "-3", "PO-77", "N1001"] in ledger


def test_adjusting_stock_through_the_form_lowers_on_hand(admin_client, shop):
    shop.product("ADJ-1", on_hand=5)
    response = admin_client.submit("/admin/products/ADJ-1/adjust",
                                   {"quantity": "-2", "reason": "damaged"})
    assert response.status_code == 302
    assert product_row(shop, "ADJ-1")["on_hand"] == 3
    page = Page(admin_client.get("/admin/products/ADJ-1"))
    assert "Stock of ADJ-1 adjusted by -2" in page.flashes()


# --- The buy button, end to end -------------------------------------------------------

BUTTONS = [
    # out of stock checkout, product Backorders, on hand, limit, units already waiting, button
    (False, "Use store setting", 5, "", 0, "Add to Cart"),
    (False, "Never allow", 5, "", 0, "Add to Cart"),
    (False, "Use store setting", 0, "", 0, "Out Of Stock"),
    (True, "Use store setting", 0, "", 0, "Backorder"),
    (False, "Always allow", 0, "", 0, "Backorder"),
    (True, "Never allow", 0, "", 0, "Out Of Stock"),
    (True, "Use store setting", 0, "2", 1, "Backorder"),
    (True, "Use store setting", 0, "2", 2, "Out Of Stock"),
    (False, "Always allow", 0, "3", 3, "Out Of Stock"),
    (False, "Always allow", 0, "0", 0, "Out Of Stock"),
]


@pytest.mark.parametrize("store_allows, policy, on_hand, limit, waiting, expected", BUTTONS)
def test_buy_button_follows_settings_policy_and_limit(admin_client, shop, store_allows, policy,
                                                      on_hand, limit, waiting, expected):
    shop.product("BUY-1", on_hand=0, policy=Policy.ALWAYS, name="Teapot")
    if waiting:
        shop.order({"BUY-1": waiting})
    admin_client.submit(tab_url(admin_client, "Web Store"),
                        {"out_of_stock_checkout": "y"} if store_allows else {})
    data = Page(admin_client.get("/admin/products/BUY-1")).form_data("Save")
    response = admin_client.submit("/admin/products/BUY-1", {
        **data, "backorder_policy": policy, "on_hand": str(on_hand), "backorder_limit": limit})
    assert response.status_code == 302

    product_page = Page(admin_client.get("/products/BUY-1")).form("/cart/add/BUY-1")
    catalogue = Page(admin_client.get("/")).form("/cart/add/BUY-1")
    for page in (product_page, catalogue):
        (button,) = [b for b in page.buttons() if b.text in ("Add to Cart", "Backorder",
                                                             "Out Of Stock")]
        assert button.text == expected
        assert ("disabled" in button.attrs) == (expected == "Out Of Stock")

    added = admin_client.submit("/cart/add/BUY-1", {"quantity": "1"})
    with admin_client.session_transaction() as session:
        cart = session.get("cart", {})
    if expected == "Out Of Stock":
        assert added.status_code == 400
        assert "Teapot is out of stock" in Page(added).errors("Quantity")
        assert cart == {}
    else:
        assert added.status_code == 302
        assert cart == {"BUY-1": 1}


def test_the_backorder_button_and_cart_show_the_date_of_arrival_when_set(admin_client, shop):
    shop.product("ETA-1", on_hand=0, policy=Policy.ALWAYS, arrival=date(2031, 3, 15))
    assert "Expected 15 Mar 2031" not in Page(admin_client.get("/products/ETA-1"))
    admin_client.submit(tab_url(admin_client, "Web Store"), {"show_arrival_date": "y"})
    assert "Expected 15 Mar 2031" in Page(admin_client.get("/products/ETA-1"))
    admin_client.submit("/cart/add/ETA-1", {"quantity": "2"})
    cart = Page(admin_client.get("/cart"))
    assert "2 on backorder" in cart.text
    assert "expected 15 Mar 2031" in cart.text


def test_the_cart_shows_units_shipping_now_and_on_backorder(client, shop):
    # A split at checkout ships the units in stock now (without one, the order waits whole).
    shop.settings(create_backorder=True)
    shop.product("MIX-1", on_hand=2, policy=Policy.ALWAYS, name="Kettle")
    client.submit("/cart/add/MIX-1", {"quantity": "5"})
    rows = Page(client.get("/cart")).table_rows("cart")
    assert rows[0][0] == "Kettle"
    assert rows[0][3:5] == ["2", "3 on backorder"]
