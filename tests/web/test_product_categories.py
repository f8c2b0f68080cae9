"""The product form's Categories: names separated by commas, new ones made on saving,
shown again when the form opens, and links on the storefront's catalogue."""
from tests.web.pages import Page
from tests.web.test_catalogue_search import category_links, skus

NEW = {"sku": "TEA-1", "name": "Assam", "description": "", "price": "10.00", "on_hand": "3",
       "backorder_policy": "Use store setting", "arrival_date": "", "backorder_limit": ""}


def test_categories_typed_on_a_new_product_are_made_and_shown_again(admin_client, client):
    form = Page(admin_client.get("/admin/products/new"))
    assert form.control("Categories").attrs["name"] == "category_names"
    assert "None yet." in form.root.find(id="category_names-hint").text

    response = admin_client.submit("/admin/products/new",
                                   {**NEW, "category_names": " Tea ,  Gifts,tea,, "})
    assert response.status_code == 302

    page = Page(admin_client.get("/admin/products/TEA-1"))
    assert page.value("Categories") == "Gifts, Tea"
    assert "In use: Gifts, Tea." in page.root.find(id="category_names-hint").text


def test_editing_categories_adds_new_ones_and_takes_the_product_out_of_others(admin_client,
                                                                               shop):
    shop.product("TEA-1", on_hand=3, name="Assam")
    shop.product("MUG-1", on_hand=3, name="Mug")
    admin_client.submit("/admin/products/MUG-1",
                        {**Page(admin_client.get("/admin/products/MUG-1")).form_data("Save"),
                         "category_names": "Gifts"})
    data = Page(admin_client.get("/admin/products/TEA-1")).form_data("Save")
    assert data["category_names"] == ""

    admin_client.submit("/admin/products/TEA-1", {**data, "category_names": "Tea, gifts"})
    assert Page(admin_client.get("/admin/products/TEA-1")).value("Categories") == "Gifts, Tea"
    admin_client.submit("/admin/products/TEA-1", {**data, "category_names": "Black tea"})
    assert Page(admin_client.get("/admin/products/TEA-1")).value("Categories") == "Black tea"

    links = category_links(Page(admin_client.get("/")))
    assert list(links) == ["All products", "Black tea", "Gifts", "Tea"]
    assert skus(Page(admin_client.get(links["Black tea"]))) == ["TEA-1"]
    assert skus(Page(admin_client.get(links["Gifts"]))) == ["MUG-1"]
    assert skus(Page(admin_client.get(links["Tea"]))) == []


def test_a_form_without_the_categories_field_leaves_them_as_they_are(admin_client, shop):
    shop.product("TEA-1", on_hand=3, name="Assam")
    data = Page(admin_client.get("/admin/products/TEA-1")).form_data("Save")
    admin_client.submit("/admin/products/TEA-1", {**data, "category_names": "Tea"})
    data = Page(admin_client.get("/admin/products/TEA-1")).form_data("Save")
    del data["category_names"]
    assert admin_client.submit("/admin/products/TEA-1", {**data, "name": "Assam, strong"}) \
        .status_code == 302
    assert Page(admin_client.get("/admin/products/TEA-1")).value("Categories") == "Tea"
