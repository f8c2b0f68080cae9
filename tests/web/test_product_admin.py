"""The product page as staff use it: the on-hand limit, the stock ledger, the news of a
backorder made ready, the admin search, and the addresses the stock forms post to."""
import pytest
from sqlalchemy import func, select, update

from app.domain.buttons import Policy
from app.domain.stock import MAX_ON_HAND
from app.extensions import db
from app.models import Product
from tests.web.pages import Page

FULL = f"On hand cannot go above {MAX_ON_HAND:,} units"


def set_on_hand(shop, sku: str, on_hand: int) -> None:
    """Put a figure straight into the database, as data saved before the limit held."""
    def write():
        db.session.execute(update(Product).where(Product.sku == sku).values(on_hand=on_hand))
        db.session.commit()
    shop.read(write)


def save_unchanged(client, sku: str):
    data = Page(client.get(f"/admin/products/{sku}")).form_data("Save")
    return client.submit(f"/admin/products/{sku}", data)


# --- One on-hand limit for every form and the service -----------------------------------

def test_a_receipt_that_would_take_on_hand_past_the_limit_is_refused(admin_client, shop,
                                                                      snapshot):
    shop.product("BIG-1", on_hand=MAX_ON_HAND - 5)
    before = snapshot()
    response = admin_client.submit("/admin/products/BIG-1/receive",
                                    {"quantity": "6", "reference": "PO-1"})
    assert response.status_code == 409
    errors = Page(response).form("/admin/products/BIG-1/receive").errors("Quantity")
    assert errors == [f"{FULL}: add at most 5 more"]
    assert snapshot() == before


def test_a_product_can_be_saved_at_whatever_on_hand_receipts_reach(admin_client, shop):
    shop.product("BIG-1", on_hand=MAX_ON_HAND - 5)
    for quantity in (MAX_ON_HAND, 6, 5):  # as much as the form takes, one too many, the rest
        admin_client.submit("/admin/products/BIG-1/receive",
                            {"quantity": str(quantity), "reference": f"PO-{quantity}"})
    assert shop.read(lambda: db.session.scalar(
        select(Product.on_hand).where(Product.sku == "BIG-1"))) == MAX_ON_HAND
    response = save_unchanged(admin_client, "BIG-1")
    assert response.status_code == 302
    assert "BIG-1 saved" in Page(admin_client.get("/admin/products/BIG-1")).flashes()


def test_a_full_product_refuses_even_one_more_unit(admin_client, shop, snapshot):
    shop.product("BIG-1", on_hand=MAX_ON_HAND)
    before = snapshot()
    response = admin_client.submit("/admin/products/BIG-1/receive",
                                   {"quantity": "1", "reference": "PO-1"})
    assert response.status_code == 409
    assert Page(response).form("/admin/products/BIG-1/receive").errors("Quantity") == [
        f"{FULL}: this product is full"]
    assert snapshot() == before


def test_an_adjustment_that_would_take_on_hand_past_the_limit_is_refused(admin_client, shop,
                                                                          snapshot):
    shop.product("BIG-1", on_hand=MAX_ON_HAND - 1)
    before = snapshot()
    response = admin_client.submit("/admin/products/BIG-1/adjust",
                                   {"quantity": "2", "reason": "count"})
    assert response.status_code == 409
    assert Page(response).form("/admin/products/BIG-1/adjust").errors("Change") == [
        f"{FULL}: add at most 1 more"]
    assert snapshot() == before


def test_a_product_saved_above_the_limit_earlier_keeps_its_figure_when_saved(admin_client,
                                                                              shop, snapshot):
    shop.product("OLD-1", on_hand=3)
    set_on_hand(shop, "OLD-1", MAX_ON_HAND + 500)
    data = Page(admin_client.get("/admin/products/OLD-1")).form_data("Save")
    assert data["on_hand"] == str(MAX_ON_HAND + 500)
    assert admin_client.submit("/admin/products/OLD-1", {**data, "name": "Renamed"}) \
        .status_code == 302
    assert shop.read(lambda: db.session.scalar(
        select(Product.name).where(Product.sku == "OLD-1"))) == "Renamed"
    # A change of that figure must come within the limit.
    before = snapshot()
    response = admin_client.submit("/admin/products/OLD-1",
                                   {**data, "on_hand": str(MAX_ON_HAND + 501)})
    assert response.status_code == 400
    assert Page(response).form("/admin/products/OLD-1").errors("On hand") == [
        f"Enter a whole number from 0 to {MAX_ON_HAND:,}"]
    assert snapshot() == before


def test_the_product_form_takes_on_hand_up_to_the_limit(admin_client, shop):
    shop.product("EDIT-1", on_hand=1)
    data = Page(admin_client.get("/admin/products/EDIT-1")).form_data("Save")
    assert admin_client.submit("/admin/products/EDIT-1", {**data, "on_hand": str(MAX_ON_HAND)}) \
        .status_code == 302
    refused = admin_client.submit("/admin/products/EDIT-1",
                                  {**data, "on_hand": str(MAX_ON_HAND + 1)})
    assert refused.status_code == 400


