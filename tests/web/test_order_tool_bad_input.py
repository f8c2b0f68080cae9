"""Hostile input to the order tools (customer details, dispatch confirmation, export,
printed pages): never a 500, never a change."""
import pytest

from tests.support.bad_input import LONG, SCRIPT
from tests.web.order_page import open_order
from tests.web.pages import Page


@pytest.fixture
def placed(shop) -> str:
    shop.product("TEA-1", on_hand=5, price="10.00")
    return shop.order({"TEA-1": 2})[0]


def customer_form(client, reference: str, **changes) -> dict:
    page = open_order(client, reference)
    data = page.form_data("Save customer details")
    return {**data, **changes}


@pytest.mark.parametrize("changes, status", [
    ({"customer_name": LONG}, 400),
    ({"email": SCRIPT}, 400),
    ({"email": LONG + "@example.com"}, 400),
    ({"address": LONG}, 400),
    ({"version": "abc"}, 400),
    ({"version": "9999999999"}, 400),
    ({"version": "999"}, 409),          # stale
    ({"customer_name": None}, 400),     # missing
])
def test_bad_customer_details_change_nothing(staff_client, placed, snapshot, changes, status):
    data = customer_form(staff_client, placed)
    for name, value in changes.items():
        if value is None:
            data.pop(name)
        else:
            data[name] = value
    before = snapshot()
    response = staff_client.submit(f"/admin/orders/{placed}/customer", data)
    assert response.status_code == status
    assert snapshot() == before


def test_customer_details_without_a_csrf_token_are_refused(staff_client, placed, snapshot):
    data = customer_form(staff_client, placed)
    data.pop("csrf_token")
    before = snapshot()
    response = staff_client.post(f"/admin/orders/{placed}/customer", data=data)
    assert response.status_code == 400
    assert snapshot() == before


def test_a_script_in_customer_details_is_shown_as_text(staff_client, placed):
    data = customer_form(staff_client, placed, customer_name=SCRIPT)
    assert staff_client.submit(f"/admin/orders/{placed}/customer", data).status_code == 302
    for path in ("", "/packing-slip", "/invoice"):
        body = staff_client.get(f"/admin/orders/{placed}{path}").get_data(as_text=True)
        assert SCRIPT not in body and "&lt;script&gt;" in body


@pytest.mark.parametrize("value", ["yes please", "", LONG])
def test_any_posted_dispatch_confirmation_is_read_as_a_tick_or_none(staff_client, placed,
                                                                      value):
    page = open_order(staff_client, placed)
    data = {**page.form_data("Save"), "dispatch_with_due": value}
    response = staff_client.submit(f"/admin/orders/{placed}", data)
    assert response.status_code in (302, 400, 409)


@pytest.mark.parametrize("query", ["%' OR 1=1 --", LONG, SCRIPT, "%", "_"])
def test_odd_searches_export_without_error(staff_client, placed, query):
    response = staff_client.get("/admin/orders/export.csv", query_string={"q": query})
    assert response.status_code == 200
    assert response.get_data(as_text=True).startswith("Order,")


def test_a_nul_in_the_search_is_refused_like_on_the_list(staff_client, placed):
    listed = staff_client.get("/admin/orders", query_string={"q": "\x00"}).status_code
    exported = staff_client.get("/admin/orders/export.csv", query_string={"q": "\x00"})
    assert exported.status_code == listed == 400


@pytest.mark.parametrize("path", ["packing-slip", "invoice", "customer", "payments"])
def test_tools_of_an_unknown_order_are_404(staff_client, path):
    response = staff_client.get(f"/admin/orders/{SCRIPT}/{path}", follow_redirects=True)
    assert response.status_code == 404
    assert SCRIPT not in Page(response).html
