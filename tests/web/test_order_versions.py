"""An order form carries the version it was opened at: a form opened before someone else
changed the order is refused, and the same form posted twice applies once."""
import pytest

from app.domain.orders import OrderStatus
from app.models import Role
from tests.web.order_page import STALE, open_order, press, save
from tests.web.pages import Page

S = OrderStatus


@pytest.fixture
def other_staff(app, shop):
    shop.user("other@example.com", Role.STAFF)
    other = app.test_client()
    assert other.sign_in("other@example.com").status_code == 302
    return other


def test_the_order_form_carries_the_version_it_was_opened_at(staff_client, two_lines, orders):
    page = open_order(staff_client, two_lines)
    version = str(orders.get(two_lines)["version"])
    assert page.form_data("Save")["version"] == version
    assert page.form_data("Record payment")["version"] == version


@pytest.mark.parametrize("button, fields", [
    ("Save", {"Status": "Cancelled"}),
    ("Record payment", {"Amount": "5.00"}),
])
def test_a_stale_form_is_refused_and_saves_nothing(staff_client, other_staff, two_lines, orders,
                                                   snapshot, button, fields):
    page = open_order(staff_client, two_lines)
    assert save(other_staff, two_lines, Status="On Hold").status_code == 302
    before = snapshot()
    response = press(staff_client, page, button, **fields)
    assert response.status_code == 409
    assert STALE in Page(response).all_errors() + Page(response).flashes()
    assert snapshot() == before
    assert orders.get(two_lines)["status"] is S.ON_HOLD


def test_a_stale_split_is_refused(staff_client, shop, two_lines, orders, snapshot):
    shop.settings(create_backorder=True)
    page = open_order(staff_client, two_lines)
    orders.pay(two_lines, "1.00")  # someone records a payment meanwhile
    before = snapshot()
    response = press(staff_client, page, "Save", **{"BKO for A-1": 2})
    assert STALE in Page(response).all_errors()
    assert snapshot() == before
    assert orders.get(two_lines)["backorders"] == []


def test_a_stale_mark_as_new_is_refused(staff_client, orders, snapshot):
    reference = orders.placed(S.NEW_BACKORDER)
    orders.receive(orders.get(reference)["lines"][0][0], 2)
    page = open_order(staff_client, reference)
    orders.move(reference, S.BACKORDER_APPROVED)
    before = snapshot()
    response = press(staff_client, page, "Mark as New")
    assert STALE in Page(response).text
    assert snapshot() == before


@pytest.mark.parametrize("button, fields", [
    ("Save", {"Status": "On Hold"}),
    ("Record payment", {"Amount": "5.00"}),
])
def test_the_same_form_posted_twice_applies_once(staff_client, two_lines, orders, button, fields):
    page = open_order(staff_client, two_lines)
    assert press(staff_client, page, button, **fields).status_code == 302
    after_first = orders.get(two_lines)
    second = press(staff_client, page, button, **fields)
    assert second.status_code == 409
    assert orders.get(two_lines) == after_first
    assert len(after_first["payments"]) == (1 if button == "Record payment" else 0)


def test_the_same_split_posted_twice_makes_one_backorder(staff_client, shop, two_lines, orders):
    shop.settings(create_backorder=True)
    page = open_order(staff_client, two_lines)
    bko = {"BKO for A-1": 2}
    press(staff_client, page, "Save", **bko)
    press(staff_client, page, "Save", **bko)
    assert len(orders.get(two_lines)["backorders"]) == 1
    assert orders.get(two_lines)["lines"] == [("A-1", 1, 1), ("B-1", 2, 2)]