# --- Admin search, on SQLite as on PostgreSQL --------------------------------------------

def test_the_products_search_finds_accented_names_in_any_case(admin_client, shop):
    shop.product("TEA-V", name="Thé vert")
    shop.product("TEA-N", name="Thermos")
    for query in ("THÉ", "thé", "Thé", "THÉ VERT"):
        rows = Page(admin_client.get("/admin/products", query_string={"q": query})) \
            .table_rows("Products")
        assert [row[:2] for row in rows] == [["TEA-V", "Thé vert"]], query


@pytest.mark.parametrize("query, found", [
    ("100%", ["COT-100"]),
    ("A_B", ["A_B-1"]),
    ("\\", ["SLASH-1"]),
])
def test_the_products_search_takes_percent_underscore_and_backslash_as_typed(
        admin_client, shop, query, found):
    shop.product("COT-100", name="100% cotton")
    shop.product("COT-1000", name="1000 cotton threads")
    shop.product("A_B-1", name="Tea")
    shop.product("AXB-1", name="Tea")
    shop.product("SLASH-1", name="Back\\slash tea")
    rows = Page(admin_client.get("/admin/products", query_string={"q": query})) \
        .table_rows("Products")
    assert [row[0] for row in rows] == found


def test_lower_in_sql_lowers_more_than_ascii(ctx):
    assert db.session.scalar(select(func.lower("ÉCLAIR ÀÖ Straße"))) == "éclair àö straße"
    assert db.session.scalar(select(func.lower(None))) is None


# --- The stock ledger ---------------------------------------------------------------------

def ledger(client, sku: str) -> list[list[str]]:
    """The ledger rows without their time: reason, on hand, committed, waiting, reference,
    order."""
    return [row[1:] for row in Page(client.get(f"/admin/products/{sku}"))
            .table_rows(f"stock movements of {sku}")]


def test_the_ledger_links_each_row_to_its_order(admin_client, shop):
    shop.product("TEA-1", on_hand=0, policy=Policy.ALWAYS)
    first, _ = shop.order({"TEA-1": 2})
    admin_client.submit("/admin/products/TEA-1/receive", {"quantity": "2", "reference": "PO-9"})
    page = Page(admin_client.get("/admin/products/TEA-1"))
    assert page.table_rows("stock movements of TEA-1")[0][1:] == [
        "allocate", "+0", "+2", "-2", "PO-9", first]
    table = next(t for t in page.root.find_all("table")
                 if "stock movements" in t.find("caption").text)
    links = [(a.text, a.attrs["href"]) for a in table.find_all("a")]
    assert links == [(first, f"/admin/orders/{first}"), (first, f"/admin/orders/{first}")]


def test_an_adjustments_reason_shows_as_its_reason_not_as_a_reference(admin_client, shop):
    shop.product("TEA-1", on_hand=5)
    admin_client.submit("/admin/products/TEA-1/adjust", {"quantity": "-2", "reason": "damaged"})
    assert ledger(admin_client, "TEA-1")[0] == ["adjustment: damaged", "-2", "+0", "+0", "", ""]


def test_units_an_adjustment_adds_serve_waiting_orders_under_its_reason(admin_client, shop):
    shop.product("TEA-1", on_hand=0, policy=Policy.ALWAYS)
    reference, _ = shop.order({"TEA-1": 1})
    admin_client.submit("/admin/products/TEA-1/adjust",
                        {"quantity": "3", "reason": "found in a count"})
    assert ledger(admin_client, "TEA-1")[:2] == [
        ["allocate: found in a count", "+0", "+1", "-1", "", reference],
        ["adjustment: found in a count", "+3", "+0", "+0", "", ""]]


def test_on_hand_changed_in_the_product_form_is_an_adjustment_saying_so(admin_client, shop):
    shop.product("TEA-1", on_hand=5)
    data = Page(admin_client.get("/admin/products/TEA-1")).form_data("Save")
    admin_client.submit("/admin/products/TEA-1", {**data, "on_hand": "4"})
    assert ledger(admin_client, "TEA-1")[0] == [
        "adjustment: set in the product form", "-1", "+0", "+0", "", ""]


def test_the_ledger_reads_in_the_same_statements_for_one_order_or_many(admin_client, shop,
                                                                       count_queries):
    shop.product("TEA-1", on_hand=0, policy=Policy.ALWAYS)
    shop.order({"TEA-1": 1})

    def measure() -> int:
        with count_queries() as counter:
            assert admin_client.get("/admin/products/TEA-1").status_code == 200
        return counter.count
    one = measure()
    for _ in range(12):
        shop.order({"TEA-1": 1})
    admin_client.submit("/admin/products/TEA-1/receive", {"quantity": "13", "reference": "PO-1"})
    assert len({row[5] for row in ledger(admin_client, "TEA-1")}) == 13 + 1  # and no order
    assert measure() == one


