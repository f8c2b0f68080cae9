"""Recording payments on the order page: what is still due goes down, never below zero."""
from decimal import Decimal

from tests.web.order_page import open_order, press, timeline, totals
from tests.web.pages import Page


def test_recording_a_payment_lowers_payment_required(staff_client, two_lines, orders):
    page = open_order(staff_client, two_lines)
    response = press(staff_client, page, "Record payment",
                     Amount="15.50", Method="Card", Reference="R-1")
    assert response.status_code == 302
    page = open_order(staff_client, two_lines)
    assert totals(page) == {"Total": "$40.00", "Paid": "$15.50", "Payment required": "$24.50"}
    assert "Payment of $15.50 by Card recorded" in timeline(page)
    assert orders.get(two_lines)["payments"] == [(Decimal("15.50"), "Card")]


def test_overpaying_is_refused(staff_client, two_lines, orders, snapshot):
    orders.pay(two_lines, "30.00")
    page = open_order(staff_client, two_lines)
    before = snapshot()
    response = press(staff_client, page, "Record payment", Amount="10.01")
    assert response.status_code == 409
    assert "That is more than the $10.00 still due" in Page(response).errors("Amount")
    assert snapshot() == before


def test_paying_exactly_what_is_due_clears_it(staff_client, two_lines):
    page = open_order(staff_client, two_lines)
    press(staff_client, page, "Record payment", Amount="40.00")
    assert totals(open_order(staff_client, two_lines))["Payment required"] == "$0.00"