# --- Receiving stock that completes a backorder -----------------------------------------

def backorder_waiting_for(shop, sku: str) -> str:
    """A backorder of 2 x `sku` that a split left waiting for stock."""
    shop.product("CUP-1", on_hand=5)
    shop.product(sku, on_hand=0, policy=Policy.ALWAYS)
    shop.settings(create_backorder=True)
    _, backorder = shop.order({"CUP-1": 1, sku: 2})
    assert backorder is not None
    return backorder


def flash_links(page: Page) -> list[tuple[str, str, str]]:
    return [(p.text, a.text, a.attrs["href"]) for p in page.root.find_all("p")
            if p.has_class("flash") for a in p.find_all("a")]


def test_the_news_of_a_backorder_ready_links_to_it(admin_client, shop):
    backorder = backorder_waiting_for(shop, "TEA-1")
    admin_client.submit("/admin/products/TEA-1/receive", {"quantity": "2", "reference": "PO-1"})
    page = Page(admin_client.get("/admin/products/TEA-1"))
    assert flash_links(page) == [(f"Backorder {backorder} has all its stock: mark it as New",
                                  backorder, f"/admin/orders/{backorder}")]


def test_the_news_of_a_backorder_released_links_to_it(admin_client, shop):
    backorder = backorder_waiting_for(shop, "TEA-1")
    shop.settings(auto_release=True)
    admin_client.submit("/admin/products/TEA-1/receive", {"quantity": "2", "reference": "PO-1"})
    page = Page(admin_client.get("/admin/products/TEA-1"))
    assert flash_links(page) == [
        (f"Backorder {backorder} has all its stock and is released to New",
         backorder, f"/admin/orders/{backorder}")]


def test_an_adjustment_that_completes_a_backorder_says_so_too(admin_client, shop):
    backorder = backorder_waiting_for(shop, "TEA-1")
    admin_client.submit("/admin/products/TEA-1/adjust", {"quantity": "2", "reason": "count"})
    page = Page(admin_client.get("/admin/products/TEA-1"))
    assert "Stock of TEA-1 adjusted by +2" in page.flashes()
    assert flash_links(page) == [(f"Backorder {backorder} has all its stock: mark it as New",
                                  backorder, f"/admin/orders/{backorder}")]


def test_on_hand_raised_in_the_product_form_that_completes_a_backorder_says_so(admin_client,
                                                                              shop):
    backorder = backorder_waiting_for(shop, "TEA-1")
    data = Page(admin_client.get("/admin/products/TEA-1")).form_data("Save")
    assert admin_client.submit("/admin/products/TEA-1", {**data, "on_hand": "2"}) \
        .status_code == 302
    page = Page(admin_client.get("/admin/products/TEA-1"))
    assert page.flashes()[0] == "TEA-1 saved"
    assert flash_links(page) == [(f"Backorder {backorder} has all its stock: mark it as New",
                                  backorder, f"/admin/orders/{backorder}")]


# --- The addresses the stock forms post to ----------------------------------------------

def test_opening_a_stock_forms_address_goes_to_the_product_page(admin_client, shop):
    shop.product("TEA-1", on_hand=1)
    refused = admin_client.submit("/admin/products/TEA-1/receive", {"quantity": "0"})
    assert refused.status_code == 400  # the address bar now shows .../receive
    for action in ("receive", "adjust"):
        response = admin_client.get(f"/admin/products/TEA-1/{action}")
        assert response.status_code == 302
        assert response.headers["Location"] == "/admin/products/TEA-1"


def test_a_stock_forms_address_still_needs_sign_in(client, shop):
    shop.product("TEA-1", on_hand=1)
    response = client.get("/admin/products/TEA-1/receive")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login")


# --- What each way of changing stock is for -----------------------------------------------

def hint(page: Page, label: str) -> str:
    """The help a field's aria-describedby points at."""
    ids = page.control(label).attrs.get("aria-describedby", "").split()
    texts = [el.text for el in page.root.iter() if el.attrs.get("id") in ids
             and el.has_class("hint")]
    assert len(texts) == 1, f"{label}: {texts}"
    return texts[0]


def test_the_product_page_says_what_receive_adjust_and_on_hand_are_for(admin_client, shop):
    shop.product("TEA-1", on_hand=1)
    page = Page(admin_client.get("/admin/products/TEA-1"))
    assert "Receive stock" in hint(page, "On hand") and "Adjust stock" in hint(page, "On hand")
    assert "recorded as an adjustment" in hint(page, "On hand")
    assert "A delivery arrived" in page.text
    assert "A correction that is not a delivery" in page.text
    assert "delivery or invoice number" in hint(page, "Reference")
    assert "stock ledger" in hint(page, "Reason")
